using System;
using System.Collections.Generic;
using System.Linq;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Restoring
{
    public sealed class RestorePlan
    {
        public IReadOnlyList<RestoreStep> Steps { get; set; } = Array.Empty<RestoreStep>();
        /// <summary>Backup tables no record explains: reported, never touched.</summary>
        public IReadOnlyList<string> Orphans { get; set; } = Array.Empty<string>();
        public FlushJournal? Journal { get; set; }
        /// <summary>Connections of the interrupted run that still run statements on the server (a kill -9 does not stop them).</summary>
        public IReadOnlyList<long> RunConnections { get; set; } = Array.Empty<long>();
        public bool NeedsChange => Steps.Any(s => s.NeedsChange);
        /// <summary>What the user should know about how the plan was made (a state file that was not there).</summary>
        public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();
    }
}
