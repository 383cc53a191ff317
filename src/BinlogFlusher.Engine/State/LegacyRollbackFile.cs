using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BinlogFlusher.Engine.State
{
    /// <summary>
    /// The old tool's rollback file: one line "_BKTB_1,tablename" per table it renamed (no schema: the schema is found on
    /// the server, as the one that holds the backup table). A line that is not of that form is refused by its number and
    /// what is wrong with it, never echoed: a file given by mistake can hold anything, a password included.
    /// </summary>
    public static class LegacyRollbackFile
    {
        /// <summary>MySQL's longest table name.</summary>
        const int MaxNameLength = 64;

        /// <summary>"_BKTB_&lt;n&gt;,&lt;table&gt; lines", as messages describe the file.</summary>
        public const string Form = StateJournalSchema.LegacyBackupPrefix + "<n>,<table> lines";

        /// <summary>
        /// The old tool's lines, or null when the file is not a rollback file (no line starts with _BKTB_, or it is JSON).
        /// A rollback file with a line the old tool does not write is refused (StateFileInvalid).
        /// </summary>
        public static List<(string Backup, string Table)>? TryRead(string path)
        {
            var lines = File.ReadAllLines(path);
            if (!Looks(lines)) return null;
            var entries = new List<(string, string)>();
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0) continue;
                if (Problem(line) is { } problem)
                    throw new FlushException(FlushErrorKind.StateFileInvalid,
                        $"The rollback file '{path}' has a line the old tool does not write: line {i + 1} {problem} (each line is {StateJournalSchema.LegacyBackupPrefix}<n>,<table>). Nothing was changed. Correct that line, or use {FrontEnd.Of(FlushOption.Discover)}.");
                var comma = line.IndexOf(',');
                entries.Add((line.Substring(0, comma).TrimEnd(), line.Substring(comma + 1).TrimStart()));
            }
            return entries;
        }

        /// <summary>The old tool's file rather than JSON: it does not start with '{' and a line starts with _BKTB_.</summary>
        internal static bool Looks(IReadOnlyList<string> lines)
        {
            var first = lines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
            return first is not null && !first.StartsWith("{", StringComparison.Ordinal)
                && lines.Any(l => l.TrimStart().StartsWith(StateJournalSchema.LegacyBackupPrefix, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>What is wrong with one (trimmed, non-empty) line, as "has no comma ..."; null when it is one the old tool writes.</summary>
        internal static string? Problem(string line)
        {
            var prefix = StateJournalSchema.LegacyBackupPrefix;
            if (!line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return $"does not start with {prefix}";
            var comma = line.IndexOf(',');
            if (comma < 0) return "has no comma between the backup table and the table";
            var backup = line.Substring(0, comma).TrimEnd();
            var table = line.Substring(comma + 1).TrimStart();
            if (backup.Length == prefix.Length) return $"has no number after {prefix}";
            if (backup.Length > MaxNameLength) return $"names a backup table longer than {MaxNameLength} characters";
            if (table.Length == 0) return "has no table name after the comma";
            if (table.Length > MaxNameLength) return $"names a table longer than {MaxNameLength} characters";
            return null;
        }
    }
}
