using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using BinlogFlusher.Engine.Server;

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
        /// <summary>The chunk key columns and the last key whose chunk committed (resume point).</summary>
        public List<string>? ChunkKeyColumns { get; set; }
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
    }

    /// <summary>One run's stretch of the binlog; a resumed snapshot is the union of its runs' ranges.</summary>
    public sealed class BinlogRange
    {
        public BinlogCoordinates? Start { get; set; }
        public BinlogCoordinates? End { get; set; }
        public override string ToString() => $"{Start} .. {End}";
    }

    /// <summary>A key value with its type, so a resume binds exactly what the server returned.</summary>
    public sealed class KeyValue
    {
        public string Type { get; set; } = "";
        public string? Value { get; set; }
    }

    /// <summary>The state file: everything needed to put a host back, rewritten atomically before every change of phase. No password.</summary>
    public sealed class FlushJournal
    {
        public const int CurrentFormat = 1;

        public int Format { get; set; } = CurrentFormat;
        public string Tool { get; set; } = "BinlogFlusher";
        public string RunId { get; set; } = "";
        public string Host { get; set; } = "";
        public int Port { get; set; }
        public long ServerId { get; set; }
        public string? ServerUuid { get; set; }
        public DateTimeOffset StartedAt { get; set; }
        public string Status { get; set; } = "Running";
        public BinlogCoordinates? BinlogStart { get; set; }
        public BinlogCoordinates? BinlogEnd { get; set; }
        public int? GtidDomainId { get; set; }
        public string? ReplicationBefore { get; set; }
        public bool ReplicationStoppedByRun { get; set; }
        /// <summary>The channels (MariaDB connections) whose SQL thread this run stopped: the only ones it starts again.</summary>
        public List<string> ChannelsStoppedByRun { get; set; } = new List<string>();
        /// <summary>read_only before the run turned it ON ("OFF"), or null when the run did not change it.</summary>
        public string? ReadOnlyBefore { get; set; }
        /// <summary>Where replication had applied to when the tables were read: a resume refuses if it moved.</summary>
        public string? ReplicationPosition { get; set; }
        public List<BinlogRange> BinlogRanges { get; set; } = new List<BinlogRange>();
        /// <summary>The server's connection ids the run used: after a kill -9 their statements may still run on the server.</summary>
        public List<long> ConnectionIds { get; set; } = new List<long>();
        /// <summary>When the server last started (Unix seconds): connection ids are only meaningful within one server lifetime.</summary>
        public long ServerStartedAt { get; set; }
        public List<JournalTable> Tables { get; set; } = new List<JournalTable>();

        static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

        public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

        /// <summary>Written straight to the stream as UTF-8: no string of the whole journal for every write.</summary>
        public void WriteJson(Stream stream) => JsonSerializer.Serialize(stream, this, JsonOptions);

        public static FlushJournal FromJson(string json, string path)
        {
            FlushJournal? journal;
            try { journal = JsonSerializer.Deserialize<FlushJournal>(json, JsonOptions); }
            catch (JsonException exception)
            {
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' is not a BinlogFlusher journal ({exception.Message}). Give the file Invoke-BinlogFlush wrote, or use -Discover.", exception);
            }
            if (journal is null || journal.Tool != "BinlogFlusher" || string.IsNullOrEmpty(journal.Host) || journal.Port <= 0)
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' is not a BinlogFlusher journal (no tool, host or port). Give the file Invoke-BinlogFlush wrote, or use -Discover.");
            if (journal.Format > CurrentFormat)
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' has format {journal.Format}, newer than this module understands ({CurrentFormat}). Update BinlogFlusher.");
            foreach (var table in journal.Tables)
            {
                if (string.IsNullOrEmpty(table.Schema) || string.IsNullOrEmpty(table.Table) || string.IsNullOrEmpty(table.BackupTable))
                    throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' has a table entry without schema, table or backup name. Restore with -Discover instead.");
            }
            return journal;
        }

        public static FlushJournal Load(string path)
        {
            if (!File.Exists(path)) throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' does not exist. Give the path Invoke-BinlogFlush reported, or use -Discover.");
            return FromJson(File.ReadAllText(path, Encoding.UTF8), path);
        }

        /// <summary>
        /// The old tool's rollback file: lines "_BKTB_1,tablename" (no schema). The schema is found on the server:
        /// the schema that holds the backup table.
        /// </summary>
        public static bool TryReadLegacyRollbackFile(string path, out List<(string Backup, string Table)> entries)
        {
            entries = new List<(string, string)>();
            foreach (var raw in File.ReadAllLines(path))
            {
                var line = raw.Trim();
                if (line.Length == 0) continue;
                var comma = line.IndexOf(',');
                if (comma <= 0 || !line.StartsWith(StateJournalSchema.LegacyBackupPrefix, StringComparison.OrdinalIgnoreCase)) return false;
                entries.Add((line.Substring(0, comma), line.Substring(comma + 1)));
            }
            return entries.Count > 0;
        }
    }

    /// <summary>Writes the journal atomically: a temp file beside it, flushed to disk, renamed over it.</summary>
    public sealed class JournalFile
    {
        readonly object gate = new object();

        public JournalFile(string path, FlushJournal journal)
        {
            Path = System.IO.Path.GetFullPath(path);
            Journal = journal;
        }

        public string Path { get; }
        public FlushJournal Journal { get; }

        /// <summary>How many times the file was written (a figure for the benchmark).</summary>
        public int Writes { get; private set; }

        /// <summary>
        /// Every write leaves at least this much room after the JSON (spaces, which JSON allows), so that a last write in
        /// place still fits on a disk that filled during the run.
        /// </summary>
        const int ReserveBytes = 4096;

        static void Pad(Stream stream, long length)
        {
            var spaces = new byte[4096];
            for (var i = 0; i < spaces.Length; i++) spaces[i] = (byte)' ';
            while (stream.Position < length) stream.Write(spaces, 0, (int)Math.Min(spaces.Length, length - stream.Position));
        }

        /// <summary>The file holds an earlier state than the journal: its last write failed (a full disk, a lost permission).</summary>
        public bool Stale { get; private set; }

        /// <summary>
        /// Changes the journal under a lock and writes it before returning. The first write that fails stops the run
        /// (FlushErrorKind.StateFileWriteFailed); while the run then puts its tables back, later failures are only
        /// remembered (Stale): the server's own record has every phase, and the put-back must not wait on the file.
        /// </summary>
        public void Update(Action<FlushJournal> change)
        {
            lock (gate)
            {
                change(Journal);
                try
                {
                    Write();
                    Stale = false;
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    var first = !Stale && WriteFailure is null;
                    Stale = true;
                    WriteFailure ??= exception;
                    if (first)
                        throw new FlushException(FlushErrorKind.StateFileWriteFailed,
                            $"the state file '{Path}' could not be written ({exception.Message}), so the run was stopped: it is what a restore after a crash reads", exception);
                }
            }
        }

        /// <summary>The first write that failed, if one did.</summary>
        public Exception? WriteFailure { get; private set; }

        /// <summary>
        /// After a failed write: the journal written over the file in place, which needs no room for a temp file
        /// beside it (not atomic, so only at the end of a run). True when the file is current.
        /// </summary>
        public bool TryWriteInPlace()
        {
            lock (gate)
            {
                if (!Stale) return true;
                try
                {
                    using (var buffer = new MemoryStream())
                    {
                        Journal.WriteJson(buffer);
                        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
                        var reserved = stream.Length;
                        buffer.Position = 0;
                        buffer.CopyTo(stream);
                        Pad(stream, reserved);
                        stream.Flush(flushToDisk: true);
                    }
                    Writes++;
                    Stale = false;
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Still stale: the caller says so and points at the server's record.
                }
                return !Stale;
            }
        }

        public void Write()
        {
            lock (gate)
            {
                var temp = Path + ".tmp-" + Environment.CurrentManagedThreadId;
                try
                {
                    using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
                    {
                        Journal.WriteJson(stream);
                        Pad(stream, (stream.Length / ReserveBytes + 2) * ReserveBytes);
                        stream.Flush(flushToDisk: true);
                    }
                    Writes++;
                    if (File.Exists(Path)) File.Replace(temp, Path, null);
                    else File.Move(temp, Path);
                }
                catch (Exception) when (File.Exists(temp))
                {
                    // A full disk, a lost permission, a folder in the way: no half-written temp file is left behind.
                    File.Delete(temp);
                    throw;
                }
            }
        }
    }
}
