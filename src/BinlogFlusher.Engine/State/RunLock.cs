using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.State
{
    /// <summary>
    /// One flush or restore per server at a time: a named server lock (GET_LOCK) held by an idle session of the run for
    /// its whole life. The server releases it when that session ends, so it dies with the run's process.
    /// </summary>
    public static class RunLock
    {
        public const string Name = "binlogflusher.run";

        /// <summary>
        /// Takes the lock on this session, or throws AlreadyRunning naming the run that holds it. Changes nothing else.
        /// <paramref name="waitSeconds"/> lets a restore started right after a kill outlast the dead run's session.
        /// </summary>
        public static async Task AcquireAsync(ServerSession session, CancellationToken cancellationToken, int waitSeconds = 0)
        {
            var granted = await session.ScalarAsync($"SELECT GET_LOCK({SqlText.Literal(Name)}, {waitSeconds.ToString(CultureInfo.InvariantCulture)})", cancellationToken).ConfigureAwait(false);
            if (granted is not null && !(granted is DBNull) && Convert.ToInt64(granted, CultureInfo.InvariantCulture) == 1) return;
            var holder = await DescribeHolderAsync(session, cancellationToken).ConfigureAwait(false) ?? "another flush or restore held this server's run lock a moment ago; try again.";
            throw new FlushException(FlushErrorKind.AlreadyRunning, $"{session.Settings.Target}: {holder} Nothing was changed.");
        }

        /// <summary>
        /// Gives the lock back as the run ends. Closing the session would too, but the server ends a closed session a
        /// moment later, and a run started right after this one (the next host's, a script's next step) would be refused.
        /// </summary>
        public static async Task ReleaseAsync(ServerSession session)
        {
            try
            {
                await session.ExecuteAsync($"DO RELEASE_LOCK({SqlText.Literal(Name)})", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (FlushException.Classify(exception) is not null)
            {
                // The session is gone (a lost connection, a restarted server): so is the lock.
            }
        }

        /// <summary>Who holds the lock (a live flush or restore of this server), or null when nobody does.</summary>
        public static async Task<string?> DescribeHolderAsync(ServerSession session, CancellationToken cancellationToken)
        {
            var holder = await session.ScalarAsync("SELECT IS_USED_LOCK(" + SqlText.Literal(Name) + ")", cancellationToken).ConfigureAwait(false);
            if (holder is null || holder is DBNull) return null;
            var id = Convert.ToInt64(holder, CultureInfo.InvariantCulture);
            // SHOW PROCESSLIST: the one spelling every MySQL and MariaDB version answers (information_schema's is deprecated on MySQL 8.0.22+).
            var client = (await session.QueryAsync("SHOW PROCESSLIST", cancellationToken).ConfigureAwait(false)).FirstOrDefault(row => row.Long("Id") == id);
            var who = client is null ? $"connection {id}" : $"connection {id} of {client.Text("User")} from {client.Text("Host")}, started {client.Long("Time")} s ago";
            var run = (await StateJournalSchema.ReadUnfinishedAsync(session, cancellationToken).ConfigureAwait(false)).LastOrDefault();
            var what = run is null ? "" : $"; run {run.Text("run_id")}" + (run.Text("state_file") is { } file ? $", state file {file}" : "");
            return $"Another flush or restore is running on this server ({who}{what}). " +
                   $"Wait for it to finish, or stop it (Ctrl+C where it runs); only once it has ended can {FrontEnd.Of(FlushCommand.Restore)} repair what it left.";
        }
    }
}
