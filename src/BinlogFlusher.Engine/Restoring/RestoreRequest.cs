using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Engine.Restoring
{
    public sealed class RestoreRequest
    {
        /// <summary>A state file written by Invoke-BinlogFlush, or the old tool's rollback file.</summary>
        public string? StateFile { get; set; }
        /// <summary>Find what to restore from the server's own record and the backup tables it holds.</summary>
        public bool Discover { get; set; }
        public FlushSelection Selection { get; set; } = new FlushSelection();
    }
}
