using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;

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

        var expectedPlanning = new List<string> { "SET SESSION sql_quote_show_create = 1" };
        if (Has("stats_expiry")) expectedPlanning.Add("SET SESSION information_schema_stats_expiry = 0");
        if (Has("gipk")) expectedPlanning.Add("SET SESSION show_gipk_in_create_table_and_information_schema = ON");
        Assert.Equal(expectedPlanning, planning);

        var expectedFlush = new List<string>(expectedPlanning) { "SET SESSION innodb_strict_mode = OFF" };
        if (Has("require_pk")) expectedFlush.Add("SET SESSION sql_require_primary_key = OFF");
        if (Has("gipk")) expectedFlush.Add("SET SESSION sql_generate_invisible_primary_key = OFF");
        expectedFlush.AddRange(new[]
        {
            "SET SESSION binlog_format = 'ROW'",
            "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
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

public sealed class TableDefinitionTests
{
    const string ChildDdl = "CREATE TABLE `child` (\n  `id` int(11) NOT NULL,\n  `parent_id` int(11) NOT NULL,\n  PRIMARY KEY (`id`),\n  KEY `ix_parent` (`parent_id`),\n" +
                            "  CONSTRAINT `fk_child_parent` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`) ON DELETE CASCADE,\n  CONSTRAINT `chk_id` CHECK (`id` > 0)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    [Fact]
    public void ForeignKeysAreLeftOutOfTheLoggedDefinition()
    {
        var logged = TableDefinitions.LoggedCreateTable(ChildDdl, checkNamesAreSchemaWide: false);
        Assert.DoesNotContain("FOREIGN KEY", logged);
        Assert.Contains("CONSTRAINT `chk_id` CHECK (`id` > 0)\n) ENGINE=InnoDB", logged);
        Assert.Contains("KEY `ix_parent` (`parent_id`),\n", logged);
        Assert.StartsWith("CREATE TABLE `child` (\n", logged);
    }

    [Fact]
    public void SchemaWideCheckNamesAreLeftOutOnMySql()
    {
        var logged = TableDefinitions.LoggedCreateTable(ChildDdl, checkNamesAreSchemaWide: true);
        Assert.Contains("  CHECK (`id` > 0)\n)", logged);
        Assert.DoesNotContain("chk_id", logged);
    }

    [Fact]
    public void AForeignKeyOnTheLastLineLeavesNoTrailingComma()
    {
        var ddl = "CREATE TABLE `c` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`),\n  CONSTRAINT `a``b` FOREIGN KEY (`id`) REFERENCES `p` (`id`)\n) ENGINE=InnoDB\n/*!50100 PARTITION BY HASH (`id`) PARTITIONS 2 */";
        Assert.Equal("CREATE TABLE `c` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB\n/*!50100 PARTITION BY HASH (`id`) PARTITIONS 2 */",
            TableDefinitions.LoggedCreateTable(ddl, false));
    }

    [Fact]
    public void TheTwinHasEveryColumnAsAPlainColumnAndNothingElse()
    {
        var table = new TableInfo { Schema = "s`x", Name = "t y" };
        table.Columns.Add(new ColumnInfo { Name = "id", Ordinal = 1, ColumnType = "bigint(20) unsigned", IsNullable = false });
        table.Columns.Add(new ColumnInfo { Name = "g`en", Ordinal = 3, ColumnType = "int(11)", IsNullable = true, Generated = "VIRTUAL" });
        table.Columns.Add(new ColumnInfo { Name = "name", Ordinal = 2, ColumnType = "varchar(10)", CharacterSet = "utf8mb4", Collation = "utf8mb4_bin", IsNullable = true });
        Assert.Equal("CREATE TABLE `s``x`.`t y` (\n  `id` bigint(20) unsigned NOT NULL,\n  `name` varchar(10) CHARACTER SET `utf8mb4` COLLATE `utf8mb4_bin` NULL,\n  `g``en` int(11) NULL\n) ENGINE=BLACKHOLE",
            TableDefinitions.BlackholeTwin(table));
    }

    [Fact]
    public void KeysetPredicatesCoverCompositeKeys()
    {
        Assert.Equal("(`a` > @l0) OR (`a` = @l0 AND `b` > @l1)", TableFlusher.After(new[] { "a", "b" }, "l"));
        Assert.Equal("(`a` < @u0) OR (`a` = @u0 AND `b` < @u1) OR (`a` = @u0 AND `b` = @u1 AND `c` <= @u2)", TableFlusher.AtOrBefore(new[] { "a", "b", "c" }, "u"));
        Assert.Equal("(`k``ey` > @l0)", TableFlusher.After(new[] { "k`ey" }, "l"));
    }
}

public sealed class InputTests
{
    [Theory]
    [InlineData("db1", 3306, "db1", 3306)]
    [InlineData("db1:3307", 3306, "db1", 3307)]
    [InlineData("[::1]:3308", 3306, "::1", 3308)]
    [InlineData("::1", 3306, "::1", 3306)]
    public void HostNamesParse(string text, int defaultPort, string host, int port) =>
        Assert.Equal((host, port), ConnectionSettings.ParseHost(text, defaultPort));

    [Theory]
    [InlineData("db1:abc")]
    [InlineData("db1:70000")]
    [InlineData("")]
    public void BadHostNamesSayHowToWriteThem(string text) =>
        Assert.Contains("host", Assert.Throws<FormatException>(() => ConnectionSettings.ParseHost(text, 3306)).Message);

    [Fact]
    public void TheClientSectionOfMyCnfIsRead()
    {
        var cnf = MyCnfFile.Parse("x.cnf", new[] { "[mysqld]", "user=server", "[client]", "user = ops", "password=\"p#ss\"", "port=3307 # comment", "ssl_mode=REQUIRED", "[mysql]", "user=other" });
        Assert.Equal("ops", cnf.User);
        Assert.Equal("p#ss", cnf.Password);
        Assert.Equal(3307, cnf.Port);
        Assert.Equal("REQUIRED", cnf.SslMode);
    }

    [Fact]
    public void ThePasswordNeverShowsInSettingsText()
    {
        var settings = new ConnectionSettings("db1", 3306, "ops", "hunter2");
        Assert.DoesNotContain("hunter2", settings.ToString());
        Assert.Equal("ops@db1:3306", settings.ToString());
    }

    [Fact]
    public void SelectionTakesWildcardsSchemaQualifiedTablesAndAlwaysSkipsSystemSchemas()
    {
        var selection = new FlushSelection { Databases = new[] { "shop*" }, Tables = new[] { "orders", "shop_eu.cust?mers" }, ExcludeDatabases = new[] { "shop_old" } };
        TableInfo T(string schema, string name) => new() { Schema = schema, Name = name };
        Assert.True(selection.Includes(T("shop", "orders")));
        Assert.True(selection.Includes(T("shop_eu", "customers")));
        Assert.False(selection.Includes(T("shop", "customers")));
        Assert.False(selection.Includes(T("shop_old", "orders")));
        Assert.False(selection.Includes(T("other", "orders")));
        Assert.False(new FlushSelection().Includes(T("mysql", "user")));
        Assert.False(new FlushSelection().Includes(T("_binlogflusher", "journal")));
    }

    [Fact]
    public void QuotingEscapesBackticksAndLiteralsAreImmuneToSqlMode()
    {
        Assert.Equal("`a``b`", SqlText.Identifier("a`b"));
        Assert.Equal("`s`.`t`", SqlText.Qualified("s", "t"));
        Assert.Equal("_utf8mb4 X'27205C'", SqlText.Literal("' \\"));
        Assert.Throws<ArgumentException>(() => SqlText.Identifier(""));
    }

    [Fact]
    public void TheJournalRoundTripsAndHoldsNoPassword()
    {
        var journal = new FlushJournal { RunId = "abc", Host = "db1", Port = 3306, ServerId = 2 };
        journal.Tables.Add(new JournalTable { Schema = "s", Table = "t", BackupTable = "_bfbk_abc_1", Phase = TablePhase.Copying, LastChunkKey = new List<KeyValue> { new() { Type = "ulong", Value = "18446744073709551615" } } });
        var json = journal.ToJson();
        Assert.Contains("\"phase\": \"Copying\"", json);
        var back = FlushJournal.FromJson(json, "x.json");
        Assert.Equal(TablePhase.Copying, back.Tables[0].Phase);
        Assert.Equal("18446744073709551615", back.Tables[0].LastChunkKey![0].Value);
        Assert.DoesNotContain("password", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheOldToolsRollbackFileIsRecognised()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "_BKTB_1,orders\n_BKTB_2,customers\n");
        Assert.True(FlushJournal.TryReadLegacyRollbackFile(file, out var entries));
        Assert.Equal(new[] { ("_BKTB_1", "orders"), ("_BKTB_2", "customers") }, entries);
        File.WriteAllText(file, "{\"tool\": \"BinlogFlusher\"}");
        Assert.False(FlushJournal.TryReadLegacyRollbackFile(file, out _));
        File.Delete(file);
    }
}

public sealed class BinlogEventTests
{
    [Theory]
    [InlineData("use `bf_shop`; ALTER TABLE items ADD COLUMN x INT", "bf_shop.items")]
    [InlineData("ALTER TABLE bf_shop.items ADD COLUMN x INT", "bf_shop.items")]
    [InlineData("use `we``ird`; ALTER TABLE `it``s` DROP COLUMN y", "we`ird.it`s")]
    [InlineData("use `a`; CREATE TABLE IF NOT EXISTS `b`.`c` (id INT)", "b.c")]
    [InlineData("ALTER TABLE items ADD COLUMN x INT", null)]
    [InlineData("FLUSH PRIVILEGES", null)]
    public void AStatementNamesTheTableItWorksOn(string info, string? table)
    {
        Assert.Equal(table, BinlogFlusher.Engine.Server.ServerInspector.StatementTable(info));
    }

    [Theory]
    [InlineData("0-1-15,191-2-4", "0-1-15,191-2-9", 191, false)]
    [InlineData("0-1-15,191-2-4", "0-1-15,77-2-1,191-2-9", 191, true)]
    [InlineData("0-1-15", "0-2-16", 191, true)]
    [InlineData("", "191-2-1", 191, false)]
    public void OnlyAnotherDomainMovingIsAForeignWrite(string start, string end, long own, bool moved)
    {
        Assert.Equal(moved, BinlogFlusher.Engine.Server.GtidPositions.OtherDomainsMoved(start, end, own));
    }
}

public sealed class ExcludeTableTests
{
    static BinlogFlusher.Engine.Server.TableInfo Table(string schema, string name) => new() { Schema = schema, Name = name, TableType = "BASE TABLE", Engine = "InnoDB" };

    [Theory]
    [InlineData("feat", "versioned", "feat.versioned")]
    [InlineData("my db", "t", "'my db.t'")]
    [InlineData("s", "it's", "'s.it''s'")]
    [InlineData("s", "a*b", "'s.a`*b'")]
    public void TheValueAMessageTellsTheUserToPassIsExactlyTheTable(string schema, string name, string value)
    {
        Assert.Equal(value, BinlogFlusher.Engine.Planning.FlushCandidate.ExcludeValue(Table(schema, name)));
        // Passed back as the option's value (PowerShell and a POSIX shell both drop the single quotes and double the inner one), it leaves out that table and no other.
        var passed = value.StartsWith('\'') ? value[1..^1].Replace("''", "'") : value;
        var selection = new BinlogFlusher.Engine.Planning.FlushSelection { ExcludeTables = new[] { passed } };
        Assert.False(selection.Includes(Table(schema, name)));
        Assert.True(selection.Includes(Table(schema, name + "2")));
        Assert.True(selection.Includes(Table(schema + "x", name)));
    }

    [Fact]
    public void ExcludeTableAppliesAfterDatabaseAndTable()
    {
        var selection = new BinlogFlusher.Engine.Planning.FlushSelection { Databases = new[] { "shop" }, Tables = new[] { "order*" }, ExcludeTables = new[] { "shop.orders_archive", "tmp_*" } };
        Assert.True(selection.Includes(Table("shop", "orders")));
        Assert.False(selection.Includes(Table("shop", "orders_archive")));
        Assert.False(selection.Includes(Table("shop", "customers")));
        Assert.True(new BinlogFlusher.Engine.Planning.FlushSelection { ExcludeTables = new[] { "tmp_*" } }.Includes(Table("shop", "orders")));
        Assert.False(new BinlogFlusher.Engine.Planning.FlushSelection { ExcludeTables = new[] { "tmp_*" } }.Includes(Table("any", "tmp_1")));
    }
}
