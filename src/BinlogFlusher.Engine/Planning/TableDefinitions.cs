using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Planning
{
    /// <summary>The two definitions a flush creates: the logged CREATE TABLE consumers see, and the unlogged BLACKHOLE twin.</summary>
    public static class TableDefinitions
    {
        static readonly Regex ForeignKeyLine = new Regex(@"^\s*(CONSTRAINT\s+`(?:[^`]|``)*`\s+)?FOREIGN\s+KEY\b", RegexOptions.IgnoreCase);
        static readonly Regex NamedCheck = new Regex(@"^(\s*)CONSTRAINT\s+`(?:[^`]|``)*`\s+(CHECK\b)", RegexOptions.IgnoreCase);

        /// <summary>
        /// SHOW CREATE TABLE without its FOREIGN KEY clauses (their names are schema-wide and still held by the backup,
        /// and consumers must not check them against the copy) and, where CHECK names are schema-wide, without those names.
        /// The table name stays unqualified: it is issued after USE so consumers see the table's own default database.
        /// </summary>
        public static string LoggedCreateTable(string showCreateTable, bool checkNamesAreSchemaWide)
        {
            var lines = showCreateTable.Replace("\r\n", "\n").Split('\n');
            if (lines.Length < 3 || !lines[0].StartsWith("CREATE TABLE ", StringComparison.OrdinalIgnoreCase))
                throw new FlushException(FlushErrorKind.ServerError, "Unexpected SHOW CREATE TABLE output: " + lines[0]);
            var close = Array.FindIndex(lines, 1, line => line.StartsWith(")", StringComparison.Ordinal));
            if (close < 0) throw new FlushException(FlushErrorKind.ServerError, "Unexpected SHOW CREATE TABLE output: no closing parenthesis.");
            var definitions = new List<string>();
            for (var i = 1; i < close; i++)
            {
                var line = lines[i].TrimEnd();
                if (line.EndsWith(",", StringComparison.Ordinal)) line = line.Substring(0, line.Length - 1);
                if (ForeignKeyLine.IsMatch(line)) continue;
                if (checkNamesAreSchemaWide) line = NamedCheck.Replace(line, "$1$2");
                definitions.Add(line);
            }
            return lines[0] + "\n" + string.Join(",\n", definitions) + "\n" + string.Join("\n", lines.Skip(close));
        }

        /// <summary>The BLACKHOLE twin: every column (generated ones as plain columns of the same type), no index, no key, no partitioning.</summary>
        public static string BlackholeTwin(TableInfo table)
        {
            var columns = table.Columns.OrderBy(c => c.Ordinal).Select(c =>
                "  " + SqlText.Identifier(c.Name) + " " + c.ColumnType
                + (c.CharacterSet is null ? "" : " CHARACTER SET " + SqlText.Identifier(c.CharacterSet))
                + (c.Collation is null ? "" : " COLLATE " + SqlText.Identifier(c.Collation))
                + (c.IsNullable ? " NULL" : " NOT NULL"));
            return "CREATE TABLE " + SqlText.Qualified(table.Schema, table.Name) + " (\n" + string.Join(",\n", columns) + "\n) ENGINE=BLACKHOLE";
        }
    }
}
