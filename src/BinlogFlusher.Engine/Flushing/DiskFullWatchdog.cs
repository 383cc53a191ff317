using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>
    /// Watches the run's sessions while tables are copied. A server whose binlog disk is full does not fail the write:
    /// it waits for someone to free space, retrying every minute, and the run would hang without a word. The watchdog
    /// warns as soon as one of the run's sessions waits for disk space, and when the wait outlasts
    /// FlushOptions.DiskFullTimeout it stops the run (the copy statement is killed, the tables are put back).
    /// </summary>
    sealed class DiskFullWatchdog
    {
        static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
        readonly FlushContext context;

        public DiskFullWatchdog(FlushContext context) => this.context = context;

        /// <summary>What the server was doing when the run was stopped for it, or null when it never was.</summary>
        public string? StoppedRunBecause { get; private set; }

        /// <summary>Runs until <paramref name="done"/>; cancels <paramref name="stopRun"/> when the wait for disk space lasts too long.</summary>
        public async Task WatchAsync(CancellationTokenSource stopRun, CancellationToken done)
        {
            ServerSession? session = null;
            DateTime? waitingSince = null;
            try
            {
                while (!done.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(Interval, done).ConfigureAwait(false);
                        session ??= await ServerSession.OpenAsync(context.Plan.Settings, null, done).ConfigureAwait(false);
                        var (waiting, waitingIds) = await WaitingForDiskAsync(session, done).ConfigureAwait(false);
                        if (waiting is null)
                        {
                            if (waitingSince is not null) context.Listener.Warning($"{context.Target}: the server writes again; the flush goes on.");
                            waitingSince = null;
                            continue;
                        }
                        waitingSince ??= DateTime.UtcNow;
                        var waited = DateTime.UtcNow - waitingSince.Value;
                        if (waited < Interval)
                            context.Listener.Warning($"{context.Target}: the server waits for disk space ({waiting}): its binlog disk is full. " +
                                                     $"Free space on it within {context.Options.DiskFullTimeout.TotalSeconds:0} s, or the run stops and puts every table back.");
                        if (waited >= context.Options.DiskFullTimeout)
                        {
                            StoppedRunBecause = waiting;
                            stopRun.Cancel();
                            // Not every waiting statement runs under the run's token (a logged CREATE TABLE never is
                            // cancelled half way): its wait ends only by KILL QUERY, after which the tables are put back.
                            foreach (var id in waitingIds)
                            {
                                try { await session.ExecuteAsync("KILL QUERY " + id.ToString(CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false); }
                                catch (MySqlConnector.MySqlException) { /* ended meanwhile */ }
                            }
                            return;
                        }
                    }
                    catch (Exception exception) when (!(exception is OperationCanceledException))
                    {
                        // The server is away (a restart), or the look failed: the copy goes on, and the next look tries again.
                        if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
                        session = null;
                    }
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                // The tables are copied, or the run ended otherwise.
            }
            finally
            {
                if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
            }
        }

        async Task<(string? Waiting, System.Collections.Generic.List<long> Ids)> WaitingForDiskAsync(ServerSession session, CancellationToken cancellationToken)
        {
            var ids = context.Journal.Read(j => j.ConnectionIds.ToList());
            if (ids.Count == 0) return (null, ids);
            var rows = await session.QueryAsync(
                $"SELECT ID, STATE, TIME FROM {context.Dialect.ProcessList} WHERE ID IN ({string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)))}) " +
                "AND (STATE LIKE '%free space%' OR STATE LIKE '%disk space%')", cancellationToken).ConfigureAwait(false);
            return (rows.Count == 0 ? null : string.Join("; ", rows.Select(r => $"connection {r.Long("ID")}: '{r.Text("STATE")}' for {r.Long("TIME")} s")),
                rows.Select(r => r.Long("ID")).ToList());
        }
    }
}
