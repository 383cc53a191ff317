using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using BinlogFlusher.Engine.Flushing;

namespace BinlogFlusher.Commands
{
    /// <summary>
    /// Workers' news for the pipeline thread, the only thread that may write to the pipeline. Progress is throttled
    /// to a few records a second per activity, with exactly one Completed record each.
    /// </summary>
    sealed class PipelineQueue : IFlushListener
    {
        static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
        readonly BlockingCollection<Action<Cmdlet>> items = new BlockingCollection<Action<Cmdlet>>();
        readonly ConcurrentDictionary<string, int> activityIds = new ConcurrentDictionary<string, int>();
        readonly ConcurrentDictionary<int, DateTime> lastWritten = new ConcurrentDictionary<int, DateTime>();
        readonly ConcurrentDictionary<int, bool> completed = new ConcurrentDictionary<int, bool>();
        readonly ConcurrentDictionary<int, (DateTime At, long Rows)> copyStarted = new ConcurrentDictionary<int, (DateTime, long)>();
        int nextActivityId;

        public void Post(Action<Cmdlet> write) => items.Add(write);

        /// <summary>Writes what is queued now, without waiting.</summary>
        public void Drain(Cmdlet cmdlet)
        {
            while (items.TryTake(out var write)) write(cmdlet);
        }

        /// <summary>Wakes DrainUntil to look at its condition again: posted when a host's work has ended.</summary>
        public void Wake() => items.Add(_ => { });

        /// <summary>
        /// Writes what is queued until <paramref name="done"/> says all work ended and the queue is empty, waiting on the
        /// queue (work that ends calls Wake) rather than polling it. When the pipeline stops meanwhile, it goes on waiting (writing nothing) so
        /// the work can put its tables back, then rethrows.
        /// </summary>
        public void DrainUntil(Cmdlet? cmdlet, Func<bool> done)
        {
            Exception? stopped = null;
            while (!(done() && items.Count == 0))
            {
                // StopProcessing's thread may wait here beside the pipeline thread and take the other's wake: a second
                // bounds that, and a wake ends the wait at once otherwise.
                if (!items.TryTake(out var write, TimeSpan.FromSeconds(1)) || cmdlet is null) continue;
                // A stopped pipeline, or an error turned terminating (-ErrorAction Stop): stop writing, go on waiting.
                try { write(cmdlet); }
                catch (Exception exception) { stopped = exception; cmdlet = null; }
            }
            if (stopped is not null) throw stopped;
        }

        int ActivityId(string key) => activityIds.GetOrAdd(key, _ => Interlocked.Increment(ref nextActivityId));

        /// <summary>
        /// Whether verbose records are shown (-Verbose or $VerbosePreference). When not, none is queued: a copy sends a
        /// statement or more a chunk, and the pipeline thread would write each only for PowerShell to drop it.
        /// </summary>
        public bool VerboseShown { get; set; } = true;

        public void Verbose(string message)
        {
            if (VerboseShown) Post(c => c.WriteVerbose(message));
        }
        public void Warning(string message) => Post(c => c.WriteWarning(message));

        public void HostProgress(HostProgress progress)
        {
            var id = ActivityId(progress.Target);
            if (progress.Completed) CompleteOpenActivities(progress.Target);
            if (!ShouldWrite(id, progress.Completed)) return;
            var record = new ProgressRecord(id, $"Flushing {progress.Target} to its binary log",
                $"{progress.TablesDone} of {progress.TablesTotal} tables, {progress.RowsCopied:N0} rows: {progress.Stage}")
            {
                PercentComplete = progress.Completed ? 100 : Percent(progress.RowsCopied, progress.RowsEstimated),
                SecondsRemaining = progress.Completed ? -1 : SecondsRemaining(progress.RowsCopied, progress.RowsEstimated, progress.Elapsed),
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            Post(c => c.WriteProgress(record));
        }

        public void TableProgress(TableProgress progress)
        {
            var id = ActivityId(progress.Target + "/" + progress.Schema + "." + progress.Table);
            // The copy's own clock, from its first report (shown or throttled): the time left follows the rows this run
            // copied since then, not rows a resumed run found copied already.
            var copying = progress.RowsEstimated > 0 ? copyStarted.GetOrAdd(id, _ => (DateTime.UtcNow, progress.RowsCopied)) : ((DateTime At, long Rows)?)null;
            if (!ShouldWrite(id, progress.Completed)) return;
            var rows = progress.RowsEstimated > 0 ? $"{progress.RowsCopied:N0} of about {progress.RowsEstimated:N0} rows" : $"{progress.RowsCopied:N0} rows";
            var record = new ProgressRecord(id, $"{progress.Schema}.{progress.Table}", $"{progress.Stage}: {rows}")
            {
                ParentActivityId = ActivityId(progress.Target),
                PercentComplete = progress.Completed ? 100 : Percent(progress.RowsCopied, progress.RowsEstimated),
                SecondsRemaining = progress.Completed || copying is null ? -1
                    : SecondsRemaining(progress.RowsCopied - copying.Value.Rows, progress.RowsEstimated - copying.Value.Rows, DateTime.UtcNow - copying.Value.At),
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            Post(c => c.WriteProgress(record));
        }

        /// <summary>Completes every activity still open (a failed host's tables), so each gets exactly one Completed record.</summary>
        public void CompleteOpenActivities(string target)
        {
            foreach (var pair in activityIds)
            {
                if (!pair.Key.StartsWith(target + "/", StringComparison.Ordinal) || completed.ContainsKey(pair.Value)) continue;
                if (!completed.TryAdd(pair.Value, true)) continue;
                var record = new ProgressRecord(pair.Value, pair.Key.Substring(target.Length + 1), "stopped")
                {
                    ParentActivityId = ActivityId(target),
                    RecordType = ProgressRecordType.Completed,
                    PercentComplete = 100,
                };
                Post(c => c.WriteProgress(record));
            }
        }

        /// <summary>Ends a host's activity if the engine could not (it failed before it began).</summary>
        public void CompleteHost(string target)
        {
            CompleteOpenActivities(target);
            var id = ActivityId(target);
            if (!completed.TryAdd(id, true)) return;
            var record = new ProgressRecord(id, $"Flushing {target} to its binary log", "not started") { RecordType = ProgressRecordType.Completed, PercentComplete = 100 };
            Post(c => c.WriteProgress(record));
        }

        bool ShouldWrite(int id, bool isCompleted)
        {
            if (completed.ContainsKey(id)) return false;
            if (isCompleted) return completed.TryAdd(id, true);
            var now = DateTime.UtcNow;
            var last = lastWritten.GetOrAdd(id, DateTime.MinValue);
            if (now - last < ProgressInterval) return false;
            return lastWritten.TryUpdate(id, now, last);
        }

        static int Percent(long done, long total) => total <= 0 ? -1 : (int)Math.Min(99, done * 100 / total);

        static int SecondsRemaining(long done, long total, TimeSpan elapsed) =>
            done <= 0 || total <= done ? -1 : (int)Math.Min(int.MaxValue, elapsed.TotalSeconds * (total - done) / done);
    }
}
