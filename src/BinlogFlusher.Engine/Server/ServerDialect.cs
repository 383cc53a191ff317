using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace BinlogFlusher.Engine.Server
{
    public enum ServerFlavor { MySql, MariaDb }

    /// <summary>The one place that knows how MySQL 5.7, 8.0, 8.4+ and MariaDB differ in statements and names.</summary>
    public sealed class ServerDialect
    {
        public ServerDialect(ServerFlavor flavor, Version version, string versionText)
        {
            Flavor = flavor;
            Version = version;
            VersionText = versionText;
        }

        public ServerFlavor Flavor { get; }
        public Version Version { get; }
        public string VersionText { get; }
        public bool IsMariaDb => Flavor == ServerFlavor.MariaDb;

        /// <summary>MySQL 8.0.22+ and MariaDB 10.5.1+ accept REPLICA; MySQL 8.4+ accepts nothing else.</summary>
        bool IsMySqlFrom(int major, int minor, int patch) => !IsMariaDb && Version >= new Version(major, minor, patch);

        bool UsesReplicaKeyword => IsMariaDb ? Version >= new Version(10, 5, 1) : Version >= new Version(8, 0, 22);

        public const string VersionQuery = "SELECT VERSION()";

        /// <summary>
        /// A row on MariaDB only (a DBA can rewrite the version string). Not information_schema.GLOBAL_VARIABLES: MySQL
        /// 8.0 removed it and 5.7 refuses it under show_compatibility_56=OFF (MySQL manual, "The INFORMATION_SCHEMA
        /// GLOBAL_VARIABLES and SESSION_VARIABLES Tables"); not @@gtid_domain_id, an error on MySQL.
        /// </summary>
        public const string MariaDbProbe = "SHOW GLOBAL VARIABLES LIKE 'gtid\\_domain\\_id'";

        /// <summary>From VERSION() and whether the variable gtid_domain_id exists.</summary>
        public static ServerDialect From(string versionText, bool hasGtidDomainId)
        {
            var flavor = hasGtidDomainId || versionText.IndexOf("MariaDB", StringComparison.OrdinalIgnoreCase) >= 0 ? ServerFlavor.MariaDb : ServerFlavor.MySql;
            var text = versionText.StartsWith("5.5.5-", StringComparison.Ordinal) && flavor == ServerFlavor.MariaDb ? versionText.Substring(6) : versionText;
            var match = Regex.Match(text, @"^(\d+)\.(\d+)\.(\d+)");
            var version = match.Success
                ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture))
                : new Version(0, 0, 0);
            return new ServerDialect(flavor, version, versionText);
        }

        public string ReplicaStatus => IsMariaDb ? "SHOW ALL SLAVES STATUS" : UsesReplicaKeyword ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";

        /// <summary>The replication SQL thread column, by name (MariaDB keeps Slave_* in both statements).</summary>
        public string SqlRunningColumn => !IsMariaDb && UsesReplicaKeyword ? "Replica_SQL_Running" : "Slave_SQL_Running";
        public string IoRunningColumn => !IsMariaDb && UsesReplicaKeyword ? "Replica_IO_Running" : "Slave_IO_Running";
        public string SourceHostColumn => !IsMariaDb && UsesReplicaKeyword ? "Source_Host" : "Master_Host";
        /// <summary>The source binlog coordinates the applier has executed up to.</summary>
        public string ExecutedFileColumn => !IsMariaDb && UsesReplicaKeyword ? "Relay_Source_Log_File" : "Relay_Master_Log_File";
        public string ExecutedPositionColumn => !IsMariaDb && UsesReplicaKeyword ? "Exec_Source_Log_Pos" : "Exec_Master_Log_Pos";
        public string SourcePortColumn => !IsMariaDb && UsesReplicaKeyword ? "Source_Port" : "Master_Port";

        /// <summary>
        /// Stops the applier of one MariaDB named connection or MySQL channel ("" is the default one). Without FOR CHANNEL,
        /// MySQL stops and starts every channel (manual, "Commands and Options for Multi-Source Replication", 5.7.6+).
        /// </summary>
        public string StopReplicaSqlThread(string connectionName) => IsMariaDb
            ? $"STOP {Keyword} {SqlText.PlainLiteral(connectionName)} SQL_THREAD"
            : $"STOP {Keyword} SQL_THREAD FOR CHANNEL {SqlText.PlainLiteral(connectionName)}";

        public string StartReplicaSqlThread(string connectionName) => IsMariaDb
            ? $"START {Keyword} {SqlText.PlainLiteral(connectionName)} SQL_THREAD"
            : $"START {Keyword} SQL_THREAD FOR CHANNEL {SqlText.PlainLiteral(connectionName)}";

        string Keyword => UsesReplicaKeyword ? "REPLICA" : "SLAVE";

        /// <summary>Replicas connected downstream of this server.</summary>
        public string DownstreamReplicas => IsMariaDb ? "SHOW SLAVE HOSTS" : UsesReplicaKeyword ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS";

        public string BinlogStatus => IsMariaDb
            ? (Version >= new Version(10, 5, 2) ? "SHOW BINLOG STATUS" : "SHOW MASTER STATUS")
            : (Version >= new Version(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");

        /// <summary>MySQL 8.2.0 added RESET BINARY LOGS AND GTIDS and deprecated RESET MASTER; 8.4 removed it (manual, "RESET BINARY LOGS AND GTIDS Statement").</summary>
        public string ResetBinaryLogs => IsMySqlFrom(8, 2, 0) ? "RESET BINARY LOGS AND GTIDS" : "RESET MASTER";

        /// <summary>The variable that says replicated changes are written to this server's binlog.</summary>
        public string LogReplicaUpdatesVariable => IsMySqlFrom(8, 0, 26) ? "log_replica_updates" : "log_slave_updates";

        /// <summary>The GTID position of this server's binlog, or null when GTIDs are not in use.</summary>
        /// <remarks>ON_PERMISSIVE writes GTIDs too (manual, "gtid_mode"): the flush's transactions get them.</remarks>
        public string GtidPositionQuery => IsMariaDb ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT IF(@@GLOBAL.gtid_mode IN ('ON', 'ON_PERMISSIVE'), @@GLOBAL.gtid_executed, NULL)";

        /// <summary>
        /// An information_schema.STATISTICS expression, 1 for an index the optimizer may not use: MySQL 8.0 invisible
        /// indexes (IS_VISIBLE, manual "Invisible Indexes"), MariaDB 10.6 ignored indexes (IGNORED). Never a chunk key.
        /// </summary>
        public string IndexHiddenExpression => IsMariaDb
            ? (Version >= new Version(10, 6, 0) ? "IGNORED = 'YES'" : "0")
            : (Version >= new Version(8, 0, 0) ? "IS_VISIBLE = 'NO'" : "0");

        /// <summary>Explicitly named CHECK constraints are schema-wide on MySQL 8 (per table on MariaDB).</summary>
        public bool CheckConstraintNamesAreSchemaWide => !IsMariaDb;

        /// <summary>Session settings of the session that reads the server for a plan (also part of every flush session's).</summary>
        public IEnumerable<string> PlanningSessionSetup()
        {
            // The DDL rewriting expects backtick-quoted names in SHOW CREATE TABLE.
            yield return "SET SESSION sql_quote_show_create = 1";
            // Permissive and without ANSI_QUOTES, which would quote names with " in SHOW GRANTS and SHOW CREATE TABLE:
            // zero dates and explicit 0 in AUTO_INCREMENT columns copy as they are; no engine substitution.
            yield return "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'";
            // MySQL 8.0 caches TABLE_ROWS and DATA_LENGTH for a day by default; chunk sizing needs today's (manual, "information_schema_stats_expiry").
            if (IsMySqlFrom(8, 0, 0)) yield return "SET SESSION information_schema_stats_expiry = 0";
            // An existing generated invisible primary key must show in SHOW CREATE TABLE and the column list (manual, "Generated Invisible Primary Keys").
            if (IsMySqlFrom(8, 0, 30)) yield return "SET SESSION show_gipk_in_create_table_and_information_schema = ON";
        }

        /// <summary>Session settings of every flush connection.</summary>
        public IEnumerable<string> SessionSetup(int gtidDomainId, int lockWaitTimeoutSeconds)
        {
            foreach (var statement in PlanningSessionSetup()) yield return statement;
            // A table created under innodb_strict_mode=OFF (a legacy row format or size) must be creatable again as it is.
            yield return "SET SESSION innodb_strict_mode = OFF";
            // The BLACKHOLE twin, and the logged CREATE of a key-less table, have no primary key (manual, "sql_require_primary_key", 8.0.13+).
            if (IsMySqlFrom(8, 0, 13)) yield return "SET SESSION sql_require_primary_key = OFF";
            // Else a key-less table's logged CREATE would gain a my_row_id column its rows do not have (manual, "Generated Invisible Primary Keys", 8.0.30+).
            if (IsMySqlFrom(8, 0, 30)) yield return "SET SESSION sql_generate_invisible_primary_key = OFF";
            yield return "SET SESSION binlog_format = 'ROW'";
            yield return "SET SESSION lock_wait_timeout = " + lockWaitTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
            yield return "SET SESSION foreign_key_checks = 0";
            yield return "SET SESSION unique_checks = 1";
            // INSERT ... SELECT under REPEATABLE READ takes a shared lock on every row it reads; READ COMMITTED reads the
            // backup as a consistent snapshot instead (safe with ROW events, and nothing else writes the backup).
            yield return "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
            // The statement text names the backup table: keep it out of the binlog (row events carry the rows).
            yield return IsMariaDb ? "SET SESSION binlog_annotate_row_events = OFF" : "SET SESSION binlog_rows_query_log_events = OFF";
            // MySQL has no GTID domains: the domain applies on MariaDB only.
            if (IsMariaDb)
                yield return "SET SESSION gtid_domain_id = " + gtidDomainId.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>Global privileges that let a session change sql_log_bin and binlog_format; any one of them is enough.</summary>
        public IReadOnlyList<string> SessionVariablePrivileges => IsMariaDb
            ? new[] { "SUPER", "BINLOG ADMIN" }
            : new[] { "SUPER", "SYSTEM_VARIABLES_ADMIN", "SESSION_VARIABLES_ADMIN" };

        public IReadOnlyList<string> ReplicationAdminPrivileges => IsMariaDb
            ? new[] { "SUPER", "REPLICATION SLAVE ADMIN" }
            : Version.Major >= 8 ? new[] { "SUPER", "REPLICATION_SLAVE_ADMIN" } : new[] { "SUPER" };

        public IReadOnlyList<string> BinlogMonitorPrivileges => IsMariaDb
            ? new[] { "SUPER", "BINLOG MONITOR", "REPLICATION CLIENT" }
            : new[] { "SUPER", "REPLICATION CLIENT" };

        /// <summary>
        /// The process list to query: MySQL 8.0.22+ deprecates information_schema.PROCESSLIST, which takes a global mutex,
        /// for performance_schema.processlist with the same columns (manual, "The INFORMATION_SCHEMA PROCESSLIST Table").
        /// </summary>
        public string ProcessList => IsMySqlFrom(8, 0, 22) ? "performance_schema.processlist" : "information_schema.PROCESSLIST";

        /// <summary>
        /// The GTID set that says how far replication applied, and its name: channels with GTID_ONLY (MySQL 8.3+) keep no
        /// file and position (manual, "CHANGE REPLICATION SOURCE TO ... GTID_ONLY"), so gtid_executed is recorded as well.
        /// </summary>
        public (string Name, string Query) AppliedGtids => IsMariaDb
            ? ("gtid_slave_pos", "SELECT @@GLOBAL.gtid_slave_pos")
            : ("gtid_executed", "SELECT @@GLOBAL.gtid_executed");

        /// <summary>
        /// Sessions holding a metadata lock on one table (columns id, user, host, time, info), for a rename that timed
        /// out: performance_schema.metadata_locks on MySQL (manual, "The metadata_locks Table"); on MariaDB the
        /// metadata_lock_info plugin's table, which exists only where the plugin is installed.
        /// </summary>
        public string MetadataLockHolders(string schema, string table) => IsMariaDb
            ? "SELECT m.THREAD_ID AS id, p.USER AS user, p.HOST AS host, p.TIME AS time, p.INFO AS info FROM information_schema.METADATA_LOCK_INFO m " +
              "LEFT JOIN information_schema.PROCESSLIST p ON p.ID = m.THREAD_ID " +
              $"WHERE m.TABLE_SCHEMA = {SqlText.Literal(schema)} AND m.TABLE_NAME = {SqlText.Literal(table)} AND m.THREAD_ID <> CONNECTION_ID() ORDER BY m.THREAD_ID"
            : "SELECT t.PROCESSLIST_ID AS id, t.PROCESSLIST_USER AS user, t.PROCESSLIST_HOST AS host, t.PROCESSLIST_TIME AS time, t.PROCESSLIST_INFO AS info " +
              "FROM performance_schema.metadata_locks m JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID " +
              $"WHERE m.OBJECT_TYPE = 'TABLE' AND m.OBJECT_SCHEMA = {SqlText.Literal(schema)} AND m.OBJECT_NAME = {SqlText.Literal(table)} AND m.LOCK_STATUS = 'GRANTED' " +
              "AND t.PROCESSLIST_ID <> CONNECTION_ID() ORDER BY t.PROCESSLIST_ID";

        /// <summary>Where no lock table can be read: the sessions with an open InnoDB transaction, one of which may hold the lock.</summary>
        public string OpenTransactions =>
            $"SELECT p.ID AS id, p.USER AS user, p.HOST AS host, TIMESTAMPDIFF(SECOND, x.trx_started, NOW()) AS time, p.INFO AS info " +
            $"FROM information_schema.INNODB_TRX x JOIN {ProcessList} p ON p.ID = x.trx_mysql_thread_id WHERE p.ID <> CONNECTION_ID() ORDER BY x.trx_started";

        /// <summary>SHOW BINLOG EVENTS (resume, the foreign-write scan): BINLOG MONITOR on MariaDB 10.5.2+, REPLICATION SLAVE on MySQL.</summary>
        public IReadOnlyList<string> BinlogEventsPrivileges => IsMariaDb
            ? (Version >= new Version(10, 5, 2) ? new[] { "SUPER", "BINLOG MONITOR" } : new[] { "SUPER", "REPLICATION SLAVE" })
            : new[] { "REPLICATION SLAVE" };

        /// <summary>MySQL 8.0+: this session's active roles, as CURRENT_ROLE() lists them (`r`@`%`,... or NONE).</summary>
        public string CurrentRolesQuery => "SELECT CURRENT_ROLE()";

        /// <summary>
        /// This account's grants with its active roles' privileges in them. MariaDB's SHOW GRANTS includes the current
        /// role and PUBLIC; MySQL's lists role grants unexpanded unless named in USING (manual, "SHOW GRANTS Statement").
        /// </summary>
        public string OwnGrants(IReadOnlyList<(string User, string Host)> activeRoles) =>
            IsMariaDb || activeRoles.Count == 0 || !IsMySqlFrom(8, 0, 0)
                ? "SHOW GRANTS"
                : "SHOW GRANTS FOR CURRENT_USER() USING " + string.Join(", ", activeRoles.Select(r => SqlText.Identifier(r.User) + "@" + SqlText.Identifier(r.Host)));

        /// <summary>CURRENT_ROLE()'s list: `r1`@`%`,`r2`@`h`; NONE or null for none.</summary>
        public static IReadOnlyList<(string User, string Host)> ParseRoleList(string? roles) =>
            Regex.Matches(roles ?? "", "`((?:[^`]|``)*)`@`((?:[^`]|``)*)`").Cast<Match>()
                .Select(m => (m.Groups[1].Value.Replace("``", "`"), m.Groups[2].Value.Replace("``", "`"))).ToList();

        /// <summary>Privileges that let a session write while read_only is ON.</summary>
        /// <remarks>MariaDB's USER_PRIVILEGES spells it READ_ONLY ADMIN; SHOW GRANTS and the manual READ ONLY ADMIN.</remarks>
        public IReadOnlyList<string> ReadOnlyBypassPrivileges => IsMariaDb
            ? (Version >= new Version(10, 11, 0) ? new[] { "READ_ONLY ADMIN", "READ ONLY ADMIN" } : new[] { "SUPER", "READ_ONLY ADMIN", "READ ONLY ADMIN" })
            : new[] { "SUPER", "CONNECTION_ADMIN" };

        public override string ToString() => (IsMariaDb ? "MariaDB " : "MySQL ") + Version;
    }
}
