using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Restoring;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using MySqlConnector;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>
    /// One host's run once it holds the server's run lock and its state file is written: the phases in RunAsync's
    /// order. Once a table may be aside, every failure puts the tables back before the run ends.
    /// </summary>
    sealed class FlushRun : IAsyncDisposable
    {
        /// <summary>The host's progress while its tables are copied.</summary>
        internal const string CopyingStage = "flushing tables";

        readonly HostPlan plan;
        readonly IFlushListener listener;
        readonly FlushContext context;
        readonly JournalFile file;
        readonly FlushResult result;
        readonly List<JournalTable> work;
        readonly ConcurrentDictionary<JournalTable, TableFlushResult> results = new ConcurrentDictionary<JournalTable, TableFlushResult>();
        readonly DiskFullWatchdog diskWatchdog;
        // Control sessions opened again after the server lost one: closed with the run (the last holds the run lock).
        readonly List<ServerSession> reopenedControls = new List<ServerSession>();
        ServerSession control = null!;
        FlushException? lockedOut;
        // Another session's writes lost into twins, found after the run had failed for another reason.
        string? lostAfterFailure;

        public FlushRun(HostPlan plan, IFlushListener listener, FlushContext context, FlushResult result, List<JournalTable> work)
        {
            this.plan = plan;
            this.listener = listener;
            this.context = context;
            file = context.Journal;
            this.result = result;
            this.work = work;
            diskWatchdog = new DiskFullWatchdog(context);
        }

        FlushJournal Journal => file.Journal;
        string Target => plan.Settings.Target;
        ServerDialect Dialect => plan.Facts.Dialect;

        public async Task<FlushResult> RunAsync(CancellationToken cancellationToken)
        {
            Phase("OpenRun", "the run's record on the server");
            await OpenRunAsync(cancellationToken).ConfigureAwait(false);
            Phase("FlushTables", $"{work.Count} table(s), at most {plan.Options.ThrottleLimit} at once");
            var failure = await FlushTablesAsync(cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                Phase("RestoreAll", "putting back every table that may be aside");
                await RestoreAllAsync(failure).ConfigureAwait(false);
            }
            Phase("CloseRun", "end coordinates, read_only and replication as they were");
            failure = await CloseRunAsync(failure).ConfigureAwait(false);
            return BuildResult(failure);
        }

        /// <summary>One verbose line a host phase, in the phase names of the code.</summary>
        void Phase(string name, string what) => listener.Verbose($"{Target}: phase {name}: {what}");

        /// <summary>The control session, and the run's record on the server (before anything changes).</summary>
        async Task OpenRunAsync(CancellationToken cancellationToken)
        {
            control = await context.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var pending = Journal.Tables.Where(t => t.Phase == TablePhase.Pending).Select(TableFlusher.Move).ToList();
            await control.ExecuteAsync(WriteStatements.OpenRun(Journal.RunId, file.Path, pending), CancellationToken.None).ConfigureAwait(false);
        }

        /// <summary>From stopping replication to the last table flushed; the failure, if any (every failure: our own bugs too).</summary>
        async Task<Exception?> FlushTablesAsync(CancellationToken cancellationToken)
        {
            using var stopForDisk = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                await StopReplicationAsync().ConfigureAwait(false);
                await BlockOtherWritersAsync(cancellationToken).ConfigureAwait(false);
                if (plan.Options.ResetBinaryLogs)
                    await control.ExecuteAsync(Dialect.ResetBinaryLogs, CancellationToken.None).ConfigureAwait(false);
                await MarkBinlogStartAsync().ConfigureAwait(false);
                await CopyTablesWatchedAsync(stopForDisk).ConfigureAwait(false);
                return null;
            }
            catch (Exception exception)
            {
                // Stopped for a full disk, the killed INSERT ends in the server's own write error (3, errno 28), not as cancelled.
                return diskWatchdog.StoppedRunBecause is { } waiting && !cancellationToken.IsCancellationRequested
                    ? new FlushException(FlushErrorKind.DiskFull, $"the binlog disk is full: the server waited for disk space longer than {plan.Options.DiskFullTimeout.TotalSeconds:0} s ({waiting}), so the run was stopped", exception)
                    : exception;
            }
        }

        async Task StopReplicationAsync()
        {
            if (plan.Options.NoReplicaStop) return;
            foreach (var channel in plan.Facts.Channels.Where(c => c.SqlRunning))
            {
                await control.ExecuteAsync(Dialect.StopReplicaSqlThread(channel.Name), CancellationToken.None).ConfigureAwait(false);
                file.Update(j => j.ChannelsStoppedByRun.Add(channel.Name));
            }
            file.Update(j => j.ReplicationStoppedByRun = plan.Facts.SqlThreadRunning);
        }

        /// <summary>
        /// Other sessions' writes would vanish into the twins: read_only blocks them (an account that cannot write under
        /// read_only itself was refused by preflight, or runs with -Force and leaves read_only as it is).
        /// </summary>
        async Task BlockOtherWritersAsync(CancellationToken cancellationToken)
        {
            if (!plan.Facts.HasAnyPrivilege(Dialect.ReadOnlyBypassPrivileges)) return;
            if (!await ReadOnlyGuard.TurnOnAsync(control, Journal.RunId, cancellationToken).ConfigureAwait(false)) return;
            file.Update(j => j.ReadOnlyBefore = "OFF");
            listener.Verbose($"{Target}: read_only is ON until the tables are back");
        }

        /// <summary>After the applier stopped: the range from here holds the snapshot and nothing else.</summary>
        async Task MarkBinlogStartAsync()
        {
            var inspector = new ServerInspector(control);
            result.BinlogStart = await inspector.ReadBinlogCoordinatesAsync(Dialect, CancellationToken.None).ConfigureAwait(false);
            var position = plan.Facts.IsReplica ? await inspector.ReadReplicationPositionAsync(Dialect, CancellationToken.None).ConfigureAwait(false) : null;
            file.Update(j =>
            {
                j.BinlogStart ??= result.BinlogStart;
                j.ReplicationPosition ??= position;
                // A run that was killed never wrote its end: what it wrote ends before this run begins.
                if (j.BinlogRanges.Count > 0 && j.BinlogRanges[j.BinlogRanges.Count - 1].End is null) j.BinlogRanges[j.BinlogRanges.Count - 1].End = result.BinlogStart;
                j.BinlogRanges.Add(new BinlogRange { Start = result.BinlogStart });
            });
            listener.Verbose($"{Target}: binlog start {result.BinlogStart}");
            context.ReportHostProgress(CopyingStage);
        }

        /// <summary>The tables, by the worker pool, while the disk-full watchdog looks on.</summary>
        async Task CopyTablesWatchedAsync(CancellationTokenSource stopForDisk)
        {
            using var tablesDone = new CancellationTokenSource();
            var watching = Task.Run(() => diskWatchdog.WatchAsync(stopForDisk, tablesDone.Token));
            try
            {
                await new TableWorkers(plan, listener, context, results).RunAsync(work, stopForDisk.Token).ConfigureAwait(false);
            }
            finally
            {
                tablesDone.Cancel();
                await watching.ConfigureAwait(false);
            }
        }

        /// <summary>After a failure: every table that may be aside is put back; when that fails too, the result names what is aside.</summary>
        async Task RestoreAllAsync(Exception failure)
        {
            // What failed is said once, in the result: this only says why the put-back that follows takes time.
            listener.Warning($"{Target}: {(failure is OperationCanceledException ? "interrupted" : "the run failed")}; putting every table back.");
            try
            {
                control = await AliveAsync().ConfigureAwait(false);
                await PutBackAsync().ConfigureAwait(false);
            }
            catch (Exception restoreFailure)
            {
                // The server stayed away (or failed again): the result names what is aside and how to repair it.
                listener.Warning($"{Target}: could not put the tables back: {FlushException.Classify(restoreFailure)?.Message ?? restoreFailure.Message}");
            }
        }

        /// <summary>
        /// A table the failure's put-back found in place or put there: another session's write from here on went into
        /// the table, not into its twin. Read after the rename, so a write in between counts as lost (the safe side), as
        /// it does when the read fails and the window stays open: the put-back of the other tables goes on. A batch's
        /// tables share one window until each is back: each gets its own end.
        /// </summary>
        async Task CloseAsideWindowAsync(JournalTable entry)
        {
            if (!context.AsideWindows.TryGetValue(entry, out var window) || window.To is not null) return;
            try
            {
                var back = ServerInspector.CoordinatesOf(await control.QueryAsync(Dialect.BinlogStatus, CancellationToken.None).ConfigureAwait(false));
                context.AsideWindows[entry] = new AsideWindow(window.From) { To = back };
            }
            catch (Exception exception) when (exception is MySqlException || exception is FlushException)
            {
                listener.Verbose($"{Target}: could not read where {entry.Schema}.{entry.Table} came back in the binlog: {exception.Message}");
            }
        }

        async Task PutBackAsync()
        {
            var entries = Journal.Tables.Where(t => t.Phase != TablePhase.Skipped && t.Phase != TablePhase.Pending && t.Phase != TablePhase.Restored)
                .Select(ThisRun).ToList();
            var restorer = new StateRestorer(control);
            var steps = await restorer.PlanAsync(entries, refuseUnknownTables: false, CancellationToken.None).ConfigureAwait(false);
            foreach (var step in steps)
            {
                var entry = Journal.Tables.First(t => t.Schema == step.Entry.Schema && t.BackupTable == step.Entry.BackupTable);
                if (step.NeedsChange) await restorer.ApplyAsync(step).ConfigureAwait(false);
                if (step.Verdict == RestoreAction.Conflict)
                {
                    listener.Warning($"{Target}: {step.Message}");
                    entry.Error = step.Message;
                    continue;
                }
                await CloseAsideWindowAsync(entry).ConfigureAwait(false);
                entry.Phase = TablePhase.Restored;
                results[entry] = TableFlushResult.Of(entry, TableFlushStatus.PutBack);
                listener.TableProgress(new TableProgress { Target = Target, Schema = entry.Schema, Table = entry.Table, RowsCopied = entry.RowsCopied, Stage = TableProgress.PutBack, Completed = true });
            }
            // Tables the run never reached were not touched: close them in the server's record too, or the next run
            // would be refused for "unfinished" state that is not there.
            var untouched = Journal.Tables.Where(t => t.Phase == TablePhase.Pending)
                .Select(ThisRun);
            await restorer.MarkRestoredAsync(entries.Where(e => Journal.Tables.Any(t => t.BackupTable == e.BackupTable && t.Schema == e.Schema && t.Phase == TablePhase.Restored))
                .Concat(untouched)).ConfigureAwait(false);
        }

        /// <summary>End coordinates, the checks on the range, read_only and replication as they were: the failure, if any, after them.</summary>
        async Task<Exception?> CloseRunAsync(Exception? failure)
        {
            try
            {
                var failedBefore = failure is not null;
                control = await AliveAsync().ConfigureAwait(false);
                result.BinlogEnd = await new ServerInspector(control).ReadBinlogCoordinatesAsync(Dialect, CancellationToken.None).ConfigureAwait(false);
                failure ??= await ForeignWritesAsync().ConfigureAwait(false);
                failure ??= lockedOut = LockedOut();
                if (lockedOut is not null) await CloseLockedOutAsync().ConfigureAwait(false);
                await PutReadOnlyBackAsync().ConfigureAwait(false);
                await StartReplicationAsync().ConfigureAwait(false);
                // After read_only and replication are as they were: the range ends at BinlogEnd, whatever comes later.
                if (failedBefore) await ForeignWritesAfterFailureAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (failure is not null && (exception is MySqlException || exception is FlushException))
            {
                listener.Warning($"{Target}: could not read the end state after the failure: {exception.Message}");
            }
            return failure;
        }

        async Task PutReadOnlyBackAsync()
        {
            if (Journal.Tables.Any(IsAside))
                listener.Warning($"{Target}: read_only stays as the run set it while tables are aside; {FrontEnd.Of(FlushCommand.Restore)} puts it back with them.");
            else if (await ReadOnlyGuard.PutBackAsync(control, CancellationToken.None).ConfigureAwait(false) is { } readOnly)
                listener.Verbose($"{Target}: read_only is {readOnly} again");
        }

        /// <summary>-StartReplica starts only what this run stopped; a run that leaves replication stopped says how to start it.</summary>
        async Task StartReplicationAsync()
        {
            if (plan.Options.StartReplica && diskWatchdog.StoppedRunBecause is not null)
                listener.Warning($"{Target}: replication was not started: its writes would fill the binlog disk again. Free space first, then start it.");
            else if (plan.Options.StartReplica)
            {
                // Only what this run stopped: a channel stopped before the run stays as its owner left it.
                foreach (var name in Journal.ChannelsStoppedByRun.Distinct())
                    await control.ExecuteAsync(Dialect.StartReplicaSqlThread(name), CancellationToken.None).ConfigureAwait(false);
            }
            var channelsAfter = await new ServerInspector(control).ReadChannelsAsync(Dialect, CancellationToken.None).ConfigureAwait(false);
            result.ReplicationAfter = new ServerFacts { Channels = channelsAfter }.ReplicationState;
            // A cron job that forgets to start replication leaves the replica lagging: say so, with the way to start it.
            var leftStopped = channelsAfter.Where(c => !c.SqlRunning && Journal.ChannelsStoppedByRun.Contains(c.Name)).ToList();
            var stoppedBefore = channelsAfter.Where(c => !c.SqlRunning && !Journal.ChannelsStoppedByRun.Contains(c.Name)).ToList();
            if (plan.Options.StartReplica && stoppedBefore.Count > 0)
                listener.Warning($"{Target}: the replication SQL thread was stopped before the run, and {FrontEnd.Of(FlushOption.StartReplica)} starts only what the run stopped: " +
                                 $"it stays stopped; start it with {string.Join("; ", stoppedBefore.Select(c => Dialect.StartReplicaSqlThread(c.Name)))} when you want it running.");
            if (leftStopped.Count == 0 || diskWatchdog.StoppedRunBecause is not null) return;
            var warning = $"{Target}: the run left the replication SQL thread stopped, so the replica falls behind its source: " +
                          $"start it with {string.Join("; ", leftStopped.Select(c => Dialect.StartReplicaSqlThread(c.Name)))}, or give {FrontEnd.Of(FlushOption.StartReplica)} next time.";
            listener.Warning(warning);
            result.Warnings = result.Warnings.Concat(new[] { warning }).ToList();
        }

        /// <summary>The result, and the state file's last word: each table's outcome, what is aside and how to put it back.</summary>
        FlushResult BuildResult(Exception? failure)
        {
            var aside = Journal.Tables.Where(IsAside).ToList();
            var repair = file.Stale
                ? FrontEnd.Run(FlushCommand.Restore, (FlushOption.HostName, Target), (FlushOption.Discover, null))
                : FrontEnd.Run(FlushCommand.Restore, (FlushOption.HostName, Target), (FlushOption.StateFile, file.Path));
            foreach (var entry in aside)
            {
                var left = results.TryGetValue(entry, out var r) ? r : TableFlushResult.Of(entry, TableFlushStatus.Failed);
                left.Status = TableFlushStatus.Failed;
                left.Error = $"left aside as {entry.Schema}.{entry.BackupTable} (phase {entry.Phase}); put it back with {repair}.";
                results[entry] = left;
            }
            result.Status = failure is null ? FlushStatus.Completed : failure is OperationCanceledException ? FlushStatus.Interrupted : FlushStatus.Failed;
            if (failure is not null) DescribeFailure(failure, putBack: aside.Count == 0);
            if (lostAfterFailure is not null) result.Error = (result.Error ?? "").TrimEnd() + " Besides, " + lostAfterFailure;
            WriteFinalState();
            result.BinlogRanges = Journal.BinlogRanges.ToList();
            result.Tables = Journal.Tables.Select(t => results.TryGetValue(t, out var r) ? r : TableFlushResult.Of(t, t.Flushed ? TableFlushStatus.FlushedEarlier : t.Phase == TablePhase.Skipped ? TableFlushStatus.Skipped : TableFlushStatus.NotStarted)).ToList();
            result.LeftAside = aside.Select(t => t.Schema + "." + t.Table).ToList();
            if (aside.Count > 0)
                result.Error = (result.Error ?? "").TrimEnd() + $" NOT put back: {string.Join(", ", result.LeftAside)}. Put them back with {repair}.";
            result.Rows = result.Tables.Where(t => t.Status is TableFlushStatus.Flushed or TableFlushStatus.FlushedEarlier).Sum(t => t.Rows);
            result.Duration = context.Clock.Elapsed;
            context.ReportHostProgress(result.Status switch
            {
                FlushStatus.Completed => "flushed",
                _ when aside.Count > 0 => $"{result.Status.ToString().ToLowerInvariant()}; {aside.Count} table(s) NOT put back",
                _ => $"{result.Status.ToString().ToLowerInvariant()}; every table put back",
            }, completed: true);
            return result;
        }

        /// <summary>The error, ending with the state the host is in and what to do next.</summary>
        void DescribeFailure(Exception failure, bool putBack)
        {
            var range = $"binlog between {result.BinlogStart} and {result.BinlogEnd} holds a partial snapshot";
            var next = failure is OperationCanceledException ? "flush again for a complete one." : "fix the cause, then flush again.";
            result.Error = failure is OperationCanceledException
                ? "Interrupted" + (putBack ? $"; every table was put back. The {range}: {next}" : $". The {range}.")
                : Sentence(FlushException.Classify(failure)?.Message ?? $"unexpected error ({failure.GetType().Name}): {failure.Message}") +
                  (result.BinlogStart is null || failure == lockedOut ? "" : putBack ? $" Every table was put back; the {range}: {next}" : $" The {range}.");
            result.ErrorKind = FlushException.Classify(failure)?.Kind ?? (failure is OperationCanceledException ? FlushErrorKind.Interrupted : FlushErrorKind.Unexpected);
            if (result.ErrorKind == FlushErrorKind.DiskFull)
                result.Error += $" The binlog may end in a truncated event after {result.BinlogEnd?.ToString() ?? "the last position read"}: check it with mariadb-binlog (mysqlbinlog) before a consumer reads it. " +
                                "Free space on the binlog disk, start replication, then flush again.";
        }

        void WriteFinalState()
        {
            try
            {
                file.Update(j =>
                {
                    j.BinlogEnd = result.BinlogEnd;
                    j.Status = result.Status.ToString();
                    if (j.BinlogRanges.Count > 0 && j.BinlogRanges[j.BinlogRanges.Count - 1].End is null) j.BinlogRanges[j.BinlogRanges.Count - 1].End = result.BinlogEnd;
                });
            }
            catch (FlushException failed) when (failed.Kind == FlushErrorKind.StateFileWriteFailed)
            {
                // The run's first failed write is this last one: the file is stale, and written in place below if it fits.
            }
            if (file.TryWriteInPlace()) return;
            var stale = $"The state file '{file.Path}' could not be written ({file.WriteFailure?.Message}) and shows an earlier phase; the server's own record is current: " +
                        $"{FrontEnd.Run(FlushCommand.Restore, (FlushOption.HostName, Target), (FlushOption.Discover, null))} reads it.";
            listener.Warning($"{Target}: {stale}");
            result.Error = result.Error is null ? stale : result.Error.TrimEnd() + " " + stale;
        }

        /// <summary>Tables a metadata lock kept in place while every other table was flushed: the run failed for them alone.</summary>
        FlushException? LockedOut()
        {
            var locked = context.LockedOut.ToList();
            if (locked.Count == 0) return null;
            var tables = locked.SelectMany(l => l.Entries).ToList();
            var values = string.Join(",", tables.Select(t => FlushCandidate.ExcludeValue(new TableInfo { Schema = t.Schema, Name = t.Table })));
            return new FlushException(FlushErrorKind.TableFailed,
                $"{tables.Count} table(s) not flushed: {string.Join(" ", locked.Select(l => Sentence(l.Message)))} " +
                "They are in place and unchanged, and nothing of them is in the binlog; every other table was flushed and is in place. " +
                $"Once that session has ended, flush them: {FrontEnd.Run(FlushCommand.Flush, (FlushOption.HostName, Target), (FlushOption.Table, values))}");
        }

        /// <summary>Tables a lock kept in place are done with as far as the server's record goes: the next run must not find them unfinished.</summary>
        async Task CloseLockedOutAsync()
        {
            var entries = context.LockedOut.SelectMany(l => l.Entries)
                .Select(ThisRun);
            await new StateRestorer(control).MarkRestoredAsync(entries).ConfigureAwait(false);
        }

        /// <summary>
        /// The control session, or a new one when the server lost it (a restart while the tables were copied): put-back
        /// and the end coordinates need one. Each new session also takes the run lock again, which a restart released.
        /// </summary>
        async Task<ServerSession> AliveAsync()
        {
            try
            {
                await control.ScalarAsync("SELECT 1", CancellationToken.None).ConfigureAwait(false);
                return control;
            }
            catch (Exception exception) when (exception is ObjectDisposedException || exception is MySqlException lost && FlushContext.IsConnectionLoss(lost, control))
            {
                await control.DisposeAsync().ConfigureAwait(false);
                var fresh = await context.ReopenSessionAsync("the control connection was lost").ConfigureAwait(false);
                reopenedControls.Add(fresh);
                await fresh.ExecuteAsync(WriteStatements.Unlogged, CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await RunLock.AcquireAsync(fresh, CancellationToken.None).ConfigureAwait(false);
                }
                catch (FlushException lockTaken) when (lockTaken.Kind == FlushErrorKind.AlreadyRunning)
                {
                    listener.Warning($"{Target}: after the reconnect another run holds the server's run lock: {lockTaken.Message}");
                }
                return fresh;
            }
        }

        /// <summary>A table of this run as a restore sees it.</summary>
        static RestoreEntry ThisRun(JournalTable t) => new RestoreEntry { Schema = t.Schema, Table = t.Table, BackupTable = t.BackupTable, Phase = t.Phase, Source = "this run" };

        static bool IsAside(JournalTable table) => table.Phase is TablePhase.Renamed or TablePhase.Created or TablePhase.Twin or TablePhase.Copying or TablePhase.Restoring;

        /// <summary>
        /// After a failure the range is checked too: a write lost into a twin is said whatever else went wrong, in the
        /// run's error (its kind stays the first failure's). Best effort: a check that cannot run, for whatever reason,
        /// is a warning, and the run's own failure is what it reports.
        /// </summary>
        async Task ForeignWritesAfterFailureAsync()
        {
            try
            {
                lostAfterFailure = (await ForeignWritesAsync().ConfigureAwait(false))?.Message;
            }
            catch (Exception exception)
            {
                listener.Warning($"{Target}: could not check the run's binlog range for other sessions' writes after the failure: {exception.Message}");
            }
        }

        /// <summary>
        /// MariaDB: every transaction of the run is in its own GTID domain and replication is stopped, so a GTID of another
        /// domain in the run's range is another session's write (one with read_only bypass). A write into a table while
        /// it was aside (its AsideWindow) is lost from the table but logged for consumers: that table failed. A write
        /// before the table went aside or after it was back went into the table: only a warning says it is in the range.
        /// Null when nothing was lost.
        /// </summary>
        async Task<FlushException?> ForeignWritesAsync()
        {
            if (!Dialect.IsMariaDb || result.BinlogStart?.GtidPosition is not { } start || result.BinlogEnd?.GtidPosition is not { } end) return null;
            var own = plan.Options.EffectiveGtidDomainId;
            if (!GtidPositions.OtherDomainsMoved(start, end, own)) return null;
            var events = await new ServerInspector(control).ReadForeignEventsAsync(result.BinlogStart, result.BinlogEnd, own, CancellationToken.None).ConfigureAwait(false);
            var lost = new List<string>();
            var whileAside = new HashSet<ServerInspector.ForeignEvent>();
            foreach (var entry in Journal.Tables)
            {
                if (!context.AsideWindows.TryGetValue(entry, out var window)) continue;
                var name = entry.Schema + "." + entry.Table;
                var hits = events.Where(e => e.Table == name && window.Holds(e.File, e.Offset)).ToList();
                if (hits.Count == 0) continue;
                whileAside.UnionWith(hits);
                var where = string.Join(", ", hits.Take(5).Select(e => $"{e.Kind} at {e.Position}")) + (hits.Count > 5 ? $" and {hits.Count - 5} more" : "");
                var message = $"another session wrote to {name} while it was a BLACKHOLE twin: its change is not in the table but is in the binlog, where consumers will apply it ({where}).";
                if (results.TryGetValue(entry, out var tableResult)) { tableResult.Status = TableFlushStatus.Failed; tableResult.Error = message; }
                lost.Add(message);
            }
            var inPlace = events.Count - whileAside.Count;
            if (lost.Count == 0)
            {
                listener.Warning($"{Target}: {events.Count} event(s) of other sessions are inside the snapshot's binlog range (from {events.FirstOrDefault()?.Position}); " +
                                 "none wrote to a flushed table while it was aside: they went to tables in place.");
                return null;
            }
            return new FlushException(FlushErrorKind.TableFailed, string.Join(" ", lost) +
                (inPlace > 0 ? $" {inPlace} more event(s) of other sessions are in the range; they went to tables in place." : ""));
        }

        internal static string Sentence(string text) => text.TrimEnd().EndsWith(".", StringComparison.Ordinal) ? text.TrimEnd() : text.TrimEnd() + ".";

        public async ValueTask DisposeAsync()
        {
            if (control is not null) await control.DisposeAsync().ConfigureAwait(false);
            foreach (var session in reopenedControls) await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
