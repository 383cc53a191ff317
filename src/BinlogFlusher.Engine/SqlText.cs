using System;
using System.Collections.Generic;
using System.Linq;

namespace BinlogFlusher.Engine
{
    /// <summary>Quoting for everything that reaches SQL text: identifiers and string literals.</summary>
    public static class SqlText
    {
        /// <summary>`name` with every backtick doubled. Rejects what no server accepts, so the SQL stays well-formed.</summary>
        public static string Identifier(string name)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            if (name.Length == 0) throw new ArgumentException("An identifier cannot be empty.", nameof(name));
            if (name.IndexOf('\0') >= 0) throw new ArgumentException("An identifier cannot contain a NUL character.", nameof(name));
            return "`" + name.Replace("`", "``") + "`";
        }

        /// <summary>`schema`.`table`.</summary>
        public static string Qualified(string schema, string table) => Identifier(schema) + "." + Identifier(table);

        /// <summary>A comma-separated list of quoted identifiers.</summary>
        public static string IdentifierList(IEnumerable<string> names) => string.Join(", ", names.Select(Identifier));

        /// <summary>'text' as a string literal, safe whatever sql_mode says about backslashes.</summary>
        public static string Literal(string value)
        {
            if (value is null) throw new ArgumentNullException(nameof(value));
            // Hex literal: immune to NO_BACKSLASH_ESCAPES and to the connection charset; _utf8mb4 keeps it text.
            var bytes = System.Text.Encoding.UTF8.GetBytes(value);
            if (bytes.Length == 0) return "''";
            return "_utf8mb4 X'" + BitConverter.ToString(bytes).Replace("-", "") + "'";
        }

        /// <summary>
        /// 'text' as a plain quoted string, for the statements whose grammar takes nothing else (SHOW BINLOG EVENTS IN,
        /// a MariaDB connection name). Backslashes and control characters are refused: their meaning depends on sql_mode.
        /// </summary>
        public static string PlainLiteral(string value)
        {
            if (value is null) throw new ArgumentNullException(nameof(value));
            if (value.Any(c => c == '\\' || char.IsControl(c))) throw new ArgumentException($"'{value}' has a backslash or control character; it cannot be written as a plain string literal.", nameof(value));
            return "'" + value.Replace("'", "''") + "'";
        }

        /// <summary>The LIKE pattern that matches <paramref name="prefix"/> literally, followed by anything.</summary>
        public static string LikePrefix(string prefix) => prefix.Replace("\\", "\\\\").Replace("_", "\\_").Replace("%", "\\%") + "%";
    }
}
