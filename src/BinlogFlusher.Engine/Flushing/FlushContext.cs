using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using MySqlConnector;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>What every worker of one host's flush shares.</summary>
    sealed class FlushContext
    {
        public FlushContext(HostPlan plan, JournalFile journal, IFlushListener listener, Func<string, Task>? phaseReached)
        {
            Plan = plan;
            Journal = journal;
            Listener = listener;
            PhaseReached = phaseReached;
        }

        public HostPlan Plan { get; }
        public ServerDialect Dialect => Plan.Facts.Dialect;
        public FlushOptions Options => Plan.Options;
        public JournalFile Journal { get; }
        public IFlushListener Listener { get; }
        /// <summary>Test hook: called at named points (a test process stops there to be killed).</summary>
        public Func<string, Task>? PhaseReached { get; }
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public string Target => Plan.Settings.Target;
        public long RowsCopied;
        public int TablesDone;
        /// <summary>Tables a metadata lock kept from being renamed: in place, failed alone.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<TablesLockedException> LockedOut { get; } = new System.Collections.Concurrent.ConcurrentQueue<TablesLockedException>();
        /// <summary>
        /// Where in the binlog each table this run took aside was out of place (a batch's tables share one). Kept in memory
        /// only: they are read at the end of the same run, over its own range, and a resumed run starts with every table
        /// in place (preflight refuses one left aside), so a table flushed earlier was in place throughout its range.
        /// </summary>
        public System.Collections.Concurrent.ConcurrentDictionary<JournalTable, AsideWindow> AsideWindows { get; } = new System.Collections.Concurrent.ConcurrentDictionary<JournalTable, AsideWindow>();

        public Task ReachedAsync(string point) => PhaseReached?.Invoke(point) ?? Task.CompletedTask;

        public void StatementRan(string sql) => Listener.Verbose($"{Target}: {sql}");

        /// <summary>A session with the flush settings: ROW format, permissive sql_mode, short lock waits, our GTID domain.</summary>
        public async Task<ServerSession> OpenSessionAsync(CancellationToken cancellationToken)
        {
            var session = await ServerSession.OpenAsync(Plan.Settings, StatementRan, cancellationToken).ConfigureAwait(false);
            try
            {
                await session.ExecuteAsync(string.Join("; ", Dialect.SessionSetup(Options.EffectiveGtidDomainId, Options.LockWaitTimeoutSeconds)), cancellationToken).ConfigureAwait(false);
                // Journaled before the session does anything: a restore after a kill -9 stops what it may still be running.
                Journal.Update(j => j.ConnectionIds.Add(session.ServerThreadId));
                return session;
            }
            catch
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>
        /// A flush session again after a lost connection: tried with backoff for Options.ReconnectTimeout, so a restarted
        /// server is waited for. A server that restarted may have started replication by itself: the channels this run
        /// stopped are stopped again before anything else runs.
        /// </summary>
        public async Task<ServerSession> ReopenSessionAsync(string why)
        {
            var deadline = Clock.Elapsed + Options.ReconnectTimeout;
            var delay = TimeSpan.FromMilliseconds(250);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var session = await OpenSessionAsync(CancellationToken.None).ConfigureAwait(false);
                    await StopReplicationAgainAsync(session).ConfigureAwait(false);
                    return session;
                }
                catch (FlushException exception) when (exception.Kind == FlushErrorKind.ConnectionFailed && Clock.Elapsed + delay < deadline)
                {
                    if (attempt == 1) Listener.Warning($"{Target}: {why}; the server does not answer, trying again for up to {Options.ReconnectTimeout.TotalSeconds:0} s.");
                    await Task.Delay(delay).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
        }

        async Task StopReplicationAgainAsync(ServerSession session)
        {
            // A restart also reads read_only from the server's configuration again.
            if (Journal.Journal.ReadOnlyBefore is not null && await ReadOnlyGuard.TurnOnAgainAsync(session).ConfigureAwait(false))
                Listener.Warning($"{Target}: read_only is OFF again (the server restarted?): turning it ON again before the copy goes on.");
            var running = await new ServerInspector(session).ReadChannelsAsync(Dialect, CancellationToken.None).ConfigureAwait(false);
            foreach (var channel in running.Where(c => c.SqlRunning && Journal.Journal.ChannelsStoppedByRun.Contains(c.Name)))
            {
                Listener.Warning($"{Target}: replication channel '{channel.Name}' runs again (the server restarted?): stopping it again before the copy goes on.");
                await session.ExecuteAsync(Dialect.StopReplicaSqlThread(channel.Name), CancellationToken.None).ConfigureAwait(false);
            }
        }

        public void ReportHostProgress(string stage, bool completed = false)
        {
            Listener.HostProgress(new HostProgress
            {
                Target = Target,
                TablesDone = TablesDone,
                TablesTotal = Journal.Journal.Tables.Count(t => t.Phase != TablePhase.Skipped),
                RowsCopied = Interlocked.Read(ref RowsCopied),
                RowsEstimated = Plan.EstimatedRows,
                Elapsed = Clock.Elapsed,
                Stage = stage,
                Completed = completed,
            });
        }

        /// <summary>Errors after which the connection is gone and a new one may resume the copy.</summary>
        public static bool IsConnectionLoss(MySqlException exception, ServerSession session) =>
            !session.IsOpen || exception.Number is 1927 or 1053 or 2006 or 2013 or 1042 || exception.ErrorCode == MySqlErrorCode.UnableToConnectToHost;
    }
}
