using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using MySqlConnector;

namespace BinlogFlusher.Engine.Restoring
{
    /// <summary>Puts a host back after an interrupted flush: plan (reads only), then apply step by step, then finish.</summary>
    public sealed partial class HostRestore : IAsyncDisposable
    {
        readonly ServerSession session;
        readonly StateRestorer restorer;
        ServerDialect? dialect;
        IReadOnlyList<ReplicationChannel> channels = Array.Empty<ReplicationChannel>();
        // Channels stopped by the run being restored (from its journal) or by this restore: the ones to start again.
        readonly HashSet<string> channelsToStart = new HashSet<string>(StringComparer.Ordinal);
        bool knowsStoppedChannels;

        HostRestore(ServerSession session)
        {
            this.session = session;
            restorer = new StateRestorer(session);
        }

        public string Target => session.Settings.Target;

        public static async Task<HostRestore> OpenAsync(ConnectionSettings settings, Action<string>? statementRan, CancellationToken cancellationToken) =>
            new HostRestore(await ServerSession.OpenAsync(settings, statementRan, cancellationToken).ConfigureAwait(false));

        public async Task<RestorePlan> PlanAsync(RestoreRequest request, CancellationToken cancellationToken)
        {
            if (request.StateFile is null && !request.Discover)
                throw new FlushException(FlushErrorKind.InvalidInput, $"Say what to restore: {FrontEnd.Of(FlushOption.StateFile)} with the file the flush wrote (or the old tool's rollback file), or {FrontEnd.Of(FlushOption.Discover)}.");
            // Never beside a live run: it would kill the run's statements and put its tables back under it.
            await RunLock.AcquireAsync(session, cancellationToken, waitSeconds: 3).ConfigureAwait(false);
            var inspector = new ServerInspector(session);
            dialect = await inspector.ReadDialectAsync(cancellationToken).ConfigureAwait(false);
            channels = await inspector.ReadChannelsAsync(dialect, cancellationToken).ConfigureAwait(false);

            var plan = new RestorePlan();
            var entries = new List<RestoreEntry>();
            var discover = request.Discover;
            if (request.StateFile is not null && !File.Exists(request.StateFile))
            {
                // A flush writes its state file before it changes anything: a run killed before that left nothing to repair,
                // and a mistyped path should not stop a repair. The server's own record says what is aside.
                plan.Warnings = new[] { $"The state file '{request.StateFile}' does not exist (a run killed before it wrote it changed nothing, or the path is wrong): restoring from the server's own record, as {FrontEnd.Of(FlushOption.Discover)} does." };
                discover = true;
            }
            else if (request.StateFile is not null)
            {
                if (LegacyRollbackFile.TryRead(request.StateFile) is { } legacy)
                {
                    entries.AddRange(await restorer.ResolveLegacyAsync(legacy, request.StateFile, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    var journal = FlushJournal.Load(request.StateFile, rollbackFileAccepted: true);
                    await JournalOwner.CheckAsync(session, journal, request.StateFile, "restore", cancellationToken).ConfigureAwait(false);
                    plan.Journal = journal;
                    if (journal.ChannelsStoppedByRun.Count > 0 || !journal.ReplicationStoppedByRun)
                    {
                        knowsStoppedChannels = true;
                        channelsToStart.UnionWith(journal.ChannelsStoppedByRun);
                    }
                    entries.AddRange(journal.Tables.Where(t => t.Phase != TablePhase.Skipped).Select(t => new RestoreEntry
                    {
                        Schema = t.Schema,
                        Table = t.Table,
                        BackupTable = t.BackupTable,
                        Phase = t.Phase,
                        Source = request.StateFile,
                    }));
                }
            }
            if (discover)
            {
                var (found, orphans) = await restorer.DiscoverAsync(cancellationToken).ConfigureAwait(false);
                entries.AddRange(found.Where(f => !entries.Any(e => e.Schema == f.Schema && e.BackupTable == f.BackupTable)));
                plan.Orphans = orphans.Where(o => !entries.Any(e => o == e.Schema + "." + e.BackupTable)).ToList();
            }
            plan.RunConnections = await RunConnectionsAsync(inspector, plan.Journal, cancellationToken).ConfigureAwait(false);
            var selected = entries.Where(e => request.Selection.Includes(new TableInfo { Schema = e.Schema, Name = e.Table })).ToList();
            // While the dead run's statements still run (a rename in flight shows neither name), judge nothing missing yet:
            // the caller stops them and plans again.
            plan.Steps = await restorer.PlanAsync(selected, refuseUnknownTables: request.StateFile is not null && File.Exists(request.StateFile) && plan.RunConnections.Count == 0, cancellationToken).ConfigureAwait(false);
            return plan;
        }

        /// <summary>The run's connections still alive: from the state file and the server's record, within this server lifetime only.</summary>
        async Task<IReadOnlyList<long>> RunConnectionsAsync(ServerInspector inspector, FlushJournal? journal, CancellationToken cancellationToken)
        {
            var startedAt = await inspector.ReadServerStartedAtAsync(cancellationToken).ConfigureAwait(false);
            var ids = new List<long>();
            if (journal is not null && Math.Abs(journal.ServerStartedAt - startedAt) <= 2) ids.AddRange(journal.ConnectionIds);
            foreach (var row in await StateJournalSchema.ReadUnfinishedAsync(session, cancellationToken).ConfigureAwait(false))
                if (row["connection_id"] is not null && row.Long("updated_unix") >= startedAt - 1) ids.Add(row.Long("connection_id"));
            return await inspector.LiveConnectionsAsync(ids, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Stops the interrupted run's statements still running (KILL CONNECTION) and waits until they are gone.</summary>
        public async Task StopRunConnectionsAsync(RestorePlan plan, CancellationToken cancellationToken)
        {
            var inspector = new ServerInspector(session);
            foreach (var id in plan.RunConnections)
            {
                try { await session.ExecuteAsync("KILL CONNECTION " + id.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false); }
                catch (MySqlConnector.MySqlException exception) when (exception.Number == 1094) { /* unknown thread: ended meanwhile */ }
            }
            for (var wait = 0; wait < 600 && (await inspector.LiveConnectionsAsync(plan.RunConnections, cancellationToken).ConfigureAwait(false)).Count > 0; wait++)
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Stops the replication SQL thread(s) that run, before the first change.</summary>
        public async Task StopReplicationAsync()
        {
            foreach (var channel in channels.Where(c => c.SqlRunning))
            {
                await session.ExecuteAsync(dialect!.StopReplicaSqlThread(channel.Name), CancellationToken.None).ConfigureAwait(false);
                channelsToStart.Add(channel.Name);
            }
        }

        /// <summary>
        /// Starts the channels the restored run or this restore stopped. Without a state file that says which (-Discover,
        /// an old tool's rollback file), every channel: the caller asked for replication to run.
        /// </summary>
        public async Task StartReplicationAsync()
        {
            var names = knowsStoppedChannels ? channelsToStart.ToList() : channels.Select(c => c.Name).Union(channelsToStart).ToList();
            foreach (var name in names)
                await session.ExecuteAsync(dialect!.StartReplicaSqlThread(name), CancellationToken.None).ConfigureAwait(false);
        }

        /// <summary>
        /// Carries out one step. A flush killed mid-batch leaves its last statements running on the server until the
        /// server notices the closed connection, so a CREATE or DROP of the table may land after the plan read it and
        /// the rename back fails (the table exists, or does not). Then the step is decided again from what the server
        /// holds now, and carried out, a few times; it may turn out to need nothing, or to be a conflict.
        /// </summary>
        public async Task ApplyAsync(RestoreStep step)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await restorer.ApplyAsync(step).ConfigureAwait(false);
                    return;
                }
                catch (MySqlException exception) when (exception.Number is TableExists or UnknownTable or NoSuchTable && attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
                    var fresh = (await restorer.PlanAsync(new[] { step.Entry }, refuseUnknownTables: false, CancellationToken.None).ConfigureAwait(false)).Single();
                    step.DropOriginal = fresh.DropOriginal;
                    step.RenameBack = fresh.RenameBack;
                    step.Verdict = fresh.Verdict;
                    step.Message = fresh.Message;
                    if (!step.NeedsChange) return;
                }
            }
        }

        const int TableExists = 1050;
        const int UnknownTable = 1051;
        const int NoSuchTable = 1146;

        /// <summary>
        /// Marks what is back as restored, on the server and in the state file. Once every table is back, puts read_only
        /// back as the run found it. Returns what became of read_only (null when no run had changed it).
        /// </summary>
        public async Task<ReadOnlyOutcome?> FinishAsync(RestorePlan plan, IEnumerable<RestoreStep> done, string? stateFile)
        {
            var finished = done.ToList();
            await restorer.MarkRestoredAsync(finished.Select(s => s.Entry)).ConfigureAwait(false);
            ReadOnlyOutcome? note = null;
            // A table left in conflict may still be a BLACKHOLE twin at its name: read_only keeps writes out of it.
            if (plan.Steps.Where(s => s.NeedsChange).All(finished.Contains) && !plan.Steps.Any(s => s.Verdict == RestoreAction.Conflict))
            {
                if (await ReadOnlyGuard.PutBackAsync(session, CancellationToken.None).ConfigureAwait(false) is { } readOnly)
                    note = new ReadOnlyOutcome(true, $"{Target}: read_only is {readOnly} again, as it was before the flush.");
            }
            else if (await ReadOnlyGuard.RecordedAsync(session, CancellationToken.None).ConfigureAwait(false) is not null)
                note = new ReadOnlyOutcome(false, $"{Target}: read_only stays ON, as the flush set it, while tables are still aside; it is put back when they are.");
            if (plan.Journal is not null && stateFile is not null && finished.Count > 0)
            {
                var file = new JournalFile(stateFile, plan.Journal);
                file.Update(journal =>
                {
                    foreach (var step in finished)
                    {
                        var table = journal.Tables.FirstOrDefault(t => t.Schema == step.Entry.Schema && t.BackupTable == step.Entry.BackupTable);
                        if (table is not null) table.Phase = TablePhase.Restored;
                    }
                    if (journal.Tables.All(t => t.Phase is TablePhase.Restored or TablePhase.Skipped or TablePhase.Pending)) journal.Status = "Restored";
                });
            }
            return note;
        }

        public async ValueTask DisposeAsync()
        {
            await RunLock.ReleaseAsync(session).ConfigureAwait(false);
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
