using System;
using MySqlConnector;

namespace BinlogFlusher.Engine
{
    /// <summary>What went wrong, as the cmdlets and the CLI map it to error ids, categories and exit codes.</summary>
    public enum FlushErrorKind
    {
        ConnectionFailed,
        InvalidInput,
        PreflightRefused,
        TableFailed,
        RowCountMismatch,
        Interrupted,
        StateFileInvalid,
        StateFileMismatch,
        RestoreConflict,
        ResumeRefused,
        ServerError,
        /// <summary>Another flush or restore of the same server is running: nothing was changed.</summary>
        AlreadyRunning,
        /// <summary>A failure the engine did not expect (a bug): the tables were still put back.</summary>
        Unexpected,
        /// <summary>The server waited for disk space (a full binlog disk) longer than the run allows: stopped and put back.</summary>
        DiskFull,
        /// <summary>The state file could not be written during the run: stopped and put back (the server's record is current).</summary>
        StateFileWriteFailed,
        VerificationFailed,
    }

    /// <summary>An expected failure with a message that names the problem and the fix.</summary>
    public sealed class FlushException : Exception
    {
        public FlushException(FlushErrorKind kind, string message, Exception? inner = null) : base(message, inner)
        {
            Kind = kind;
        }

        public FlushErrorKind Kind { get; }

        /// <summary>
        /// A failure the engine expects (its own, or the server's or driver's) as a FlushException; null for anything
        /// else, which is a bug and must surface as one. Front ends call this instead of naming driver types: the
        /// driver loads in the module's own load context, where only the engine sees its exception types.
        /// </summary>
        public static FlushException? Classify(Exception exception) => exception switch
        {
            FlushException flush => flush,
            MySqlException server => new FlushException(FlushErrorKind.ServerError, ServerMessage(server), server),
            _ => null,
        };

        /// <summary>"server error 1146 (42S02): ..." for the server's errors; the driver's own (a lost connection) have no number.</summary>
        internal static string ServerMessage(MySqlException exception) =>
            exception.Number != 0 ? $"server error {exception.Number} ({exception.SqlState}): {exception.Message}" : "connection error: " + exception.Message;
    }
}
