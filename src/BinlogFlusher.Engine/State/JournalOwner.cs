using System;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.State
{
    /// <summary>Whether a state file was written on the server a session is connected to: same port, same server_id (or same host name when the file has none).</summary>
    public static class JournalOwner
    {
        /// <summary>Refuses (StateFileMismatch) a state file of another server; <paramref name="otherwise"/> ends the message with what to do instead ("restore", "verify").</summary>
        public static async Task CheckAsync(ServerSession session, FlushJournal journal, string path, string otherwise, CancellationToken cancellationToken)
        {
            var serverId = Convert.ToInt64(await session.ScalarAsync("SELECT @@server_id", cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            var sameHost = string.Equals(journal.Host, session.Settings.Host, StringComparison.OrdinalIgnoreCase);
            if (journal.Port != session.Settings.Port || (!sameHost && journal.ServerId != serverId) || (journal.ServerId != 0 && journal.ServerId != serverId))
                throw new FlushException(FlushErrorKind.StateFileMismatch,
                    $"The state file '{path}' belongs to {journal.Host}:{journal.Port} (server_id {journal.ServerId}), not to {session.Settings.Target} (server_id {serverId}). Nothing was changed. Give this host's state file, or {otherwise} {journal.Host}:{journal.Port}.");
        }
    }
}
