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
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' is not a BinlogFlusher journal ({exception.Message}). Give the file a flush wrote, or use {FrontEnd.Of(FlushOption.Discover)}.", exception);
            }
            if (journal is null || journal.Tool != "BinlogFlusher" || string.IsNullOrEmpty(journal.Host) || journal.Port <= 0)
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' is not a BinlogFlusher journal (no tool, host or port). Give the file a flush wrote, or use {FrontEnd.Of(FlushOption.Discover)}.");
            if (journal.Format > CurrentFormat)
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' has format {journal.Format}, newer than this module understands ({CurrentFormat}). Update BinlogFlusher.");
            foreach (var table in journal.Tables)
            {
                if (string.IsNullOrEmpty(table.Schema) || string.IsNullOrEmpty(table.Table) || string.IsNullOrEmpty(table.BackupTable))
                    throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' has a table entry without schema, table or backup name. Restore with {FrontEnd.Of(FlushOption.Discover)} instead.");
            }
            return journal;
        }

        public static FlushJournal Load(string path)
        {
            if (!File.Exists(path)) throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' does not exist. Give the path the flush reported, or use {FrontEnd.Of(FlushOption.Discover)}.");
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
}
