using System.Collections.Generic;

namespace BinlogFlusher.Engine.Restoring
{
    public sealed class RestoreRunResult
    {
        public RestorePlan Plan { get; set; } = new RestorePlan();
        public int Done { get; set; }
        /// <summary>Cancelled between two steps: the rest is left for the same restore run again.</summary>
        public bool Interrupted { get; set; }
        public IReadOnlyList<RestoreStep> Conflicts { get; set; } = new List<RestoreStep>();
        public ReadOnlyOutcome? ReadOnly { get; set; }
    }
}
