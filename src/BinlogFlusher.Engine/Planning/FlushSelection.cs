using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Planning
{
    /// <summary>Which tables a run takes: -Database and -Table wildcards ('table' or 'db.table'), -ExcludeDatabase on top of the system schemas.</summary>
    public sealed class FlushSelection
    {
        public IReadOnlyList<string> Databases { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> Tables { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> ExcludeDatabases { get; set; } = Array.Empty<string>();
        /// <summary>Tables to leave out ('table' or 'db.table', wildcards), applied after Databases and Tables.</summary>
        public IReadOnlyList<string> ExcludeTables { get; set; } = Array.Empty<string>();

        public bool Includes(TableInfo table)
        {
            if (ServerInspector.SystemSchemas.Contains(table.Schema, StringComparer.OrdinalIgnoreCase)) return false;
            if (ExcludeDatabases.Any(pattern => Matches(pattern, table.Schema))) return false;
            if (Databases.Count > 0 && !Databases.Any(pattern => Matches(pattern, table.Schema))) return false;
            if (ExcludeTables.Any(pattern => MatchesTable(pattern, table))) return false;
            if (Tables.Count == 0) return true;
            return Tables.Any(pattern => MatchesTable(pattern, table));
        }

        /// <summary>
        /// The -Database, -Table and -ExcludeTable names that match no table of the server (system schemas aside), each
        /// as "-Database 'x'", split into plain names (a typo, or a table that is gone) and wildcards. A mistyped exclusion
        /// would flush the very table it meant to leave out.
        /// </summary>
        public (IReadOnlyList<string> Plain, IReadOnlyList<string> Wildcards) Unmatched(IReadOnlyCollection<TableInfo> tables)
        {
            var user = tables.Where(t => !ServerInspector.SystemSchemas.Contains(t.Schema, StringComparer.OrdinalIgnoreCase)).ToList();
            var inDatabases = user.Where(t => Databases.Count == 0 || Databases.Any(pattern => Matches(pattern, t.Schema))).ToList();
            var missing = Databases.Where(p => !user.Any(t => Matches(p, t.Schema))).Select(p => (Pattern: p, Text: $"{FrontEnd.Of(FlushOption.Database)} '{p}'"))
                .Concat(Tables.Where(p => !inDatabases.Any(t => MatchesTable(p, t))).Select(p => (Pattern: p, Text: $"{FrontEnd.Of(FlushOption.Table)} '{p}'")))
                .Concat(ExcludeTables.Where(p => !inDatabases.Any(t => MatchesTable(p, t))).Select(p => (Pattern: p, Text: $"{FrontEnd.Of(FlushOption.ExcludeTable)} '{p}'"))).ToList();
            return (missing.Where(m => !IsWildcard(m.Pattern)).Select(m => m.Text).ToList(), missing.Where(m => IsWildcard(m.Pattern)).Select(m => m.Text).ToList());
        }

        static bool IsWildcard(string pattern) => pattern.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

        static bool MatchesTable(string pattern, TableInfo table)
        {
            // 'db.table' names both; a table name that itself holds a dot is matched whole too.
            var dot = pattern.IndexOf('.');
            if (dot > 0 && Matches(pattern.Substring(0, dot), table.Schema) && Matches(pattern.Substring(dot + 1), table.Name)) return true;
            return Matches(pattern, table.Name);
        }

        /// <summary>PowerShell-style wildcards (*, ?, [a-z]); case-insensitive, as PowerShell users expect.</summary>
        public static bool Matches(string pattern, string value) => ToRegex(pattern).IsMatch(value);

        static Regex ToRegex(string pattern)
        {
            var builder = new StringBuilder("^");
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                switch (c)
                {
                    case '*': builder.Append(".*"); break;
                    case '?': builder.Append('.'); break;
                    case '`' when i + 1 < pattern.Length: builder.Append(Regex.Escape(pattern[++i].ToString())); break;
                    case '[':
                        var close = pattern.IndexOf(']', i + 1);
                        if (close > i + 1) { builder.Append('[').Append(pattern.Substring(i + 1, close - i - 1).Replace("\\", "\\\\")).Append(']'); i = close; }
                        else builder.Append("\\[");
                        break;
                    default: builder.Append(Regex.Escape(c.ToString())); break;
                }
            }
            return new Regex(builder.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
    }
}
