using System;
using System.Collections.Generic;
using System.Linq;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>What a running flush tells its caller. Called from worker threads: implementations queue, never block.</summary>
    public interface IFlushListener
    {
        void Verbose(string message);
        void Warning(string message);
        void HostProgress(HostProgress progress);
        void TableProgress(TableProgress progress);
    }

    public sealed class HostProgress
    {
        public string Target { get; set; } = "";
        public int TablesDone { get; set; }
        public int TablesTotal { get; set; }
        public long RowsCopied { get; set; }
        public long RowsEstimated { get; set; }
        public TimeSpan Elapsed { get; set; }
        public string Stage { get; set; } = "";
        public bool Completed { get; set; }
    }

    public sealed class TableProgress
    {
        public string Target { get; set; } = "";
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public long RowsCopied { get; set; }
        public long RowsEstimated { get; set; }
        public TimeSpan Elapsed { get; set; }
        public string Stage { get; set; } = "";
        public bool Completed { get; set; }
    }

    public enum FlushStatus { Completed, Failed, Interrupted }

    /// <summary>FlushedEarlier: flushed by the run a resumed run continues.</summary>
    public enum TableFlushStatus { Flushed, Skipped, Failed, Restored, NotStarted, FlushedEarlier }

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
                Error = status == TableFlushStatus.NotStarted ? entry.Error : null,
            };
        }
    }

    /// <summary>What a flush of one host did.</summary>
    public sealed class FlushResult
    {
        public string HostName { get; set; } = "";
        public int Port { get; set; }
        public string ServerVersion { get; set; } = "";
        public FlushStatus Status { get; set; }
        public BinlogCoordinates? BinlogStart { get; set; }
        public BinlogCoordinates? BinlogEnd { get; set; }
        /// <summary>Every binlog range that together holds the snapshot (more than one when the run was resumed).</summary>
        public IReadOnlyList<State.BinlogRange> BinlogRanges { get; set; } = Array.Empty<State.BinlogRange>();
        public long Rows { get; set; }
        public TimeSpan Duration { get; set; }
        public string StateFile { get; set; } = "";
        public string ReplicationBefore { get; set; } = "";
        public string ReplicationAfter { get; set; } = "";
        public IReadOnlyList<TableFlushResult> Tables { get; set; } = Array.Empty<TableFlushResult>();
        /// <summary>Tables (schema.table) the run could not put back: Restore-BinlogFlushState / recover repairs them from the state file.</summary>
        public IReadOnlyList<string> LeftAside { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();
        public string? Error { get; set; }
        public FlushErrorKind? ErrorKind { get; set; }
        public override string ToString() => $"{HostName}:{Port} {Status}: {Rows:N0} rows, {Tables.Count} tables, binlog {BinlogStart} .. {BinlogEnd}";
    }
}
