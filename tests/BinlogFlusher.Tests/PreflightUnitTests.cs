using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Tests;

/// <summary>Preflight verdicts for conditions the MariaDB test pair cannot take on at run time (binary log off, MySQL GTIDs).</summary>
public sealed class PreflightUnitTests
{
    static ServerFacts Facts(string version, params (string Name, string Value)[] variables)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["log_bin"] = "ON",
            ["binlog_format"] = "ROW",
            ["binlog_row_image"] = "FULL",
            ["log_slave_updates"] = "ON",
            ["log_replica_updates"] = "ON",
            ["read_only"] = "OFF",
            ["gtid_mode"] = "OFF",
            ["server_uuid"] = "3e11fa47-71ca-11e1-9e33-c80aa9429562",
        };
        foreach (var (name, value) in variables) values[name] = value;
        return new ServerFacts
        {
            Dialect = ServerDialect.From(version, version.Contains("MariaDB")),
            Variables = values,
            Channels = new[] { new ReplicationChannel { SqlRunning = true, IoRunning = true, SourceHost = "primary", SourcePort = 3306 } },
            BlackholeSupport = "YES",
            Grants = GrantSet.Parse(new[] { "GRANT ALL PRIVILEGES ON *.* TO `admin`@`%` WITH GRANT OPTION" }),
            CurrentUser = "admin@%",
        };
    }

    static FlushCandidate Candidate()
    {
        var table = new TableInfo { Schema = "shop", Name = "orders", TableType = "BASE TABLE", Engine = "InnoDB" };
        table.Columns.Add(new ColumnInfo { Name = "id", DataType = "int", ColumnType = "int", Ordinal = 1 });
        return FlushCandidate.For(table);
    }

    static Dictionary<string, ReadinessCheck> Evaluate(ServerFacts facts, FlushOptions? options = null) =>
        Preflight.Evaluate(facts, new[] { Candidate() }, Array.Empty<string>(), options ?? new FlushOptions()).ToDictionary(c => c.Name);

    [Fact]
    public void AHealthyMySqlReplicaPassesEveryCheck()
    {
        Assert.All(Evaluate(Facts("8.0.36")).Values, c => Assert.Equal(CheckStatus.Pass, c.Status));
    }

    [Fact]
    public void TheBinaryLogOffIsRefused()
    {
        var check = Evaluate(Facts("8.0.36", ("log_bin", "OFF")))["BinaryLog"];
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("log_bin", check.Message);
    }

    [Fact]
    public void MySqlGtidsAreAWarningThatNamesTheRemedy()
    {
        var check = Evaluate(Facts("8.0.36", ("gtid_mode", "ON")))["GtidErrant"];
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("3e11fa47-71ca-11e1-9e33-c80aa9429562", check.Message);
        Assert.Contains("SET GTID_NEXT", check.Message);
    }

    [Fact]
    public void ARowImageOtherThanFullIsAWarning()
    {
        Assert.Equal(CheckStatus.Warn, Evaluate(Facts("8.0.36", ("binlog_row_image", "MINIMAL")))["BinlogRowImage"].Status);
    }

    [Fact]
    public void SuperReadOnlyIsRefusedEvenForAnAdministrator()
    {
        Assert.Equal(CheckStatus.Fail, Evaluate(Facts("8.0.36", ("super_read_only", "ON")))["ReadOnly"].Status);
    }

    [Fact]
    public void AMariaDbDomainThatArrivesThroughReplicationIsRefused()
    {
        var facts = Facts("10.11.19-MariaDB", ("gtid_slave_pos", "0-1-100,191-7-3"));
        var check = Evaluate(facts)["GtidDomain"];
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("the GtidDomainId option", check.Message);
        Assert.Equal(CheckStatus.Pass, Evaluate(facts, new FlushOptions { GtidDomainId = 500 })["GtidDomain"].Status);
    }

    [Fact]
    public void MySql57UsesLogSlaveUpdatesAndForceTurnsItIntoAWarning()
    {
        var facts = Facts("5.7.44", ("log_slave_updates", "OFF"));
        Assert.Equal(CheckStatus.Fail, Evaluate(facts)["LogReplicaUpdates"].Status);
        Assert.Contains("log_slave_updates", Evaluate(facts)["LogReplicaUpdates"].Message);
        Assert.Equal(CheckStatus.Warn, Evaluate(facts, new FlushOptions { Force = true })["LogReplicaUpdates"].Status);
    }

    [Fact]
    public void ResettingTheBinaryLogsOfAMySqlGtidReplicaIsRefusedUnlessForced()
    {
        foreach (var mode in new[] { "ON", "ON_PERMISSIVE" })
        {
            var check = Evaluate(Facts("8.4.3", ("gtid_mode", mode)), new FlushOptions { ResetBinaryLogs = true })["ResetBinaryLogs"];
            Assert.Equal(CheckStatus.Fail, check.Status);
            Assert.Contains($"gtid_mode={mode}: RESET BINARY LOGS AND GTIDS empties gtid_executed and gtid_purged", check.Message);
            Assert.Equal(CheckStatus.Warn, Evaluate(Facts("8.4.3", ("gtid_mode", mode)), new FlushOptions { ResetBinaryLogs = true, Force = true })["ResetBinaryLogs"].Status);
        }
        Assert.DoesNotContain("ResetBinaryLogs", Evaluate(Facts("8.4.3", ("gtid_mode", "OFF")), new FlushOptions { ResetBinaryLogs = true }).Keys);
        Assert.DoesNotContain("ResetBinaryLogs", Evaluate(Facts("8.4.3", ("gtid_mode", "ON"))).Keys);
    }

    [Fact]
    public void ResettingTheBinaryLogsNeedsReload()
    {
        var facts = Facts("8.0.36");
        const string grants = "GRANT SELECT, INSERT, CREATE, DROP, ALTER, SUPER, REPLICATION CLIENT ON *.* TO `flush`@`%`";
        facts.Grants = GrantSet.Parse(new[] { grants, "GRANT REPLICATION_SLAVE_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `flush`@`%`" });
        Assert.Equal(CheckStatus.Fail, Evaluate(facts, new FlushOptions { ResetBinaryLogs = true })["ResetBinaryLogsPrivilege"].Status);
        Assert.DoesNotContain("ResetBinaryLogsPrivilege", Evaluate(facts).Keys);
        facts.Grants = GrantSet.Parse(new[] { grants.Replace("SUPER,", "SUPER, RELOAD,") });
        Assert.DoesNotContain("ResetBinaryLogsPrivilege", Evaluate(facts, new FlushOptions { ResetBinaryLogs = true }).Keys);
    }

    [Fact]
    public void BlackholeInDisabledStorageEnginesIsRefusedBeforeAnythingIsLogged()
    {
        var check = Evaluate(Facts("8.0.36", ("disabled_storage_engines", "MyISAM,BLACKHOLE")))["Blackhole"];
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Contains("disabled_storage_engines (MyISAM,BLACKHOLE) lists BLACKHOLE", check.Message);
        Assert.Equal(CheckStatus.Pass, Evaluate(Facts("8.0.36", ("disabled_storage_engines", "MyISAM")))["Blackhole"].Status);
    }

    [Fact]
    public void RequirePrimaryKeyIsReportedAndHandledBySession()
    {
        var check = Evaluate(Facts("8.0.36", ("sql_require_primary_key", "ON")))["RequirePrimaryKey"];
        Assert.Equal(CheckStatus.Pass, check.Status);
        Assert.Contains("the flush session turns it off", check.Message);
    }

    [Fact]
    public void AGroupReplicationMemberIsRefusedEvenWithForce()
    {
        var facts = Facts("8.0.36");
        facts.GroupReplicationActive = true;
        Assert.Equal(CheckStatus.Fail, Evaluate(facts, new FlushOptions { Force = true })["GroupReplication"].Status);
        Assert.DoesNotContain("GroupReplication", Evaluate(Facts("8.0.36")).Keys);
    }

    [Fact]
    public void ChunksMustFitTheServersBinlogCaches()
    {
        var check = Evaluate(Facts("10.11.19-MariaDB", ("max_binlog_cache_size", "16777216"), ("max_binlog_stmt_cache_size", "18446744073709547520")))["BinlogCacheSize"];
        Assert.Equal(CheckStatus.Fail, check.Status);
        Assert.Equal("the ChunkBytes option (33554432) is not below max_binlog_cache_size (16777216): each chunk's transaction would be refused by the server. Give the ChunkBytes option 8388608 or less, or raise max_binlog_cache_size.", check.Message);
        Assert.DoesNotContain("BinlogCacheSize", Evaluate(Facts("10.11.19-MariaDB", ("max_binlog_cache_size", "16777216")), new FlushOptions { ChunkBytes = 8388608 }).Keys);
        Assert.DoesNotContain("BinlogCacheSize", Evaluate(Facts("8.0.36")).Keys);
    }
}
