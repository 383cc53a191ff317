using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>
    /// The worker pool of one host's run: at most ThrottleLimit sessions take units (a table, or small tables together)
    /// off one queue. The first failure stops the others; a table kept in place by a metadata lock fails alone.
    /// </summary>
    sealed class TableWorkers
    {
        readonly HostPlan plan;
        readonly IFlushListener listener;
        readonly FlushContext context;
        readonly ConcurrentDictionary<JournalTable, TableFlushResult> results;
        readonly Dictionary<(string, string), FlushCandidate> candidates;
        readonly ConcurrentQueue<List<JournalTable>> queue = new ConcurrentQueue<List<JournalTable>>();

        public TableWorkers(HostPlan plan, IFlushListener listener, FlushContext context, ConcurrentDictionary<JournalTable, TableFlushResult> results)
        {
            this.plan = plan;
            this.listener = listener;
            this.context = context;
            this.results = results;
            candidates = plan.Candidates.ToDictionary(c => (c.Schema, c.Name));
        }

        public async Task RunAsync(List<JournalTable> work, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            foreach (var unit in Units(work)) queue.Enqueue(unit);
            Exception? firstFailure = null;

            async Task WorkerAsync()
            {
                // One flusher a worker: its session, which a reconnect may replace, is closed with the worker.
                TableFlusher? flusher = null;
                try
                {
                    while (!stop.IsCancellationRequested && queue.TryDequeue(out var unit))
                    {
                        flusher ??= new TableFlusher(context, await context.OpenSessionAsync(stop.Token).ConfigureAwait(false));
                        await FlushUnitAsync(flusher, unit, stop.Token).ConfigureAwait(false);
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
                    if (flusher is not null) await flusher.Session.DisposeAsync().ConfigureAwait(false);
                }
            }

            var workers = Enumerable.Range(0, Math.Max(1, Math.Min(plan.Options.ThrottleLimit, work.Count))).Select(_ => Task.Run(WorkerAsync)).ToList();
            await Task.WhenAll(workers).ConfigureAwait(false);
            if (firstFailure is not null && !(firstFailure is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                throw firstFailure is OperationCanceledException ? new OperationCanceledException(cancellationToken) : firstFailure;
            cancellationToken.ThrowIfCancellationRequested();
        }

        async Task FlushUnitAsync(TableFlusher flusher, List<JournalTable> unit, CancellationToken cancellationToken)
        {
            try
            {
                var unitResults = unit.Count == 1
                    ? new[] { await flusher.FlushAsync(candidates[(unit[0].Schema, unit[0].Table)], unit[0], cancellationToken).ConfigureAwait(false) }
                    : await flusher.FlushBatchAsync(unit.Select(e => (candidates[(e.Schema, e.Table)], e)).ToList(), cancellationToken).ConfigureAwait(false);
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
                FailLocked(unit[0], locked);
            }
        }

        /// <summary>In place and untouched: the table fails alone, and the run goes on with the others.</summary>
        void FailLocked(JournalTable entry, TablesLockedException locked)
        {
            var failed = TableFlushResult.Of(entry, TableFlushStatus.Failed);
            failed.Error = FlushRun.Sentence(locked.Message) + " The table is in place and unchanged.";
            results[entry] = failed;
            context.LockedOut.Enqueue(locked);
            Interlocked.Increment(ref context.TablesDone);
            listener.Warning($"{plan.Settings.Target}: {failed.Error} The other tables go on.");
            listener.TableProgress(new TableProgress { Target = context.Target, Schema = entry.Schema, Table = entry.Table, Stage = TableProgress.Failed, Completed = true });
        }

        /// <summary>
        /// What the workers take, in the journal's order: a table on its own, or small tables together (at most
        /// TableFlusher.BatchTables of them, and by their estimates no more than one chunk of rows in all).
        /// </summary>
        List<List<JournalTable>> Units(List<JournalTable> work) => Units(work, candidates, plan.Options);

        internal static List<List<JournalTable>> Units(IEnumerable<JournalTable> work, IReadOnlyDictionary<(string, string), FlushCandidate> candidates, FlushOptions options)
        {
            var units = new List<List<JournalTable>>();
            List<JournalTable>? batch = null;
            long batchRows = 0;
            foreach (var entry in work)
            {
                var candidate = candidates[(entry.Schema, entry.Table)];
                if (!TableFlusher.Batchable(candidate, entry, options))
                {
                    units.Add(new List<JournalTable> { entry });
                    continue;
                }
                if (batch is null || batch.Count >= TableFlusher.BatchTables || batchRows + candidate.Table.EstimatedRows > options.ChunkSize)
                {
                    units.Add(batch = new List<JournalTable>());
                    batchRows = 0;
                }
                batch.Add(entry);
                batchRows += candidate.Table.EstimatedRows;
            }
            return units;
        }
    }
}
