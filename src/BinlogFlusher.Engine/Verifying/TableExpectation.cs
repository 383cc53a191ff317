using System;
using System.Collections.Generic;
using System.Linq;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>What a flush says it wrote of one table: the rows it copied, its chunk bound and the key ranges that may repeat.</summary>
    public sealed class TableExpectation
    {
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string BackupTable { get; set; } = "";
        public long RowsCopied { get; set; }
        /// <summary>Rows a chunk holds at most; 0 when the table was copied in one statement (no bound).</summary>
        public int ChunkRows { get; set; }
        public IReadOnlyList<string> MayRepeat { get; set; } = Array.Empty<string>();
        /// <summary>The keys each MayRepeat entry covers; empty for a state file written before they were recorded.</summary>
        public IReadOnlyList<RepeatRange> MayRepeatRanges { get; set; } = Array.Empty<RepeatRange>();

        /// <summary>The tables a flush result says reached the binlog (flushed now or by an earlier run of the same journal).</summary>
        public static IReadOnlyList<TableExpectation> Of(FlushResult result) =>
            result.Tables.Where(t => t.Status is TableFlushStatus.Flushed or TableFlushStatus.FlushedEarlier).Select(t => new TableExpectation
            {
                Schema = t.Schema,
                Table = t.Table,
                BackupTable = t.BackupTable,
                RowsCopied = t.Rows,
                ChunkRows = t.ChunkRows,
                MayRepeat = t.MayRepeat,
                MayRepeatRanges = t.MayRepeatRanges,
            }).ToList();

        /// <summary>The tables a finished run's state file records as flushed: what it copied, its chunk bound and the ranges that may repeat.</summary>
        public static IReadOnlyList<TableExpectation> Of(FlushJournal journal) =>
            journal.Tables.Where(t => t.Flushed).Select(t => new TableExpectation
            {
                Schema = t.Schema,
                Table = t.Table,
                BackupTable = t.BackupTable,
                RowsCopied = t.RowsCopied,
                ChunkRows = t.ChunkRows ?? 0,
                MayRepeat = t.MayRepeat.ToList(),
                MayRepeatRanges = t.MayRepeatRanges.ToList(),
            }).ToList();
    }
}
