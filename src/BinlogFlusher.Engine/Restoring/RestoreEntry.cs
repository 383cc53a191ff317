using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Restoring
{
    /// <summary>A table to put back: from a state file, the old tool's rollback file, or the server's own record.</summary>
    public sealed class RestoreEntry
    {
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string BackupTable { get; set; } = "";
        /// <summary>The journal's phase; null when unknown (legacy file, a backup found by name).</summary>
        public TablePhase? Phase { get; set; }
        public string Source { get; set; } = "";
    }
}
