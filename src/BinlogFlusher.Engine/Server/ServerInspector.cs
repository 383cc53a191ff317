using System;
using BinlogFlusher.Engine.Binlog;
using BinlogFlusher.Engine.State;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MySqlConnector;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>Reads a server: variables, replication, privileges, tables. Changes nothing.</summary>
    public sealed class ServerInspector
    {
        /// <summary>Schemas never flushed, whatever the selection says.</summary>
        public static readonly IReadOnlyList<string> SystemSchemas = new[] { "mysql", "sys", "information_schema", "performance_schema", StateJournalSchema.Name };

        static readonly string[] VariableNames =
        {
            "server_id", "log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata", "log_slave_updates", "log_replica_updates",
            "read_only", "super_read_only", "gtid_mode", "enforce_gtid_consistency", "gtid_strict_mode", "gtid_domain_id", "gtid_binlog_pos",
            "gtid_slave_pos", "gtid_current_pos", "server_uuid", "max_binlog_stmt_cache_size", "binlog_stmt_cache_size", "lock_wait_timeout",
            "disabled_storage_engines", "sql_require_primary_key", "sql_generate_invisible_primary_key", "max_binlog_cache_size",
            "partial_revokes",
        };

        readonly ServerSession session;
        ServerDialect? dialect;

        public ServerInspector(ServerSession session) => this.session = session;

        /// <summary>The first statements sent to any server: both accepted by MySQL 5.7 to 9.x and by MariaDB.</summary>
        public async Task<ServerDialect> ReadDialectAsync(CancellationToken cancellationToken)
        {
            var version = await session.ScalarAsync(ServerDialect.VersionQuery, cancellationToken).ConfigureAwait(false) as string ?? "";
            var domainRows = await session.QueryAsync(ServerDialect.MariaDbProbe, cancellationToken).ConfigureAwait(false);
            return dialect = ServerDialect.From(version, domainRows.Count > 0);
        }

        public async Task<ServerFacts> ReadFactsAsync(CancellationToken cancellationToken)
        {
            var dialect = await ReadDialectAsync(cancellationToken).ConfigureAwait(false);
            await session.ExecuteAsync(string.Join("; ", dialect.PlanningSessionSetup()), cancellationToken).ConfigureAwait(false);
            var facts = new ServerFacts { Dialect = dialect };

            var variables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var list = string.Join(", ", VariableNames.Select(SqlText.Literal));
            foreach (var row in await session.QueryAsync($"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({list})", cancellationToken).ConfigureAwait(false))
                variables[row.Text("Variable_name") ?? ""] = row.Text("Value");
            facts.Variables = variables;
            facts.ServerId = long.TryParse(facts.Variable("server_id"), out var id) ? id : 0;
            facts.CurrentUser = (string?)await session.ScalarAsync("SELECT CURRENT_USER()", cancellationToken).ConfigureAwait(false) ?? "";

            try
            {
                facts.Channels = await ReadChannelsAsync(dialect, cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException exception)
            {
                facts.ReplicationStatusError = exception.Message;
            }
            try
            {
                facts.DownstreamReplicas = (await session.QueryAsync(dialect.DownstreamReplicas, cancellationToken).ConfigureAwait(false)).Count;
            }
            catch (MySqlException exception)
            {
                facts.DownstreamReplicasError = exception.Message;
            }
            facts.BlackholeSupport = (string?)await session.ScalarAsync("SELECT SUPPORT FROM information_schema.ENGINES WHERE ENGINE = 'BLACKHOLE'", cancellationToken).ConfigureAwait(false);
            facts.GroupReplicationActive = (string?)await session.ScalarAsync(
                "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'group_replication'", cancellationToken).ConfigureAwait(false) == "ACTIVE";
            await ReadPrivilegesAsync(facts, cancellationToken).ConfigureAwait(false);
            facts.OtherWriters = await ReadOtherWritersAsync(dialect, cancellationToken).ConfigureAwait(false);
            if (facts.LogBin)
            {
                try { facts.Binlog = await ReadBinlogCoordinatesAsync(dialect, cancellationToken).ConfigureAwait(false); }
                catch (MySqlException) { /* missing BINLOG MONITOR: the privilege check reports it */ }
            }
            return facts;
        }

        public async Task<IReadOnlyList<ReplicationChannel>> ReadChannelsAsync(ServerDialect dialect, CancellationToken cancellationToken)
        {
            var channels = new List<ReplicationChannel>();
            foreach (var row in await session.QueryAsync(dialect.ReplicaStatus, cancellationToken).ConfigureAwait(false))
            {
                // A Group Replication member's own channels are the group's, not a source this host replicates from.
                if ((row.Text("Channel_Name") ?? "").StartsWith("group_replication_", StringComparison.Ordinal)) continue;
                channels.Add(new ReplicationChannel
                {
                    Name = row.Text("Connection_name") ?? row.Text("Channel_Name") ?? "",
                    IoRunning = row.Yes(dialect.IoRunningColumn),
                    SqlRunning = row.Yes(dialect.SqlRunningColumn),
                    SourceHost = row.Text(dialect.SourceHostColumn) ?? "",
                    SourcePort = (int)row.Long(dialect.SourcePortColumn),
                    LastError = row.Text("Last_Error") is { Length: > 0 } error ? error : null,
                });
            }
            return channels;
        }

        /// <summary>When the server last started, in Unix seconds (connection ids restart with the server).</summary>
        public async Task<long> ReadServerStartedAtAsync(CancellationToken cancellationToken)
        {
            var now = Convert.ToInt64(await session.ScalarAsync("SELECT UNIX_TIMESTAMP()", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            var uptime = (await session.QueryAsync("SHOW GLOBAL STATUS LIKE 'Uptime'", cancellationToken).ConfigureAwait(false)).Select(r => r.Long("Value")).FirstOrDefault();
            return now - uptime;
        }

        /// <summary>Which of these connection ids still run on the server (besides this session).</summary>
        public async Task<List<long>> LiveConnectionsAsync(IEnumerable<long> ids, CancellationToken cancellationToken)
        {
            var list = ids.Distinct().ToList();
            if (list.Count == 0) return new List<long>();
            var processList = (dialect ?? await ReadDialectAsync(cancellationToken).ConfigureAwait(false)).ProcessList;
            return (await session.QueryAsync(
                $"SELECT ID FROM {processList} WHERE ID IN ({string.Join(", ", list.Select(Number))}) AND ID <> CONNECTION_ID()", cancellationToken).ConfigureAwait(false))
                .Select(r => r.Long("ID")).ToList();
        }

        /// <summary>
        /// Who holds a metadata lock on the table, in words: "connection 42 of app@10.0.0.5, 310 s, running: ...". When the
        /// server cannot say (MariaDB without the metadata_lock_info plugin), the sessions with an open transaction.
        /// </summary>
        public async Task<string> DescribeLockHoldersAsync(ServerDialect dialect, string schema, string table, CancellationToken cancellationToken)
        {
            static string Describe(IEnumerable<Row> rows) => string.Join("; ", rows.Select(r =>
                $"connection {r.Long("id")} of {r.Text("user")}@{r.Text("host")} ({r.Long("time")} s{(r.Text("info") is { Length: > 0 } info ? ", running: " + Shorten(info) : ", idle in a transaction")})"));
            try
            {
                var holders = await session.QueryAsync(dialect.MetadataLockHolders(schema, table), cancellationToken).ConfigureAwait(false);
                return holders.Count > 0 ? "held by " + Describe(holders) : "no session holds it any more";
            }
            catch (MySqlException)
            {
                // MariaDB without the metadata_lock_info plugin, or performance_schema off.
                var open = await session.QueryAsync(dialect.OpenTransactions, cancellationToken).ConfigureAwait(false);
                var hint = dialect.IsMariaDb ? " (INSTALL SONAME 'metadata_lock_info' lets the server name the holder)" : " (performance_schema names the holder when it is on)";
                return (open.Count > 0 ? "probably held by a session with an open transaction: " + Describe(open) : "the holder is not known") + hint;
            }
        }

        static string Shorten(string text) => text.Length <= 80 ? text : text.Substring(0, 77) + "...";

        /// <summary>How far replication has applied: per channel the executed source coordinates, and MariaDB's gtid_slave_pos.</summary>
        public async Task<string> ReadReplicationPositionAsync(ServerDialect dialect, CancellationToken cancellationToken)
        {
            var parts = new List<string>();
            foreach (var row in await session.QueryAsync(dialect.ReplicaStatus, cancellationToken).ConfigureAwait(false))
                parts.Add($"{row.Text("Connection_name") ?? row.Text("Channel_Name") ?? ""}:{row.Text(dialect.ExecutedFileColumn)}:{row.Text(dialect.ExecutedPositionColumn)}");
            var gtids = (await session.ScalarAsync(dialect.AppliedGtids.Query, cancellationToken).ConfigureAwait(false))?.ToString()?.Replace("\n", "");
            if (dialect.IsMariaDb || !string.IsNullOrEmpty(gtids)) parts.Add(dialect.AppliedGtids.Name + "=" + gtids);
            return string.Join("; ", parts);
        }

        /// <summary>
        /// Whether a CREATE TABLE for schema.table was logged between two coordinates (for a run killed between running
        /// it and journaling that it ran).
        /// </summary>
        public async Task<bool> BinlogHasCreateTableAsync(string schema, string table, BinlogCoordinates start, BinlogCoordinates? end, CancellationToken cancellationToken)
        {
            var use = "use " + SqlText.Identifier(schema) + ";";
            var create = "CREATE TABLE " + SqlText.Identifier(table) + " (";
            var found = false;
            await WalkEventsAsync(start, end, (file, row) =>
            {
                var info = row.Text("Info") ?? "";
                found = row.Text("Event_type") == "Query" && info.StartsWith(use, StringComparison.Ordinal) && info.IndexOf(create, StringComparison.Ordinal) >= 0;
                return !found;
            }, cancellationToken).ConfigureAwait(false);
            return found;
        }

        /// <summary>An event another session wrote: where, what kind (rows or a statement), and the table it names.</summary>
        public sealed class ForeignEvent
        {
            public string File { get; set; } = "";
            /// <summary>Where the event starts in File.</summary>
            public long Offset { get; set; }
            public string Position => File + ":" + Number(Offset);
            public string Kind { get; set; } = "";
            public string? Table { get; set; }
        }

        /// <summary>
        /// MariaDB: the events between two coordinates that belong to a GTID outside <paramref name="ownDomain"/>, with the
        /// table each names (Table_map "(schema.table)", or a statement's "use `schema`; ... TABLE `table`").
        /// </summary>
        public async Task<List<ForeignEvent>> ReadForeignEventsAsync(BinlogCoordinates start, BinlogCoordinates end, long ownDomain, CancellationToken cancellationToken)
        {
            var found = new List<ForeignEvent>();
            var foreign = false;
            await WalkEventsAsync(start, end, (file, row) =>
            {
                var type = row.Text("Event_type") ?? "";
                var info = row.Text("Info") ?? "";
                if (type == "Gtid")
                {
                    var gtid = System.Text.RegularExpressions.Regex.Match(info, @"GTID (\d+-\d+-\d+)");
                    foreign = gtid.Success && GtidPositions.DomainOf(gtid.Groups[1].Value) is { } domain && domain != ownDomain;
                }
                else if (foreign && type == "Table_map")
                {
                    var table = System.Text.RegularExpressions.Regex.Match(info, @"\((.+)\)\s*$");
                    found.Add(new ForeignEvent { File = file, Offset = row.Long("Pos"), Kind = "row events", Table = table.Success ? table.Groups[1].Value : null });
                }
                else if (foreign && type == "Query" && !info.StartsWith("BEGIN", StringComparison.Ordinal) && !info.StartsWith("COMMIT", StringComparison.Ordinal))
                {
                    found.Add(new ForeignEvent
                    {
                        File = file,
                        Offset = row.Long("Pos"),
                        Kind = "statement " + (info.Length > 60 ? info.Substring(0, 60) + "..." : info),
                        Table = StatementTable(info),
                    });
                }
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return found;
        }

        /// <summary>
        /// Every event from <paramref name="start"/> up to <paramref name="end"/> (or the end of the last binlog), in order,
        /// read with SHOW BINLOG EVENTS page by page; <paramref name="visit"/> returns false to stop.
        /// </summary>
        async Task WalkEventsAsync(BinlogCoordinates start, BinlogCoordinates? end, Func<string, Row, bool> visit, CancellationToken cancellationToken)
        {
            const int Page = 10000;
            var files = (await session.QueryAsync("SHOW BINARY LOGS", cancellationToken).ConfigureAwait(false))
                .Select(r => r.Text("Log_name") ?? "").Where(f => BinlogReader.CompareFiles(f, start.File) >= 0 && (end is null || BinlogReader.CompareFiles(f, end.File) <= 0)).ToList();
            foreach (var file in files)
            {
                long position = file == start.File ? start.Position : 4;
                while (true)
                {
                    var events = await session.QueryAsync($"SHOW BINLOG EVENTS IN {SqlText.PlainLiteral(file)} FROM {Number(position)} LIMIT {Page}", cancellationToken).ConfigureAwait(false);
                    foreach (var row in events)
                    {
                        if (end is not null && file == end.File && row.Long("Pos") >= end.Position) return;
                        if (!visit(file, row)) return;
                    }
                    if (events.Count < Page) break;
                    position = events[events.Count - 1].Long("End_log_pos");
                }
            }
        }

        /// <summary>schema.table a logged statement ("use `db`; ALTER TABLE t ...", "ALTER TABLE db.t ...") works on, or null.</summary>
        internal static string? StatementTable(string info)
        {
            const string Name = @"(?:`((?:[^`]|``)+)`|([\w$]+))";
            var match = System.Text.RegularExpressions.Regex.Match(info,
                @"^(?:use " + Name + @";\s*)?.*?\bTABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?" + Name + @"(?:\s*\.\s*" + Name + ")?",
                System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline);
            if (!match.Success) return null;
            string? Part(int quoted, int plain) =>
                match.Groups[quoted].Success ? match.Groups[quoted].Value.Replace("``", "`") : match.Groups[plain].Success ? match.Groups[plain].Value : null;
            var first = Part(3, 4);
            if (Part(5, 6) is { } second) return first + "." + second;
            return Part(1, 2) is { } schema ? schema + "." + first : null;
        }

        public async Task<BinlogCoordinates> ReadBinlogCoordinatesAsync(ServerDialect dialect, CancellationToken cancellationToken)
        {
            var coordinates = CoordinatesOf(await session.QueryAsync(dialect.BinlogStatus, cancellationToken).ConfigureAwait(false));
            var gtid = (string?)await session.ScalarAsync(dialect.GtidPositionQuery, cancellationToken).ConfigureAwait(false);
            coordinates.GtidPosition = string.IsNullOrEmpty(gtid) ? null : gtid!.Replace("\n", "");
            return coordinates;
        }

        /// <summary>File and position from the rows of the dialect's BinlogStatus (SHOW MASTER STATUS or its successor).</summary>
        internal static BinlogCoordinates CoordinatesOf(IReadOnlyList<Row> binlogStatus)
        {
            if (binlogStatus.Count == 0) throw new FlushException(FlushErrorKind.PreflightRefused, "The binary log is off on this server (SHOW MASTER STATUS is empty): start it with log_bin.");
            return new BinlogCoordinates { File = binlogStatus[0].Text("File") ?? "", Position = binlogStatus[0].Long("Position") };
        }

        /// <summary>
        /// Connected sessions of other accounts that read_only does not stop ('user'@'host' and how many), from the
        /// global grants information_schema shows this account.
        /// </summary>
        async Task<IReadOnlyList<string>> ReadOtherWritersAsync(ServerDialect dialect, CancellationToken cancellationToken)
        {
            var bypass = string.Join(", ", dialect.ReadOnlyBypassPrivileges.Concat(new[] { "ALL PRIVILEGES" }).Select(SqlText.Literal));
            var rows = await session.QueryAsync(
                $"SELECT p.USER AS user, COUNT(*) AS sessions FROM {dialect.ProcessList} p " +
                "WHERE p.ID <> CONNECTION_ID() AND p.USER NOT IN ('system user', 'event_scheduler', 'unauthenticated user') AND p.USER <> SUBSTRING_INDEX(CURRENT_USER(), '@', 1) " +
                $"AND EXISTS (SELECT 1 FROM information_schema.USER_PRIVILEGES g WHERE g.GRANTEE LIKE CONCAT('''', REPLACE(REPLACE(p.USER, '%', '\\%'), '_', '\\_'), '''@%') AND g.PRIVILEGE_TYPE IN ({bypass})) " +
                "GROUP BY p.USER ORDER BY p.USER", cancellationToken).ConfigureAwait(false);
            return rows.Select(r => $"{r.Text("user")} ({r.Long("sessions")} session(s))").ToList();
        }

        async Task ReadPrivilegesAsync(ServerFacts facts, CancellationToken cancellationToken)
        {
            var dialect = facts.Dialect;
            // CURRENT_ROLE() exists from MySQL 8.0 (roles); MariaDB's SHOW GRANTS includes the current role itself.
            var activeRoles = dialect.IsMariaDb || dialect.Version.Major < 8 ? Array.Empty<(string, string)>()
                : ServerDialect.ParseRoleList((await session.ScalarAsync(dialect.CurrentRolesQuery, cancellationToken).ConfigureAwait(false))?.ToString());
            var lines = (await session.QueryAsync(dialect.OwnGrants(activeRoles), cancellationToken).ConfigureAwait(false))
                .Select(row => row.Text(0) ?? "").ToList();
            var partialRevokes = facts.Variable("partial_revokes") is { } value && (value == "ON" || value == "1");
            facts.Grants = GrantSet.Parse(lines, wildcardSchemaNames: dialect.IsMariaDb || !partialRevokes);
        }

        /// <summary>Every base table outside the system schemas, with columns, indexes, foreign keys, partitions and triggers: six queries whatever the table count.</summary>
        public async Task<TableCatalog> ReadCatalogAsync(CancellationToken cancellationToken)
        {
            var server = dialect ?? await ReadDialectAsync(cancellationToken).ConfigureAwait(false);
            return await new CatalogReader(session, server).ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>SHOW CREATE TABLE, as the session's sql_mode prints it.</summary>
        public async Task<string> ShowCreateTableAsync(string schema, string table, CancellationToken cancellationToken)
        {
            var rows = await session.QueryAsync("SHOW CREATE TABLE " + SqlText.Qualified(schema, table), cancellationToken).ConfigureAwait(false);
            return rows[0].Text("Create Table") ?? throw new FlushException(FlushErrorKind.ServerError, $"SHOW CREATE TABLE {schema}.{table} returned no definition.");
        }

        internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
