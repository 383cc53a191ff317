using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.State
{
    /// <summary>
    /// For a run, the host refuses ordinary writes: while a table's name holds its BLACKHOLE twin, another session's
    /// INSERT or ALTER would "succeed" into nothing. The run turns read_only ON and keeps the value before in the
    /// server's own record (written without logging) until it is put back, so every ending puts it back: success,
    /// failure, Ctrl+C, and a restore after a kill -9.
    /// </summary>
    public static class ReadOnlyGuard
    {
        const string Setting = "read_only";
        const int LockWaitTimeout = 1205;

        /// <summary>Turns read_only ON when it is OFF, recording the value first; false when it was ON already (nothing changed).</summary>
        public static async Task<bool> TurnOnAsync(ServerSession session, string runId, CancellationToken cancellationToken)
        {
            if (await IsOnAsync(session, cancellationToken).ConfigureAwait(false)) return false;
            await session.ExecuteAsync(WriteStatements.RecordSetting(Setting, "OFF", runId), CancellationToken.None).ConfigureAwait(false);
            try
            {
                await session.ExecuteAsync("SET GLOBAL read_only = ON", CancellationToken.None).ConfigureAwait(false);
            }
            catch (MySqlConnector.MySqlException exception) when (exception.Number == LockWaitTimeout)
            {
                // The server waits for other sessions' table locks and open write transactions before read_only takes effect.
                await PutBackAsync(session, CancellationToken.None).ConfigureAwait(false);
                throw new FlushException(FlushErrorKind.ServerError,
                    $"{session.Settings.Target}: read_only could not be turned ON within lock_wait_timeout: another session holds LOCK TABLES or an open transaction that wrote (see SHOW PROCESSLIST). No table was renamed. Let that session finish, then flush again.", exception);
            }
            return true;
        }

        /// <summary>For a run that turned read_only ON: ON again when a restart turned it OFF; true when it had to.</summary>
        public static async Task<bool> TurnOnAgainAsync(ServerSession session)
        {
            if (await IsOnAsync(session, CancellationToken.None).ConfigureAwait(false)) return false;
            await session.ExecuteAsync("SET GLOBAL read_only = ON", CancellationToken.None).ConfigureAwait(false);
            return true;
        }

        static async Task<bool> IsOnAsync(ServerSession session, CancellationToken cancellationToken) =>
            Convert.ToInt64(await session.ScalarAsync("SELECT @@GLOBAL.read_only", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) != 0;

        /// <summary>Puts read_only back to the value a run recorded, and forgets it. The value put back, or null when no run had changed it.</summary>
        public static async Task<string?> PutBackAsync(ServerSession session, CancellationToken cancellationToken)
        {
            if (await RecordedAsync(session, cancellationToken).ConfigureAwait(false) is not { } value) return null;
            // Only ever a value this tool wrote; anything else is not sent to the server.
            var on = value.Equals("ON", StringComparison.OrdinalIgnoreCase);
            await session.ExecuteAsync(WriteStatements.PutReadOnlyBack(Setting, on), CancellationToken.None).ConfigureAwait(false);
            return on ? "ON" : "OFF";
        }

        /// <summary>The read_only value a run recorded before turning it ON, or null when no run's change is pending.</summary>
        public static async Task<string?> RecordedAsync(ServerSession session, CancellationToken cancellationToken)
        {
            if (!await StateJournalSchema.ExistsAsync(session, StateJournalSchema.SettingTable, cancellationToken).ConfigureAwait(false)) return null;
            return await session.ScalarAsync($"SELECT value FROM {StateJournalSchema.QualifiedSettingTable} WHERE name = {SqlText.Literal(Setting)}", cancellationToken).ConfigureAwait(false) as string;
        }
    }
}
