using System;
using System.Collections.Generic;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Flushing
{
    public enum FlushStatus { Completed, Failed, Interrupted }

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
        /// <summary>Per table, what the run's binlog ranges hold of it (with -Verify / --verify); empty when not verified.</summary>
        public IReadOnlyList<Verifying.TableVerification> Verification { get; set; } = Array.Empty<Verifying.TableVerification>();
        public string? Error { get; set; }
        public FlushErrorKind? ErrorKind { get; set; }
        public override string ToString() => $"{HostName}:{Port} {Status}: {Rows:N0} rows, {Tables.Count} tables, binlog {BinlogStart} .. {BinlogEnd}";
    }
}
