using System;
using BinlogFlusher.Engine.State;
using System.Collections.Generic;
using System.Linq;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Planning
{
    /// <summary>The preflight of Invoke-BinlogFlush, and the checks of Test-BinlogFlushReadiness: one piece of code.</summary>
    public static class Preflight
    {
        static readonly string[] TablePrivileges = { "SELECT", "INSERT", "CREATE", "DROP", "ALTER" };
        static readonly string[] JournalPrivileges = { "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE" };

        public const string AlreadyRunningCheck = "AlreadyRunning";

        static string ReadOnlyBypass(ServerDialect dialect) => string.Join(" or ", dialect.ReadOnlyBypassPrivileges.Where(p => p != "READ_ONLY ADMIN"));

        /// <param name="runningElsewhere">Who holds the server's run lock (RunLock), or null.</param>
        /// <param name="repair">The command that puts the leftovers back, for this host and the state file it knows of.</param>
        public static IReadOnlyList<ReadinessCheck> Evaluate(ServerFacts facts, IReadOnlyList<FlushCandidate> candidates,
            IReadOnlyList<string> leftovers, FlushOptions options, string? runningElsewhere = null, string? repair = null) =>
            new Evaluation(facts, candidates, leftovers, options, runningElsewhere, repair).Run();

        /// <summary>One evaluation: the checks in the order Test-BinlogFlushReadiness lists them.</summary>
        sealed class Evaluation
        {
            readonly ServerFacts facts;
            readonly IReadOnlyList<FlushCandidate> candidates;
            readonly IReadOnlyList<string> leftovers;
            readonly FlushOptions options;
            readonly string? repair;
            readonly string? runningElsewhere;
            readonly ServerDialect dialect;
            readonly List<ReadinessCheck> checks = new List<ReadinessCheck>();

            public Evaluation(ServerFacts facts, IReadOnlyList<FlushCandidate> candidates, IReadOnlyList<string> leftovers, FlushOptions options, string? runningElsewhere, string? repair)
            {
                this.repair = repair;
                this.facts = facts;
                this.candidates = candidates;
                this.leftovers = leftovers;
                this.options = options;
                this.runningElsewhere = runningElsewhere;
                dialect = facts.Dialect;
            }

            public IReadOnlyList<ReadinessCheck> Run()
            {
                Binlog();
                Replication();
                Engines();
                ResetBinaryLogs();
                Privileges();
                ReadOnly();
                LeftoverState();
                Tables();
                Gtids();
                return checks;
            }

            void Add(string name, CheckStatus status, string message) => checks.Add(new ReadinessCheck(name, status, message));

            CheckStatus ForceOr(CheckStatus status) => options.Force ? CheckStatus.Warn : status;

            /// <summary>The binary log as consumers need it: on, ROW, full images, replicated changes logged.</summary>
            void Binlog()
            {
                Add("BinaryLog", facts.LogBin ? CheckStatus.Pass : CheckStatus.Fail, facts.LogBin
                    ? "The binary log is on."
                    : "The binary log is off: nothing would reach a consumer. Start the server with log_bin.");

                var rowFormat = facts.BinlogFormat.Equals("ROW", StringComparison.OrdinalIgnoreCase);
                Add("BinlogFormat", rowFormat ? CheckStatus.Pass : CheckStatus.Fail, rowFormat
                    ? "binlog_format is ROW."
                    : $"binlog_format is {facts.BinlogFormat}: consumers would get the statements (INSERT ... SELECT from a backup table), and later replicated changes would not be row events. Set binlog_format=ROW globally (SET GLOBAL binlog_format='ROW' and in my.cnf).");

                var fullImage = facts.BinlogRowImage.Length == 0 || facts.BinlogRowImage.Equals("FULL", StringComparison.OrdinalIgnoreCase);
                Add("BinlogRowImage", fullImage ? CheckStatus.Pass : CheckStatus.Warn, fullImage
                    ? "binlog_row_image is FULL" + (facts.BinlogRowMetadata is { } meta ? $"; binlog_row_metadata is {meta}." : ".")
                    : $"binlog_row_image is {facts.BinlogRowImage}: later updates will not carry complete rows. Set binlog_row_image=FULL for CDC consumers.");

                Add("LogReplicaUpdates", facts.LogReplicaUpdates ? CheckStatus.Pass : ForceOr(CheckStatus.Fail), facts.LogReplicaUpdates
                    ? $"{dialect.LogReplicaUpdatesVariable} is ON."
                    : $"{dialect.LogReplicaUpdatesVariable} is OFF: a consumer of this binlog would get the snapshot and then none of the replicated changes after it. Turn it on in my.cnf and restart, or use {FrontEnd.Of(FlushOption.Force)}.");
            }

            /// <summary>A replica, not a primary nor a group member, with nobody replicating from it, and its applier stopped for the run.</summary>
            void Replication()
            {
                if (facts.ReplicationStatusError is { } statusError)
                    Add("Replication", CheckStatus.Fail, $"Cannot read the replication status ({statusError}): grant {(dialect.IsMariaDb ? "REPLICA MONITOR (or SUPER)" : "REPLICATION CLIENT")}.");
                else
                    Add("Replication", facts.IsReplica ? CheckStatus.Pass : ForceOr(CheckStatus.Fail), facts.IsReplica
                        ? "Replication is configured: " + string.Join("; ", facts.Channels.Select(c => c.ToString())) + "."
                        : $"No replication is configured: this looks like a primary, and the flush must never run on a primary: while it runs, every write its applications make goes into a BLACKHOLE twin and is lost. Run it on a replica. {FrontEnd.Of(FlushOption.Force)} runs it here anyway, for a server that is a replica in all but its configuration and that nothing writes to.");

                if (facts.GroupReplicationActive)
                    Add("GroupReplication", CheckStatus.Fail, "This server is a Group Replication member (plugin group_replication is ACTIVE): the group would certify and apply the flush's CREATE TABLE and rows on every member, and members' writes would fall into BLACKHOLE twins. Run the flush on an asynchronous replica of the group instead.");

                if (facts.DownstreamReplicasError is { } downstreamError)
                    Add("DownstreamReplicas", ForceOr(CheckStatus.Fail), $"Cannot list downstream replicas ({downstreamError}): grant {(dialect.IsMariaDb ? "REPLICATION MASTER ADMIN" : "REPLICATION SLAVE")}, or use {FrontEnd.Of(FlushOption.Force)}.");
                else
                    Add("DownstreamReplicas", facts.DownstreamReplicas == 0 ? CheckStatus.Pass : ForceOr(CheckStatus.Fail), facts.DownstreamReplicas == 0
                        ? "No replica is connected downstream."
                        : $"{facts.DownstreamReplicas} replica(s) replicate from this host: they would apply the flush's CREATE TABLE and rows and break. Detach them first, or use {FrontEnd.Of(FlushOption.Force)}.");

                if (options.NoReplicaStop && facts.SqlThreadRunning)
                    Add("ReplicaStop", ForceOr(CheckStatus.Fail), $"{FrontEnd.Of(FlushOption.NoReplicaStop)} while the replication SQL thread runs: replicated writes would fall into the BLACKHOLE twins and be lost. Stop the SQL thread, leave {FrontEnd.Of(FlushOption.NoReplicaStop)} out, or use {FrontEnd.Of(FlushOption.Force)}.");
                else
                    Add("ReplicaStop", CheckStatus.Pass, options.NoReplicaStop ? "The replication SQL thread is not running." : "The replication SQL thread will be stopped during the flush.");
            }

            /// <summary>BLACKHOLE usable, key-less CREATEs allowed, and each chunk within the binlog cache limits.</summary>
            void Engines()
            {
                if (facts.BlackholeDisabled)
                    Add("Blackhole", CheckStatus.Fail, $"disabled_storage_engines ({facts.Variable("disabled_storage_engines")}) lists BLACKHOLE: CREATE TABLE ... ENGINE=BLACKHOLE would fail after the logged CREATE. Remove BLACKHOLE from disabled_storage_engines in my.cnf and restart.");
                else
                    Add("Blackhole", facts.BlackholeAvailable ? CheckStatus.Pass : CheckStatus.Fail, facts.BlackholeAvailable
                        ? "The BLACKHOLE engine is available."
                        : "The BLACKHOLE engine is not available" + (dialect.IsMariaDb ? ": run INSTALL SONAME 'ha_blackhole' (or add plugin_load_add=ha_blackhole to my.cnf)." : ": start the server without --disabled-storage-engines=BLACKHOLE."));
                if (!dialect.IsMariaDb && facts.Variable("sql_require_primary_key") is { } requirePk && (requirePk == "ON" || requirePk == "1"))
                    Add("RequirePrimaryKey", CheckStatus.Pass, "sql_require_primary_key is ON: the flush session turns it off for its key-less CREATE TABLEs (the BLACKHOLE twins, key-less tables).");

                // A chunk is one binlog transaction: above the cache limits the server refuses it (MariaDB error 1197 / 1705).
                var cacheLimits = new[] { "max_binlog_cache_size", "max_binlog_stmt_cache_size" }
                    .Select(name => (Name: name, Bytes: ulong.TryParse(facts.Variable(name), out var bytes) ? bytes : ulong.MaxValue)).ToList();
                var tightest = cacheLimits.OrderBy(c => c.Bytes).First();
                var unchunked = candidates.Where(c => c.ChunkKey.Count == 0 && (ulong)Math.Max(0, c.Table.DataLength) >= tightest.Bytes).ToList();
                if ((ulong)options.ChunkBytes >= tightest.Bytes)
                    Add("BinlogCacheSize", CheckStatus.Fail, $"{FrontEnd.Of(FlushOption.ChunkBytes)} ({options.ChunkBytes}) is not below {tightest.Name} ({tightest.Bytes}): each chunk's transaction would be refused by the server. Give {FrontEnd.Of(FlushOption.ChunkBytes)} {tightest.Bytes / 2} or less, or raise {tightest.Name}.");
                else if (unchunked.Count > 0)
                    Add("BinlogCacheSize", CheckStatus.Fail, $"{string.Join(", ", unchunked.Take(5).Select(c => $"{c.Schema}.{c.Name} ({c.Table.DataLength} bytes)"))} cannot be chunked (no key) and is larger than {tightest.Name} ({tightest.Bytes}): raise {tightest.Name}, or leave the table out.");
            }

            /// <summary>-ResetBinaryLogs: not on a GTID replica unless forced, and with RELOAD.</summary>
            void ResetBinaryLogs()
            {
                if (options.ResetBinaryLogs)
                {
                    // RESET MASTER / RESET BINARY LOGS AND GTIDS empties gtid_executed and gtid_purged: GTID auto-positioning of
                    // this replica breaks (manual, "RESET BINARY LOGS AND GTIDS Statement").
                    if (facts.MySqlGtidsOn)
                        Add("ResetBinaryLogs", ForceOr(CheckStatus.Fail), $"{FrontEnd.Of(FlushOption.ResetBinaryLogs)} with gtid_mode={facts.Variable("gtid_mode")}: {dialect.ResetBinaryLogs} empties gtid_executed and gtid_purged, so this replica's GTID auto-positioning breaks. Leave {FrontEnd.Of(FlushOption.ResetBinaryLogs)} out, or use {FrontEnd.Of(FlushOption.Force)} and restore gtid_purged yourself.");
                    if (!facts.HasAnyPrivilege(new[] { "RELOAD" }))
                        Add("ResetBinaryLogsPrivilege", CheckStatus.Fail, $"{FrontEnd.Of(FlushOption.ResetBinaryLogs)} needs RELOAD ({dialect.ResetBinaryLogs}), which {facts.CurrentUser} lacks: GRANT RELOAD ON *.*, or leave {FrontEnd.Of(FlushOption.ResetBinaryLogs)} out.");
                }
            }

            /// <summary>Every privilege the run needs, from the account's own grants.</summary>
            void Privileges()
            {
                var missing = new List<string>();
                if (!facts.HasAnyPrivilege(dialect.SessionVariablePrivileges)) missing.Add(string.Join(" or ", dialect.SessionVariablePrivileges) + " (to write without logging)");
                if (dialect.IsMariaDb && !facts.HasAnyPrivilege(new[] { "SUPER" })) missing.Add("SUPER (to set gtid_domain_id)");
                if (!facts.HasAnyPrivilege(dialect.ReplicationAdminPrivileges)) missing.Add(string.Join(" or ", dialect.ReplicationAdminPrivileges) + " (to stop and start replication)");
                if (!facts.HasAnyPrivilege(dialect.BinlogMonitorPrivileges)) missing.Add(string.Join(" or ", dialect.BinlogMonitorPrivileges) + " (to read binlog coordinates)");
                if (!facts.HasAnyPrivilege(dialect.BinlogEventsPrivileges)) missing.Add(string.Join(" or ", dialect.BinlogEventsPrivileges) + " (to read the run's binlog events: SHOW BINLOG EVENTS)");
                var journalLacking = JournalPrivileges.Where(p => !facts.HasSchemaPrivilege(StateJournalSchema.Name, p)).ToList();
                if (journalLacking.Count > 0) missing.Add(string.Join(", ", journalLacking) + " on " + StateJournalSchema.Name + " (the run's record on the server)");
                foreach (var schema in candidates.Select(c => c.Schema).Distinct())
                {
                    var lacking = TablePrivileges.Where(p => !facts.HasSchemaPrivilege(schema, p)).ToList();
                    if (lacking.Count > 0) missing.Add(string.Join(", ", lacking) + " on " + schema);
                }
                Add("Privileges", missing.Count == 0 ? CheckStatus.Pass : CheckStatus.Fail, missing.Count == 0
                    ? $"{facts.CurrentUser} has the privileges the flush needs."
                    : $"{facts.CurrentUser} lacks: {string.Join("; ", missing)}. GRANT them, or connect as an administrator.");
            }

            /// <summary>read_only, which the run turns ON: the account must write under it; others that may are named.</summary>
            void ReadOnly()
            {
                if (facts.SuperReadOnly)
                    Add("ReadOnly", CheckStatus.Fail, "super_read_only is ON: nobody can write, not even to the binlog. SET GLOBAL super_read_only=OFF for the flush (read_only can stay ON).");
                else if (facts.ReadOnly && !facts.HasAnyPrivilege(dialect.ReadOnlyBypassPrivileges))
                    Add("ReadOnly", CheckStatus.Fail, $"read_only is ON and {facts.CurrentUser} lacks {ReadOnlyBypass(dialect)}: grant it, or SET GLOBAL read_only=OFF for the flush.");
                else if (!facts.ReadOnly && !facts.HasAnyPrivilege(dialect.ReadOnlyBypassPrivileges))
                    Add("ReadOnly", ForceOr(CheckStatus.Fail), $"read_only is OFF, and the flush turns it ON so other sessions cannot write into its BLACKHOLE twins (their writes would vanish); {facts.CurrentUser} lacks {ReadOnlyBypass(dialect)}, so it could not write itself. Grant it, or use {FrontEnd.Of(FlushOption.Force)} to flush without blocking other writers.");
                else
                    Add("ReadOnly", CheckStatus.Pass, facts.ReadOnly ? "read_only is ON, and this account may write anyway." : "read_only is OFF: the flush turns it ON while it runs and puts it back at the end.");

                if (facts.OtherWriters.Count > 0)
                    Add("OtherWriters", CheckStatus.Warn, $"Accounts that read_only does not stop are connected: {string.Join(", ", facts.OtherWriters)}. A write of theirs into a table while it is flushed is lost from the table and fails the run: stop their sessions or writes first.");
            }

            /// <summary>Nothing left aside by an earlier run, and no run going on.</summary>
            void LeftoverState()
            {
                // A live run's backup tables are its own, not leftovers to repair.
                if (runningElsewhere is not null)
                    Add(AlreadyRunningCheck, CheckStatus.Fail, runningElsewhere);
                else Add("LeftoverState", leftovers.Count == 0 ? CheckStatus.Pass : CheckStatus.Fail, leftovers.Count == 0
                    ? "No backup table or unfinished state from an earlier run."
                    : $"An earlier run left state behind: {string.Join(", ", leftovers.Take(10))}{(leftovers.Count > 10 ? $" and {leftovers.Count - 10} more" : "")}. Repair it first: {repair ?? $"{FrontEnd.Run(FlushCommand.Restore, (FlushOption.StateFile, "<its state file>"))}, or {FrontEnd.Of(FlushOption.Discover)}"}.");
            }

            /// <summary>Tables selected, and each one flushable.</summary>
            void Tables()
            {
                var blocked = candidates.Where(c => c.Blocker is not null).ToList();
                if (candidates.Count == 0)
                    Add("Tables", CheckStatus.Fail, $"No table matches the selection: check {FrontEnd.Of(FlushOption.Database)}, {FrontEnd.Of(FlushOption.Table)}, {FrontEnd.Of(FlushOption.ExcludeDatabase)} and {FrontEnd.Of(FlushOption.ExcludeTable)} (system schemas are always skipped).");
                else if (blocked.Count > 0)
                    Add("Tables", CheckStatus.Fail, $"{blocked.Count} table(s) cannot be flushed, so none is started: " + string.Join("; ", blocked.Take(10).Select(c => $"{c.Schema}.{c.Name}: {c.Blocker}")));
                else
                    Add("Tables", CheckStatus.Pass, $"{candidates.Count} table(s), about {candidates.Sum(c => c.Table.EstimatedRows):N0} rows.");
            }

            /// <summary>MariaDB: the flush's own GTID domain; MySQL with GTIDs: the errant transactions it makes.</summary>
            void Gtids()
            {
                if (dialect.IsMariaDb)
                {
                    var domain = options.EffectiveGtidDomainId;
                    var taken = facts.ReplicatedGtidDomains.Contains(domain);
                    Add("GtidDomain", taken ? CheckStatus.Fail : CheckStatus.Pass, taken
                        ? $"GTID domain {domain} already arrives through replication (gtid_slave_pos {facts.Variable("gtid_slave_pos")}): choose a domain no other server uses with {FrontEnd.Of(FlushOption.GtidDomainId)}."
                        : $"The flush writes in GTID domain {domain}" + (facts.GtidStrictMode ? " (gtid_strict_mode is ON: domain 0 would stop replication)." : "."));
                }
                else if (facts.UsesGtids)
                {
                    Add("GtidErrant", CheckStatus.Warn, $"gtid_mode is {facts.Variable("gtid_mode")}: the flush writes transactions with this replica's server_uuid ({facts.Variable("server_uuid")}); failover tools will see them as errant. The result lists the GTID set written; inject an empty transaction for each on the other servers (SET GTID_NEXT='uuid:N'; BEGIN; COMMIT; SET GTID_NEXT='AUTOMATIC').");
                }
            }
        }
    }
}
