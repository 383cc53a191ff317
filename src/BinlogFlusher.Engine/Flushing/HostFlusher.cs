using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
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
    /// Runs the flush of one host, top to bottom: journal, stop the applier, start coordinates, tables (at most
    /// ThrottleLimit at once, small ones in batches, each out of place only while it or its batch is flushed), end coordinates. On any failure or
    /// interruption every table is put back before it returns.
    /// </summary>
    public sealed class HostFlusher
    {
        readonly HostPlan plan;
        readonly IFlushListener listener;

        public HostFlusher(HostPlan plan, IFlushListener listener)
        {
            this.plan = plan;
            this.listener = listener;
        }

        /// <summary>Test hook: called at named points ("JournalWritten", "Renamed", "Created", "Twin", "BatchCounted", "Boundary", "ChunkN", "Copied", "TwinDropped").</summary>
        public Func<string, Task>? PhaseReached { get; set; }

        /// <summary>How many times the last FlushAsync wrote the state file (a figure for the benchmark).</summary>
        public int JournalWrites { get; private set; }

        public static string DefaultStateFile(string host, int port, DateTimeOffset startedAt, string? directory = null) =>
            Path.Combine(directory ?? Directory.GetCurrentDirectory(),
                $"binlogflush-{SafeFileName(host)}-{port.ToString(CultureInfo.InvariantCulture)}-{startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.json");

        static string SafeFileName(string text) => new string(text.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '-' ? c : '_').ToArray());

        /// <summary>
        /// Flushes the approved tables; the others are reported as Skipped. Refuses (nothing changed) when the plan is not
        /// ready. With <paramref name="resume"/>, continues the run that journal describes: flushed tables are not flushed
        /// again, the table in progress continues after its last committed chunk key.
        /// </summary>
        public async Task<FlushResult> FlushAsync(IReadOnlyCollection<FlushCandidate> approved, CancellationToken cancellationToken, FlushJournal? resume = null)
        {
            if (!plan.Ready) throw new FlushException(plan.RefusalKind, plan.RefusalMessage);
            var options = plan.Options;
            var startedAt = DateTimeOffset.UtcNow;
            var runId = ToHex(RandomBytes(4));
            var result = new FlushResult
            {
                HostName = plan.Settings.Host,
                Port = plan.Settings.Port,
                ServerVersion = plan.Facts.Dialect.VersionText,
                ReplicationBefore = plan.Facts.ReplicationState,
                Warnings = plan.Checks.Where(c => c.Status == CheckStatus.Warn).Select(c => c.Message).ToList(),
            };
            foreach (var warning in result.Warnings) listener.Warning($"{plan.Settings.Target}: {warning}");

            FlushJournal journal;
            if (resume is null)
            {
                journal = new FlushJournal
                {
                    RunId = runId,
                    Host = plan.Settings.Host,
                    Port = plan.Settings.Port,
                    ServerId = plan.Facts.ServerId,
                    ServerUuid = plan.Facts.Variable("server_uuid"),
                    StartedAt = startedAt,
                    GtidDomainId = plan.Facts.Dialect.IsMariaDb ? options.EffectiveGtidDomainId : (int?)null,
                    ReplicationBefore = plan.Facts.ReplicationState,
                };
                var ordinal = 0;
                foreach (var candidate in plan.Candidates)
                {
                    journal.Tables.Add(new JournalTable
                    {
                        Schema = candidate.Schema,
                        Table = candidate.Name,
                        BackupTable = $"{StateJournalSchema.BackupPrefix}{runId}_{(++ordinal).ToString(CultureInfo.InvariantCulture)}",
                        Phase = approved.Contains(candidate) ? TablePhase.Pending : TablePhase.Skipped,
                        Fingerprint = candidate.Table.Fingerprint,
                    });
                }
            }
            else
            {
                journal = resume;
                await CheckResumableAsync(journal, cancellationToken).ConfigureAwait(false);
                journal.Status = "Running";
                foreach (var entry in journal.Tables.Where(t => !t.Flushed && t.Phase != TablePhase.Skipped))
                {
                    var candidate = plan.Candidates.First(c => c.Schema == entry.Schema && c.Name == entry.Table);
                    if (!approved.Contains(candidate)) { entry.Phase = TablePhase.Skipped; continue; }
                    if (TableFlusher.InterruptedRange(candidate, entry) is { } range && !entry.MayRepeat.Contains(range)) entry.MayRepeat.Add(range);
                    entry.Phase = TablePhase.Pending;
                }
            }
            var file = new JournalFile(options.StateFile ?? DefaultStateFile(plan.Settings.Host, plan.Settings.Port, startedAt, options.StateDirectory), journal);
            result.StateFile = file.Path;
            var context = new FlushContext(plan, file, listener, PhaseReached);
            var work = journal.Tables.Where(t => t.Phase == TablePhase.Pending).ToList();

            if (work.Count == 0 && resume is null)
            {
                result.Status = FlushStatus.Completed;
                result.ReplicationAfter = result.ReplicationBefore;
                result.Tables = journal.Tables.Select(t => TableFlushResult.Of(t, TableFlushStatus.Skipped)).ToList();
                return result;
            }

            if (Path.GetDirectoryName(Path.GetFullPath(file.Path)) is { } folder && !Directory.Exists(folder))
                throw new FlushException(FlushErrorKind.InvalidInput, $"The state file's folder '{folder}' does not exist: create it, or give a state file in an existing folder. Nothing was changed.");

            // Held, idle, for the whole run: a second flush or a restore of this server is refused until the run ends.
            await using var runLock = await ServerSession.OpenAsync(plan.Settings, listener.Verbose, cancellationToken).ConfigureAwait(false);
            await RunLock.AcquireAsync(runLock, cancellationToken).ConfigureAwait(false);
            journal.ServerStartedAt = await new ServerInspector(runLock).ReadServerStartedAtAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                file.Write();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"Cannot write the state file '{file.Path}' ({exception.Message}): give a state file where this account can write and the disk has room. Nothing was changed.", exception);
            }
            await context.ReachedAsync("JournalWritten").ConfigureAwait(false);
            listener.Verbose($"{plan.Settings.Target}: state file {file.Path}");

            var control = await context.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunAsync(context, file, journal, result, work, control, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await control.DisposeAsync().ConfigureAwait(false);
                foreach (var session in reopenedControls) await session.DisposeAsync().ConfigureAwait(false);
            }
        }

        // Control sessions opened again after the server lost one: closed with the run (the last holds the run lock).
        readonly List<ServerSession> reopenedControls = new List<ServerSession>();

        /// <summary>The run once it holds the server: server record, replication stopped, tables flushed, and the put-back and end state whatever happened.</summary>
        async Task<FlushResult> RunAsync(FlushContext context, JournalFile file, FlushJournal journal, FlushResult result, List<JournalTable> work,
            ServerSession control, CancellationToken cancellationToken)
        {
            var options = plan.Options;
            await WriteServerRecordAsync(control, journal, file.Path).ConfigureAwait(false);

            var results = new ConcurrentDictionary<JournalTable, TableFlushResult>();
            Exception? failure = null;
            FlushException? lockedOut = null;
            var diskWatchdog = new DiskFullWatchdog(context);
            using var stopForDisk = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                if (!options.NoReplicaStop)
                {
                    foreach (var channel in plan.Facts.Channels.Where(c => c.SqlRunning))
                    {
                        await control.ExecuteAsync(plan.Facts.Dialect.StopReplicaSqlThread(channel.Name), CancellationToken.None).ConfigureAwait(false);
                        file.Update(j => j.ChannelsStoppedByRun.Add(channel.Name));
                    }
                    file.Update(j => j.ReplicationStoppedByRun = plan.Facts.SqlThreadRunning);
                }
                // Other sessions' writes would vanish into the twins: block them (an account that cannot write under
                // read_only itself was refused by preflight, or runs with -Force and leaves read_only as it is).
                if (plan.Facts.HasAnyPrivilege(plan.Facts.Dialect.ReadOnlyBypassPrivileges) && await ReadOnlyGuard.TurnOnAsync(control, journal.RunId, cancellationToken).ConfigureAwait(false))
                {
                    file.Update(j => j.ReadOnlyBefore = "OFF");
                    listener.Verbose($"{plan.Settings.Target}: read_only is ON until the tables are back");
                }
                if (options.ResetBinaryLogs)
                    await control.ExecuteAsync(plan.Facts.Dialect.ResetBinaryLogs, CancellationToken.None).ConfigureAwait(false);
                // After the applier stopped: the range from here holds the snapshot and nothing else.
                result.BinlogStart = await new ServerInspector(control).ReadBinlogCoordinatesAsync(plan.Facts.Dialect, CancellationToken.None).ConfigureAwait(false);
                var position = plan.Facts.IsReplica ? await new ServerInspector(control).ReadReplicationPositionAsync(plan.Facts.Dialect, CancellationToken.None).ConfigureAwait(false) : null;
                file.Update(j =>
                {
                    j.BinlogStart ??= result.BinlogStart;
                    j.ReplicationPosition ??= position;
                    // A run that was killed never wrote its end: what it wrote ends before this run begins.
                    if (j.BinlogRanges.Count > 0 && j.BinlogRanges[j.BinlogRanges.Count - 1].End is null) j.BinlogRanges[j.BinlogRanges.Count - 1].End = result.BinlogStart;
                    j.BinlogRanges.Add(new BinlogRange { Start = result.BinlogStart });
                });
                listener.Verbose($"{plan.Settings.Target}: binlog start {result.BinlogStart}");
                context.ReportHostProgress("Flushing tables");

                using var tablesDone = new CancellationTokenSource();
                var watching = Task.Run(() => diskWatchdog.WatchAsync(stopForDisk, tablesDone.Token));
                try
                {
                    await RunTablesAsync(context, work, results, stopForDisk.Token).ConfigureAwait(false);
                }
                finally
                {
                    tablesDone.Cancel();
                    await watching.ConfigureAwait(false);
                }
            }
            catch (Exception exception)
            {
                // Every failure, our own bugs included: once a table may be aside, it is put back before anything else.
                // Stopped for a full disk, the killed INSERT ends in the server's own write error (3, errno 28), not as cancelled.
                failure = diskWatchdog.StoppedRunBecause is { } waiting && !cancellationToken.IsCancellationRequested
                    ? new FlushException(FlushErrorKind.DiskFull, $"the binlog disk is full: the server waited for disk space longer than {options.DiskFullTimeout.TotalSeconds:0} s ({waiting}), so the run was stopped", exception)
                    : exception;
            }

            if (failure is not null)
            {
                // What failed is said once, in the result: this only says why the put-back that follows takes time.
                listener.Warning($"{plan.Settings.Target}: {(failure is OperationCanceledException ? "interrupted" : "the run failed")}; putting every table back.");
                try
                {
                    control = await AliveAsync(context, control).ConfigureAwait(false);
                    await RestoreAllAsync(control, journal, results).ConfigureAwait(false);
                }
                catch (Exception restoreFailure)
                {
                    // The server stayed away (or failed again): the result names what is aside and how to repair it.
                    listener.Warning($"{plan.Settings.Target}: could not put the tables back: {FlushException.Classify(restoreFailure)?.Message ?? restoreFailure.Message}");
                }
            }

            try
            {
                control = await AliveAsync(context, control).ConfigureAwait(false);
                result.BinlogEnd = await new ServerInspector(control).ReadBinlogCoordinatesAsync(plan.Facts.Dialect, CancellationToken.None).ConfigureAwait(false);
                failure ??= await ForeignWritesAsync(control, journal, result, results).ConfigureAwait(false);
                failure ??= lockedOut = LockedOut(context);
                if (journal.Tables.Any(IsAside))
                    listener.Warning($"{plan.Settings.Target}: read_only stays as the run set it while tables are aside; Restore-BinlogFlushState puts it back with them.");
                else if (await ReadOnlyGuard.PutBackAsync(control, CancellationToken.None).ConfigureAwait(false) is { } readOnly)
                    listener.Verbose($"{plan.Settings.Target}: read_only is {readOnly} again");
                if (options.StartReplica && diskWatchdog.StoppedRunBecause is not null)
                    listener.Warning($"{plan.Settings.Target}: replication was not started: its writes would fill the binlog disk again. Free space first, then start it.");
                else if (options.StartReplica)
                {
                    // Only what this run stopped: a channel stopped before the run stays as its owner left it.
                    foreach (var name in journal.ChannelsStoppedByRun.Distinct())
                        await control.ExecuteAsync(plan.Facts.Dialect.StartReplicaSqlThread(name), CancellationToken.None).ConfigureAwait(false);
                }
                var channelsAfter = await new ServerInspector(control).ReadChannelsAsync(plan.Facts.Dialect, CancellationToken.None).ConfigureAwait(false);
                result.ReplicationAfter = ServerFactsState(channelsAfter);
                // A cron job that forgets -StartReplica leaves the replica lagging: say so, with the way to start it.
                var leftStopped = channelsAfter.Where(c => !c.SqlRunning && journal.ChannelsStoppedByRun.Contains(c.Name)).ToList();
                if (leftStopped.Count > 0 && diskWatchdog.StoppedRunBecause is null)
                {
                    var warning = $"{plan.Settings.Target}: the run left the replication SQL thread stopped, so the replica falls behind its source: " +
                                  $"start it with {string.Join("; ", leftStopped.Select(c => plan.Facts.Dialect.StartReplicaSqlThread(c.Name)))}, or give -StartReplica next time.";
                    listener.Warning(warning);
                    result.Warnings = result.Warnings.Concat(new[] { warning }).ToList();
                }
            }
            catch (Exception exception) when (failure is not null && (exception is MySqlException || exception is FlushException))
            {
                listener.Warning($"{plan.Settings.Target}: could not read the end state after the failure: {exception.Message}");
            }

            // A table still aside failed, whatever else happened, and says how it is put back.
            var aside = journal.Tables.Where(IsAside).ToList();
            var repair = file.Stale ? $"Restore-BinlogFlushState -HostName {plan.Settings.Target} -Discover" : $"Restore-BinlogFlushState -HostName {plan.Settings.Target} -StateFile '{file.Path}'";
            foreach (var entry in aside)
            {
                var left = results.TryGetValue(entry, out var r) ? r : TableFlushResult.Of(entry, TableFlushStatus.Failed);
                left.Status = TableFlushStatus.Failed;
                left.Error = $"left aside as {entry.Schema}.{entry.BackupTable} (phase {entry.Phase}); put it back with {repair}.";
                results[entry] = left;
            }

            result.Status = failure is null ? FlushStatus.Completed : failure is OperationCanceledException ? FlushStatus.Interrupted : FlushStatus.Failed;
            if (failure is not null)
            {
                var putBack = aside.Count == 0;
                // Each message ends with the state the host is in and what to do next.
                var range = $"the binlog between {result.BinlogStart} and {result.BinlogEnd} holds a partial snapshot";
                var next = failure is OperationCanceledException ? "flush again for a complete one." : "fix the cause, then flush again.";
                result.Error = failure is OperationCanceledException
                    ? "Interrupted" + (putBack ? $"; every table was put back. The {range}: {next}" : $". The {range}.")
                    : Sentence(FlushException.Classify(failure)?.Message ?? $"unexpected error ({failure.GetType().Name}): {failure.Message}") +
                      (result.BinlogStart is null || failure == lockedOut ? "" : putBack ? $" Every table was put back; {range}: {next}" : $" The {range}.");
                result.ErrorKind = FlushException.Classify(failure)?.Kind ?? (failure is OperationCanceledException ? FlushErrorKind.Interrupted : FlushErrorKind.Unexpected);
                if (result.ErrorKind == FlushErrorKind.DiskFull)
                    result.Error += $" The binlog may end in a truncated event after {result.BinlogEnd?.ToString() ?? "the last position read"}: check it with mariadb-binlog (mysqlbinlog) before a consumer reads it. " +
                                    "Free space on the binlog disk, start replication, then flush again.";
            }
            file.Update(j =>
            {
                j.BinlogEnd = result.BinlogEnd;
                j.Status = result.Status.ToString();
                if (j.BinlogRanges.Count > 0 && j.BinlogRanges[j.BinlogRanges.Count - 1].End is null) j.BinlogRanges[j.BinlogRanges.Count - 1].End = result.BinlogEnd;
            });
            if (!file.TryWriteInPlace())
            {
                var stale = $"The state file '{file.Path}' could not be written ({file.WriteFailure?.Message}) and shows an earlier phase; the server's own record is current: " +
                            $"Restore-BinlogFlushState -HostName {plan.Settings.Target} -Discover reads it.";
                listener.Warning($"{plan.Settings.Target}: {stale}");
                result.Error = result.Error is null ? stale : result.Error.TrimEnd() + " " + stale;
            }
            JournalWrites = file.Writes;
            result.BinlogRanges = journal.BinlogRanges.ToList();
            result.Tables = journal.Tables.Select(t => results.TryGetValue(t, out var r) ? r : TableFlushResult.Of(t, t.Flushed ? TableFlushStatus.FlushedEarlier : t.Phase == TablePhase.Skipped ? TableFlushStatus.Skipped : TableFlushStatus.NotStarted)).ToList();
            result.LeftAside = aside.Select(t => t.Schema + "." + t.Table).ToList();
            if (aside.Count > 0)
                result.Error = (result.Error ?? "").TrimEnd() + $" NOT put back: {string.Join(", ", result.LeftAside)}. Put them back with {repair}.";
            result.Rows = result.Tables.Where(t => t.Status is TableFlushStatus.Flushed or TableFlushStatus.FlushedEarlier).Sum(t => t.Rows);
            result.Duration = context.Clock.Elapsed;
            context.ReportHostProgress("Done", completed: true);
            return result;
        }

        /// <summary>Tables a metadata lock kept in place while every other table was flushed: the run failed for them alone.</summary>
        FlushException? LockedOut(FlushContext context)
        {
            var locked = context.LockedOut.ToList();
            if (locked.Count == 0) return null;
            var tables = locked.SelectMany(l => l.Entries).ToList();
            var values = string.Join(",", tables.Select(t => FlushCandidate.ExcludeValue(new TableInfo { Schema = t.Schema, Name = t.Table })));
            return new FlushException(FlushErrorKind.TableFailed,
                $"{tables.Count} table(s) not flushed: {string.Join(" ", locked.Select(l => Sentence(l.Message)))} " +
                "They are in place and unchanged, and nothing of them is in the binlog; every other table was flushed and is in place. " +
                $"Once that session has ended, flush them: Invoke-BinlogFlush -HostName {plan.Settings.Target} -Table {values}");
        }

        async Task RunTablesAsync(FlushContext context, List<JournalTable> work, ConcurrentDictionary<JournalTable, TableFlushResult> results, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var candidates = plan.Candidates.ToDictionary(c => (c.Schema, c.Name));
            var queue = new ConcurrentQueue<List<JournalTable>>(Units(work, candidates));
            Exception? firstFailure = null;

            async Task WorkerAsync()
            {
                ServerSession? session = null;
                try
                {
                    while (!stop.IsCancellationRequested && queue.TryDequeue(out var unit))
                    {
                        session ??= await context.OpenSessionAsync(stop.Token).ConfigureAwait(false);
                        var flusher = new TableFlusher(context, session);
                        try
                        {
                            var unitResults = unit.Count == 1
                                ? new[] { await flusher.FlushAsync(candidates[(unit[0].Schema, unit[0].Table)], unit[0], stop.Token).ConfigureAwait(false) }
                                : await flusher.FlushBatchAsync(unit.Select(e => (candidates[(e.Schema, e.Table)], e)).ToList(), stop.Token).ConfigureAwait(false);
                            foreach (var (entry, tableResult) in unit.Zip(unitResults, (e, r) => (e, r)))
                            {
                                results[entry] = tableResult;
                                Interlocked.Increment(ref context.TablesDone);
                            }
                            context.ReportHostProgress(unit.Count == 1 ? $"{unit[0].Schema}.{unit[0].Table} flushed" : $"{unit.Count} small tables flushed");
                        }
                        catch (TablesLockedException) when (unit.Count > 1)
                        {
                            // Some table of the batch is locked: each goes on its own, so only a locked one waits and fails.
                            listener.Verbose($"{plan.Settings.Target}: a metadata lock held the rename of {unit.Count} small tables together; flushing each on its own");
                            foreach (var entry in unit) queue.Enqueue(new List<JournalTable> { entry });
                        }
                        catch (TablesLockedException locked)
                        {
                            // In place and untouched: the table fails alone, and the run goes on with the others.
                            var entry = unit[0];
                            var failed = TableFlushResult.Of(entry, TableFlushStatus.Failed);
                            failed.Error = Sentence(locked.Message) + " The table is in place and unchanged.";
                            results[entry] = failed;
                            context.LockedOut.Enqueue(locked);
                            Interlocked.Increment(ref context.TablesDone);
                            listener.Warning($"{plan.Settings.Target}: {failed.Error} The other tables go on.");
                            listener.TableProgress(new TableProgress { Target = context.Target, Schema = entry.Schema, Table = entry.Table, Stage = "Failed", Completed = true });
                        }
                        finally
                        {
                            session = flusher.Session;
                        }
                    }
                }
                catch (Exception exception)
                {
                    // A worker never lets an exception escape: the first one stops the others, and the host is restored.
                    Interlocked.CompareExchange(ref firstFailure, exception, null);
                    stop.Cancel();
                }
                finally
                {
                    if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
                }
            }

            var workers = Enumerable.Range(0, Math.Max(1, Math.Min(plan.Options.ThrottleLimit, work.Count))).Select(_ => Task.Run(WorkerAsync)).ToList();
            await Task.WhenAll(workers).ConfigureAwait(false);
            if (firstFailure is not null && !(firstFailure is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                throw firstFailure is OperationCanceledException ? new OperationCanceledException(cancellationToken) : firstFailure;
            cancellationToken.ThrowIfCancellationRequested();
        }

        /// <summary>
        /// What the workers take, in the journal's order: a table on its own, or small tables together (at most
        /// TableFlusher.BatchTables of them, and by their estimates no more than one chunk of rows in all).
        /// </summary>
        List<List<JournalTable>> Units(List<JournalTable> work, Dictionary<(string, string), FlushCandidate> candidates)
        {
            var units = new List<List<JournalTable>>();
            List<JournalTable>? batch = null;
            long batchRows = 0;
            foreach (var entry in work)
            {
                var candidate = candidates[(entry.Schema, entry.Table)];
                if (!TableFlusher.Batchable(candidate, entry, plan.Options))
                {
                    units.Add(new List<JournalTable> { entry });
                    continue;
                }
                if (batch is null || batch.Count >= TableFlusher.BatchTables || batchRows + candidate.Table.EstimatedRows > plan.Options.ChunkSize)
                {
                    units.Add(batch = new List<JournalTable>());
                    batchRows = 0;
                }
                batch.Add(entry);
                batchRows += candidate.Table.EstimatedRows;
            }
            return units;
        }

        async Task RestoreAllAsync(ServerSession control, FlushJournal journal, ConcurrentDictionary<JournalTable, TableFlushResult> results)
        {
            var entries = journal.Tables.Where(t => t.Phase != TablePhase.Skipped && t.Phase != TablePhase.Pending && t.Phase != TablePhase.Restored)
                .Select(t => new RestoreEntry { Schema = t.Schema, Table = t.Table, BackupTable = t.BackupTable, Phase = t.Phase, Source = "this run" }).ToList();
            var restorer = new StateRestorer(control);
            var steps = await restorer.PlanAsync(entries, refuseUnknownTables: false, CancellationToken.None).ConfigureAwait(false);
            foreach (var step in steps)
            {
                var entry = journal.Tables.First(t => t.Schema == step.Entry.Schema && t.BackupTable == step.Entry.BackupTable);
                if (step.NeedsChange) await restorer.ApplyAsync(step).ConfigureAwait(false);
                if (step.Verdict == RestoreAction.Conflict)
                {
                    listener.Warning($"{plan.Settings.Target}: {step.Message}");
                    entry.Error = step.Message;
                    continue;
                }
                entry.Phase = TablePhase.Restored;
                results[entry] = TableFlushResult.Of(entry, TableFlushStatus.Restored);
            }
            // Tables the run never reached were not touched: close them in the server's record too, or the next run
            // would be refused for "unfinished" state that is not there.
            var untouched = journal.Tables.Where(t => t.Phase == TablePhase.Pending)
                .Select(t => new RestoreEntry { Schema = t.Schema, Table = t.Table, BackupTable = t.BackupTable, Phase = t.Phase, Source = "this run" });
            await restorer.MarkRestoredAsync(entries.Where(e => journal.Tables.Any(t => t.BackupTable == e.BackupTable && t.Schema == e.Schema && t.Phase == TablePhase.Restored))
                .Concat(untouched)).ConfigureAwait(false);
        }

        /// <summary>
        /// A snapshot is consistent only if nothing moved between the runs: same host, same tables with the same
        /// definitions, and replication applied no further. Refuses before anything changes, unless -Force.
        /// </summary>
        async Task CheckResumableAsync(FlushJournal journal, CancellationToken cancellationToken)
        {
            var target = plan.Settings.Target;
            if (journal.Port != plan.Settings.Port || (journal.ServerId != 0 && journal.ServerId != plan.Facts.ServerId))
                throw new FlushException(FlushErrorKind.StateFileMismatch,
                    $"The state file belongs to {journal.Host}:{journal.Port} (server_id {journal.ServerId}), not to {target} (server_id {plan.Facts.ServerId}). Nothing was changed.");
            // Tables still out of place on the server are the preflight's LeftoverState refusal: the plan is ready, so the host is whole.
            var problems = new List<string>();
            var planned = plan.Candidates.ToDictionary(c => (c.Schema, c.Name));
            var journaled = journal.Tables.ToDictionary(t => (t.Schema, t.Table));
            foreach (var missing in journaled.Keys.Where(k => !planned.ContainsKey(k))) problems.Add($"{missing.Schema}.{missing.Table} is no longer selected or no longer exists");
            foreach (var added in planned.Keys.Where(k => !journaled.ContainsKey(k))) problems.Add($"{added.Item1}.{added.Item2} was not part of the run");
            foreach (var pair in journaled.Where(p => planned.ContainsKey(p.Key) && p.Value.Fingerprint is not null && p.Value.Fingerprint != planned[p.Key].Table.Fingerprint))
                problems.Add($"{pair.Key.Schema}.{pair.Key.Table} changed its definition");
            await using var session = await ServerSession.OpenAsync(plan.Settings, listener.Verbose, cancellationToken).ConfigureAwait(false);
            var inspector = new ServerInspector(session);
            if (journal.ReplicationPosition is { } recorded && plan.Facts.IsReplica)
            {
                var now = await inspector.ReadReplicationPositionAsync(plan.Facts.Dialect, cancellationToken).ConfigureAwait(false);
                if (now != recorded) problems.Add($"replication applied further since the run began (then: {recorded}; now: {now})");
            }
            // A run killed between logging a CREATE TABLE and journaling it: the binlog says whether it is there.
            foreach (var entry in journal.Tables.Where(t => t.CreateAttempted && !t.CreateLogged && !t.Flushed))
            {
                var lastRange = journal.BinlogRanges.LastOrDefault();
                if (lastRange?.Start is { } from)
                    entry.CreateLogged = await inspector.BinlogHasCreateTableAsync(entry.Schema, entry.Table, from, lastRange.End, cancellationToken).ConfigureAwait(false);
            }
            if (problems.Count == 0) return;
            var message = $"Cannot resume the flush of {target}: " + string.Join("; ", problems) + ". The rows already written would not make one consistent snapshot with the rest.";
            if (!plan.Options.Force)
                throw new FlushException(FlushErrorKind.ResumeRefused, message + " Nothing was changed. Start a new flush, or use -Force to resume anyway.");
            listener.Warning(message + " Resuming anyway (-Force).");
            foreach (var added in planned.Keys.Where(k => !journaled.ContainsKey(k)))
                journal.Tables.Add(new JournalTable { Schema = added.Item1, Table = added.Item2, BackupTable = $"{StateJournalSchema.BackupPrefix}{journal.RunId}_{(journal.Tables.Count + 1).ToString(CultureInfo.InvariantCulture)}", Fingerprint = planned[added].Table.Fingerprint });
            journal.Tables.RemoveAll(t => !planned.ContainsKey((t.Schema, t.Table)));
        }

        async Task WriteServerRecordAsync(ServerSession control, FlushJournal journal, string stateFile)
        {
            var rows = journal.Tables.Where(t => t.Phase == TablePhase.Pending).Select(t =>
                $"({SqlText.Literal(journal.RunId)}, {SqlText.Literal(t.Schema)}, {SqlText.Literal(t.Table)}, {SqlText.Literal(t.BackupTable)}, 'Pending', {SqlText.Literal(stateFile)}, CONNECTION_ID())");
            var statements = new List<string> { "SET SESSION sql_log_bin = 0" };
            statements.AddRange(StateJournalSchema.CreateStatements());
            statements.Add($"INSERT INTO {StateJournalSchema.QualifiedTable} (run_id, table_schema, table_name, backup_name, phase, state_file, connection_id) VALUES {string.Join(", ", rows)} " +
                           "ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), table_name = VALUES(table_name), phase = VALUES(phase), state_file = VALUES(state_file), connection_id = VALUES(connection_id)");
            await control.ExecuteAsync(string.Join("; ", statements), CancellationToken.None).ConfigureAwait(false);
        }

        static string ServerFactsState(IReadOnlyList<ReplicationChannel> channels) => new ServerFacts { Channels = channels }.ReplicationState;

        static byte[] RandomBytes(int count)
        {
            var bytes = new byte[count];
            using (var random = RandomNumberGenerator.Create()) random.GetBytes(bytes);
            return bytes;
        }

        static string ToHex(byte[] bytes) => BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();

        /// <summary>
        /// The control session, or a new one when the server lost it (a restart while the tables were copied): put-back
        /// and the end coordinates need one. Each new session also takes the run lock again, which a restart released.
        /// </summary>
        async Task<ServerSession> AliveAsync(FlushContext context, ServerSession control)
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
                await fresh.ExecuteAsync("SET SESSION sql_log_bin = 0", CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await RunLock.AcquireAsync(fresh, CancellationToken.None).ConfigureAwait(false);
                }
                catch (FlushException lockTaken) when (lockTaken.Kind == FlushErrorKind.AlreadyRunning)
                {
                    listener.Warning($"{plan.Settings.Target}: after the reconnect another run holds the server's run lock: {lockTaken.Message}");
                }
                return fresh;
            }
        }

        static bool IsAside(JournalTable table) => table.Phase is TablePhase.Renamed or TablePhase.Created or TablePhase.Twin or TablePhase.Copying or TablePhase.Restoring;

        /// <summary>
        /// MariaDB: every transaction of the run is in its own GTID domain and replication is stopped, so a GTID of another
        /// domain in the run's range is another session's write (one with read_only bypass). A write into a table while
        /// it was a twin is lost from the table but logged for consumers: that table failed. Null when nothing got through.
        /// </summary>
        async Task<FlushException?> ForeignWritesAsync(ServerSession control, FlushJournal journal, FlushResult result, ConcurrentDictionary<JournalTable, TableFlushResult> results)
        {
            if (!plan.Facts.Dialect.IsMariaDb || result.BinlogStart?.GtidPosition is not { } start || result.BinlogEnd?.GtidPosition is not { } end) return null;
            var own = plan.Options.EffectiveGtidDomainId;
            if (!GtidPositions.OtherDomainsMoved(start, end, own)) return null;
            var events = await new ServerInspector(control).ReadForeignEventsAsync(result.BinlogStart, result.BinlogEnd, own, CancellationToken.None).ConfigureAwait(false);
            var lost = new List<string>();
            var touched = new HashSet<string>();
            foreach (var entry in journal.Tables.Where(t => t.Flushed || results.ContainsKey(t)))
            {
                var name = entry.Schema + "." + entry.Table;
                var hits = events.Where(e => e.Table == name).ToList();
                if (hits.Count == 0) continue;
                touched.Add(name);
                var where = string.Join(", ", hits.Take(5).Select(e => $"{e.Kind} at {e.Position}")) + (hits.Count > 5 ? $" and {hits.Count - 5} more" : "");
                var message = $"another session wrote to {name} while it was a BLACKHOLE twin: its change is not in the table but is in the binlog, where consumers will apply it ({where}).";
                if (results.TryGetValue(entry, out var tableResult)) { tableResult.Status = TableFlushStatus.Failed; tableResult.Error = message; }
                lost.Add(message);
            }
            var others = events.Count(e => e.Table is null || !touched.Contains(e.Table));
            if (lost.Count == 0)
            {
                listener.Warning($"{plan.Settings.Target}: {events.Count} event(s) of other sessions are inside the snapshot's binlog range (from {events.FirstOrDefault()?.Position}); no flushed table was touched.");
                return null;
            }
            return new FlushException(FlushErrorKind.TableFailed, string.Join(" ", lost) + (others > 0 ? $" {others} more event(s) of other sessions are in the range." : ""));
        }

        static string Sentence(string text) => text.TrimEnd().EndsWith(".", StringComparison.Ordinal) ? text.TrimEnd() : text.TrimEnd() + ".";
    }
}
