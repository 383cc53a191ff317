using System;
using System.Collections.Generic;
using System.Linq;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>FlushedEarlier: flushed by the run a resumed run continues.</summary>
    public enum TableFlushStatus { Flushed, Skipped, Failed, PutBack, NotStarted, FlushedEarlier }

    public sealed class TableFlushResult
    {
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string BackupTable { get; set; } = "";
        public long Rows { get; set; }
        public int Chunks { get; set; }
        /// <summary>The rows in each chunk (ChunkSize, or fewer for wide rows by ChunkBytes); 0 when copied in one statement.</summary>
        public int ChunkRows { get; set; }
        public TimeSpan Duration { get; set; }
        public TableFlushStatus Status { get; set; }
        public IReadOnlyList<string> MayRepeat { get; set; } = Array.Empty<string>();
        /// <summary>The keys each MayRepeat entry covers, which -Verify reads.</summary>
        internal IReadOnlyList<State.RepeatRange> MayRepeatRanges { get; set; } = Array.Empty<State.RepeatRange>();
        public string? Error { get; set; }
        public override string ToString() => $"{Schema}.{Table}: {Status}, {Rows:N0} rows in {Chunks} chunk(s)";

        /// <summary>A table's result from its journal entry; a table skipped or never started reports no progress.</summary>
        internal static TableFlushResult Of(State.JournalTable entry, TableFlushStatus status, TimeSpan duration = default)
        {
            var progressed = status is not (TableFlushStatus.Skipped or TableFlushStatus.NotStarted);
            return new TableFlushResult
            {
                Schema = entry.Schema,
                Table = entry.Table,
                BackupTable = entry.BackupTable,
                Rows = progressed ? entry.RowsCopied : 0,
                Chunks = progressed ? entry.Chunks : 0,
                ChunkRows = progressed ? entry.ChunkRows ?? 0 : 0,
                Duration = duration,
                Status = status,
                MayRepeat = progressed ? entry.MayRepeat.ToList() : (IReadOnlyList<string>)Array.Empty<string>(),
                MayRepeatRanges = progressed ? entry.MayRepeatRanges.ToList() : (IReadOnlyList<State.RepeatRange>)Array.Empty<State.RepeatRange>(),
                Error = status == TableFlushStatus.NotStarted ? entry.Error : null,
            };
        }
    }
}
