using System;
using System.Collections.Generic;
using System.Globalization;
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

        /// <summary>
        /// The journal a state file holds. A file that is not one is refused (StateFileInvalid) saying what it was expected
        /// to be and what it is instead, never with its content or the JSON parser's own words.
        /// </summary>
        /// <param name="rollbackFileAccepted">The caller also reads the old tool's rollback file (a restore does, a resume does not).</param>
        public static FlushJournal FromJson(string json, string path, bool rollbackFileAccepted = false)
        {
            FlushJournal? journal;
            try { journal = JsonSerializer.Deserialize<FlushJournal>(json, JsonOptions); }
            catch (JsonException exception)
            {
                throw Invalid(path, WhatItIs(json, exception, rollbackFileAccepted), rollbackFileAccepted, exception);
            }
            if (journal is null || journal.Tool != "BinlogFlusher" || string.IsNullOrEmpty(journal.Host) || journal.Port <= 0)
                throw Invalid(path, "it is JSON, but not a flush's journal (it lacks tool 'BinlogFlusher', a host or a port)", rollbackFileAccepted);
            if (journal.Format > CurrentFormat)
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' has format {journal.Format}, newer than this module understands ({CurrentFormat}). Update BinlogFlusher.");
            foreach (var table in journal.Tables)
            {
                if (string.IsNullOrEmpty(table.Schema) || string.IsNullOrEmpty(table.Table) || string.IsNullOrEmpty(table.BackupTable))
                    throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' has a table entry without schema, table or backup name. Restore with {FrontEnd.Of(FlushOption.Discover)} instead.");
            }
            return journal;
        }

        public static FlushJournal Load(string path, bool rollbackFileAccepted = false)
        {
            if (!File.Exists(path)) throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file '{path}' does not exist. Give the path the flush reported, or use {FrontEnd.Of(FlushOption.Discover)}.");
            return FromJson(File.ReadAllText(path, Encoding.UTF8), path, rollbackFileAccepted);
        }

        static FlushException Invalid(string path, string whatItIs, bool rollbackFileAccepted, Exception? inner = null)
        {
            var expected = rollbackFileAccepted
                ? $"is neither a state file written by a flush nor the old tool's rollback file ({LegacyRollbackFile.Form})"
                : "is not a state file written by a flush";
            var remedy = rollbackFileAccepted
                ? $"Give the state file the flush reported (binlogflush-<host>-<port>-<time>.json), or use {FrontEnd.Of(FlushOption.Discover)}."
                : "Give the state file the interrupted flush reported (binlogflush-<host>-<port>-<time>.json).";
            return new FlushException(FlushErrorKind.StateFileInvalid, $"The file '{path}' {expected}: {whatItIs}. {remedy}", inner);
        }

        /// <summary>What a file that did not read as a journal is, in words: never its content, never the parser's message.</summary>
        static string WhatItIs(string text, JsonException exception, bool rollbackFileAccepted)
        {
            if (text.Trim().Length == 0) return "it is empty";
            var lines = text.Split('\n');
            if (LooksLikeOptionFile(lines)) return "it looks like a MySQL option file (a my.cnf of [section] lines)";
            if (!rollbackFileAccepted && LegacyRollbackFile.Looks(lines))
                return $"it is the old tool's rollback file, which {FrontEnd.Of(FlushCommand.Restore)} reads; only a flush's own state file can be resumed";
            var line = exception.LineNumber is long number ? "line " + (number + 1).ToString(CultureInfo.InvariantCulture) : null;
            if (!IsJson(text)) return EndsEarly(text) ? "it ends before its JSON does (cut off?)" : "it is not JSON" + (line is null ? "" : $" (the first fault is on {line})");
            return "it is JSON, but with a value a state file does not have there" + (line is null ? "" : $" ({line})");
        }

        static bool IsJson(string text)
        {
            try
            {
                using (JsonDocument.Parse(text)) return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>Every token read without a fault, yet the JSON not complete: the text stops part way.</summary>
        static bool EndsEarly(string text)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), isFinalBlock: false, state: default);
            try
            {
                while (reader.Read()) { }
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>A my.cnf: its first line that is not blank or a comment is a [section] header.</summary>
        static bool LooksLikeOptionFile(IEnumerable<string> lines)
        {
            var first = lines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && l[0] != '#' && l[0] != ';');
            return first is not null && first.Length > 2 && first[0] == '[' && first[first.Length - 1] == ']'
                && first.Substring(1, first.Length - 2).All(c => char.IsLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
        }
    }
}
