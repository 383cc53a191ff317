using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BinlogFlusher.Engine.State
{
    /// <summary>Where a table is in its flush. Each is written before the step it names begins.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public enum TablePhase { Pending, Renamed, Created, Twin, Copying, Restoring, Restored, Skipped }

    public sealed class JournalTable
    {
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string BackupTable { get; set; } = "";
        public TablePhase Phase { get; set; }
        /// <summary>The last key whose chunk committed (the resume point).</summary>
        public List<KeyValue>? LastChunkKey { get; set; }
        /// <summary>Rows and chunks copied up to and including LastChunkKey: where a resumed copy starts counting.</summary>
        public long RowsThroughLastKey { get; set; }
        public int ChunksThroughLastKey { get; set; }
        public long RowsCopied { get; set; }
        public int Chunks { get; set; }
        /// <summary>The rows in each chunk this run used for the table (ChunkSize, or fewer for wide rows by ChunkBytes).</summary>
        public int? ChunkRows { get; set; }
        /// <summary>Key ranges whose rows may stand twice in the binlog (a chunk that failed half way and was run again).</summary>
        public List<string> MayRepeat { get; set; } = new List<string>();
        /// <summary>The keys each MayRepeat entry covers, for the verifier; empty in state files written before they were recorded.</summary>
        public List<RepeatRange> MayRepeatRanges { get; set; } = new List<RepeatRange>();
        public string? Error { get; set; }
        /// <summary>The chunk being copied: rows after LastChunkKey up to this key may be in the binlog if the run stopped during it.</summary>
        public List<KeyValue>? PendingChunkUpper { get; set; }
        /// <summary>The logged CREATE TABLE ran: a resumed run does not log it again.</summary>
        public bool CreateLogged { get; set; }
        /// <summary>The logged CREATE TABLE was about to run; without CreateLogged, a resume looks for it in the binlog.</summary>
        public bool CreateAttempted { get; set; }
        /// <summary>The copy began: some rows may be in the binlog.</summary>
        public bool CopyStarted { get; set; }
        /// <summary>Copied completely, verified and put back: a resumed run skips it.</summary>
        public bool Flushed { get; set; }
        /// <summary>The table's definition when the run began (columns, indexes, partitions); a resume refuses if it changed.</summary>
        public string? Fingerprint { get; set; }

        /// <summary>Records a range whose rows may repeat: its text for people, its keys for the verifier; a range already recorded is not added again.</summary>
        public void AddMayRepeat(RepeatRange range)
        {
            if (!MayRepeat.Contains(range.Text)) MayRepeat.Add(range.Text);
            if (!MayRepeatRanges.Exists(r => r.Text == range.Text)) MayRepeatRanges.Add(range);
        }
    }
}
