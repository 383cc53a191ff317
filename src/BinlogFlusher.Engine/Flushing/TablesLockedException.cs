using System;
using System.Collections.Generic;
using System.Linq;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>
    /// Another session's metadata lock kept tables from being renamed out of place: they are in place and unchanged,
    /// and nothing of them reached the binlog. The host's other tables go on.
    /// </summary>
    sealed class TablesLockedException : Exception
    {
        public TablesLockedException(IReadOnlyList<JournalTable> entries, int attempts, int lockWaitSeconds, IReadOnlyList<string> holders, Exception inner)
            : base($"a metadata lock kept {string.Join(", ", entries.Select(e => e.Schema + "." + e.Table))} from being renamed " +
                   $"({attempts} attempt(s) of lock_wait_timeout = {lockWaitSeconds} s)" + (holders.Count > 0 ? ": " + string.Join("; ", holders) : ""), inner)
        {
            Entries = entries;
            Holders = holders;
        }

        public IReadOnlyList<JournalTable> Entries { get; }
        public IReadOnlyList<string> Holders { get; }
    }
}
