
namespace BinlogFlusher.Engine.Restoring
{
    public sealed class RestoreOptions
    {
        public bool StopReplica { get; set; } = true;
        public bool StartReplica { get; set; }
        /// <summary>Nothing is changed, not even the server's record or the state file (-WhatIf, --dry-run).</summary>
        public bool DryRun { get; set; }
    }
}
