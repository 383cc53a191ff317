using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Tests;

/// <summary>What needs no server: dialect statements, DDL rewriting, quoting, option files, selection, journal format.</summary>
public sealed class DialectTests
{
    static ServerDialect Dialect(string version, bool domain = false) => ServerDialect.From(version, domain);

    [Fact]
    public void TheFirstStatementsToAnyServerAreOnesMySqlAndMariaDbBothAccept()
    {
        // information_schema.GLOBAL_VARIABLES is gone in MySQL 8.0 and refused by 5.7 (show_compatibility_56=OFF).
        Assert.Equal("SELECT VERSION()", ServerDialect.VersionQuery);
        Assert.Equal("SHOW GLOBAL VARIABLES LIKE 'gtid\\_domain\\_id'", ServerDialect.MariaDbProbe);
        Assert.Equal(ServerFlavor.MySql, Dialect("8.0.36", domain: false).Flavor);
        Assert.Equal(ServerFlavor.MariaDb, Dialect("10.11.19-custom", domain: true).Flavor);
    }

    /// <summary>Every session setting per server version: a version threshold mistake fails here.</summary>
    [Theory]
    [InlineData("5.7.44-log", "")]
    [InlineData("8.0.12", "stats_expiry")]
    [InlineData("8.0.13", "stats_expiry require_pk")]
    [InlineData("8.0.29", "stats_expiry require_pk")]
    [InlineData("8.0.30", "stats_expiry require_pk gipk")]
    [InlineData("8.4.3", "stats_expiry require_pk gipk")]
    [InlineData("9.1.0", "stats_expiry require_pk gipk")]
    [InlineData("10.6.20-MariaDB", "mariadb")]
    [InlineData("10.11.19-MariaDB-0+deb12u1-log", "mariadb")]
    [InlineData("11.4.3-MariaDB", "mariadb")]
    public void SessionSettingsFollowTheServerVersion(string version, string features)
    {
        var d = Dialect(version, domain: version.Contains("MariaDB"));
        bool Has(string feature) => features.Split(' ').Contains(feature);
        var planning = d.PlanningSessionSetup().ToList();
        var flush = d.SessionSetup(191, 5).ToList();

        var expectedPlanning = new List<string> { "SET SESSION sql_quote_show_create = 1", "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'" };
        if (Has("stats_expiry")) expectedPlanning.Add("SET SESSION information_schema_stats_expiry = 0");
        if (Has("gipk")) expectedPlanning.Add("SET SESSION show_gipk_in_create_table_and_information_schema = ON");
        Assert.Equal(expectedPlanning, planning);

        var expectedFlush = new List<string>(expectedPlanning) { "SET SESSION innodb_strict_mode = OFF" };
        if (Has("require_pk")) expectedFlush.Add("SET SESSION sql_require_primary_key = OFF");
        if (Has("gipk")) expectedFlush.Add("SET SESSION sql_generate_invisible_primary_key = OFF");
        expectedFlush.AddRange(new[]
        {
            "SET SESSION binlog_format = 'ROW'",
            "SET SESSION lock_wait_timeout = 5",
            "SET SESSION foreign_key_checks = 0",
            "SET SESSION unique_checks = 1",
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
            Has("mariadb") ? "SET SESSION binlog_annotate_row_events = OFF" : "SET SESSION binlog_rows_query_log_events = OFF",
        });
        if (Has("mariadb")) expectedFlush.Add("SET SESSION gtid_domain_id = 191");
        Assert.Equal(expectedFlush, flush);
    }

    [Theory]
    [InlineData("8.0.40", "RESET MASTER", "SHOW MASTER STATUS")]
    [InlineData("8.1.0", "RESET MASTER", "SHOW MASTER STATUS")]
    [InlineData("8.2.0", "RESET BINARY LOGS AND GTIDS", "SHOW BINARY LOG STATUS")]
    [InlineData("8.4.3", "RESET BINARY LOGS AND GTIDS", "SHOW BINARY LOG STATUS")]
    public void MySqlSwitchesToTheBinaryLogStatementsAt82(string version, string reset, string status)
    {
        Assert.Equal(reset, Dialect(version).ResetBinaryLogs);
        Assert.Equal(status, Dialect(version).BinlogStatus);
    }

