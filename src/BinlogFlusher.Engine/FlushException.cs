using System;

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
    }

    /// <summary>An expected failure with a message that names the problem and the fix.</summary>
    public sealed class FlushException : Exception
    {
        public FlushException(FlushErrorKind kind, string message, Exception? inner = null) : base(message, inner)
        {
            Kind = kind;
        }

        public FlushErrorKind Kind { get; }
    }
}