    [Fact]
    public void MySqlStopsAndStartsOneChannelAtATime()
    {
        Assert.Equal("STOP REPLICA SQL_THREAD FOR CHANNEL 'source_2'", Dialect("8.0.36").StopReplicaSqlThread("source_2"));
        Assert.Equal("START REPLICA SQL_THREAD FOR CHANNEL 'it''s'", Dialect("8.4.3").StartReplicaSqlThread("it's"));
        Assert.Equal("START SLAVE SQL_THREAD FOR CHANNEL ''", Dialect("5.7.44").StartReplicaSqlThread(""));
    }

    /// <summary>Process list, applied-GTID record and the binlog-events privilege, each version threshold on both sides.</summary>
    [Theory]
    [InlineData("5.7.44-log", "information_schema.PROCESSLIST", "gtid_executed=SELECT @@GLOBAL.gtid_executed", "REPLICATION SLAVE")]
    [InlineData("8.0.21", "information_schema.PROCESSLIST", "gtid_executed=SELECT @@GLOBAL.gtid_executed", "REPLICATION SLAVE")]
    [InlineData("8.0.22", "performance_schema.processlist", "gtid_executed=SELECT @@GLOBAL.gtid_executed", "REPLICATION SLAVE")]
    [InlineData("8.2.0", "performance_schema.processlist", "gtid_executed=SELECT @@GLOBAL.gtid_executed", "REPLICATION SLAVE")]
    [InlineData("8.4.3", "performance_schema.processlist", "gtid_executed=SELECT @@GLOBAL.gtid_executed", "REPLICATION SLAVE")]
    [InlineData("9.1.0", "performance_schema.processlist", "gtid_executed=SELECT @@GLOBAL.gtid_executed", "REPLICATION SLAVE")]
    [InlineData("10.4.34-MariaDB", "information_schema.PROCESSLIST", "gtid_slave_pos=SELECT @@GLOBAL.gtid_slave_pos", "SUPER REPLICATION SLAVE")]
    [InlineData("10.6.20-MariaDB", "information_schema.PROCESSLIST", "gtid_slave_pos=SELECT @@GLOBAL.gtid_slave_pos", "SUPER BINLOG MONITOR")]
    [InlineData("10.11.19-MariaDB-0+deb12u1-log", "information_schema.PROCESSLIST", "gtid_slave_pos=SELECT @@GLOBAL.gtid_slave_pos", "SUPER BINLOG MONITOR")]
    [InlineData("11.4.3-MariaDB", "information_schema.PROCESSLIST", "gtid_slave_pos=SELECT @@GLOBAL.gtid_slave_pos", "SUPER BINLOG MONITOR")]
    public void ProcessListAppliedGtidsAndBinlogEventRightsFollowTheVersion(string version, string processList, string appliedGtids, string eventsPrivileges)
    {
        var d = Dialect(version);
        Assert.Equal(processList, d.ProcessList);
        Assert.Equal(appliedGtids, d.AppliedGtids.Name + "=" + d.AppliedGtids.Query);
        Assert.Equal(eventsPrivileges, string.Join(" ", d.BinlogEventsPrivileges));
    }

    [Fact]
    public void OnPermissiveCountsAsGtidsOnForThePositionsRecorded()
    {
        Assert.Equal("SELECT IF(@@GLOBAL.gtid_mode IN ('ON', 'ON_PERMISSIVE'), @@GLOBAL.gtid_executed, NULL)", Dialect("8.0.36").GtidPositionQuery);
    }

    [Fact]
    public void MySql57UsesSlaveStatements()
    {
        var d = Dialect("5.7.44-log");
        Assert.Equal(ServerFlavor.MySql, d.Flavor);
        Assert.Equal("STOP SLAVE SQL_THREAD FOR CHANNEL ''", d.StopReplicaSqlThread(""));
        Assert.Equal("START SLAVE SQL_THREAD FOR CHANNEL ''", d.StartReplicaSqlThread(""));
        Assert.Equal("SHOW SLAVE STATUS", d.ReplicaStatus);
        Assert.Equal("Slave_SQL_Running", d.SqlRunningColumn);
        Assert.Equal("SHOW SLAVE HOSTS", d.DownstreamReplicas);
        Assert.Equal("SHOW MASTER STATUS", d.BinlogStatus);
        Assert.Equal("RESET MASTER", d.ResetBinaryLogs);
        Assert.Equal("log_slave_updates", d.LogReplicaUpdatesVariable);
        Assert.True(d.CheckConstraintNamesAreSchemaWide);
    }

    [Fact]
    public void MySql80UsesReplicaStatementsFrom8022()
    {
        Assert.Equal("STOP SLAVE SQL_THREAD FOR CHANNEL ''", Dialect("8.0.21").StopReplicaSqlThread(""));
        var d = Dialect("8.0.36");
        Assert.Equal("STOP REPLICA SQL_THREAD FOR CHANNEL ''", d.StopReplicaSqlThread(""));
        Assert.Equal("SHOW REPLICA STATUS", d.ReplicaStatus);
        Assert.Equal("Replica_SQL_Running", d.SqlRunningColumn);
        Assert.Equal("Source_Host", d.SourceHostColumn);
        Assert.Equal("SHOW REPLICAS", d.DownstreamReplicas);
        Assert.Equal("SHOW MASTER STATUS", d.BinlogStatus);
        Assert.Equal("RESET MASTER", d.ResetBinaryLogs);
        Assert.Equal("log_replica_updates", d.LogReplicaUpdatesVariable);
    }

    [Theory]
    [InlineData("8.4.3")]
    [InlineData("9.1.0")]
    public void MySql84AndLaterUseOnlyTheNewStatements(string version)
    {
        var d = Dialect(version);
        Assert.Equal("STOP REPLICA SQL_THREAD FOR CHANNEL ''", d.StopReplicaSqlThread(""));
        Assert.Equal("SHOW BINARY LOG STATUS", d.BinlogStatus);
        Assert.Equal("RESET BINARY LOGS AND GTIDS", d.ResetBinaryLogs);
        Assert.Equal("SHOW REPLICAS", d.DownstreamReplicas);
        Assert.Contains("SET SESSION binlog_rows_query_log_events = OFF", d.SessionSetup(191, 5));
        Assert.DoesNotContain(d.SessionSetup(191, 5), s => s.Contains("gtid_domain_id"));
    }

    [Fact]
    public void MariaDbIsRecognisedByItsVariableEvenUnderARewrittenVersion()
    {
        var d = Dialect("10.11.19-custom", domain: true);
        Assert.Equal(ServerFlavor.MariaDb, d.Flavor);
        Assert.Equal(new Version(10, 11, 19), d.Version);
        Assert.Equal("SHOW ALL SLAVES STATUS", d.ReplicaStatus);
        Assert.Equal("Slave_SQL_Running", d.SqlRunningColumn);
        Assert.Equal("STOP REPLICA '' SQL_THREAD", d.StopReplicaSqlThread(""));
        Assert.Equal("STOP REPLICA 'it''s' SQL_THREAD", d.StopReplicaSqlThread("it's"));
        Assert.Equal("SHOW SLAVE HOSTS", d.DownstreamReplicas);
        Assert.Equal("SHOW BINLOG STATUS", d.BinlogStatus);
        Assert.Equal("RESET MASTER", d.ResetBinaryLogs);
        Assert.False(d.CheckConstraintNamesAreSchemaWide);
        Assert.Contains("SET SESSION gtid_domain_id = 191", d.SessionSetup(191, 5));
        Assert.Contains("SET SESSION binlog_annotate_row_events = OFF", d.SessionSetup(191, 5));
    }

    [Fact]
    public void OldMariaDbHandshakePrefixIsIgnored()
    {
        var d = Dialect("5.5.5-10.4.32-MariaDB");
        Assert.Equal(new Version(10, 4, 32), d.Version);
        Assert.Equal("STOP SLAVE '' SQL_THREAD", d.StopReplicaSqlThread(""));
        Assert.Equal("SHOW MASTER STATUS", d.BinlogStatus);
    }
}
