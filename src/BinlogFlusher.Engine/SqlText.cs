using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

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

        const string TextIntroducer = "_utf8mb4 X'";

        /// <summary>
        /// A statement as a person reads it (the verbose log): each text literal <see cref="Literal"/> wrote as hex is
        /// shown as the quoted text it stands for, with ' doubled and backslashes and \n, \r, \t, \0, \b, \Z escaped as
        /// MySQL reads them under the default sql_mode. Bytes that are not UTF-8, or text with other control characters,
        /// stay hex. Only for showing: the statement sent keeps its hex literals.
        /// </summary>
        public static string Readable(string sql)
        {
            if (sql.IndexOf(TextIntroducer, StringComparison.Ordinal) < 0) return sql;
            var readable = new StringBuilder(sql.Length);
            var i = 0;
            while (i < sql.Length)
            {
                var c = sql[i];
                if (c == '_' && string.CompareOrdinal(sql, i, TextIntroducer, 0, TextIntroducer.Length) == 0 && (i == 0 || !IsWordCharacter(sql[i - 1])))
                {
                    var start = i + TextIntroducer.Length;
                    var close = sql.IndexOf('\'', start);
                    if (close > 0 && ReadableText(sql.Substring(start, close - start)) is { } quoted)
                    {
                        readable.Append(quoted);
                        i = close + 1;
                        continue;
                    }
                }
                // Identifiers and other literals as they are: what looks like a hex literal inside them is not one.
                var end = c == '`' || c == '\'' || c == '"' ? QuotedEnd(sql, i) : i + 1;
                readable.Append(sql, i, end - i);
                i = end;
            }
            return readable.ToString();
        }

        static bool IsWordCharacter(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$';

        /// <summary>The index after the quote that closes the one at <paramref name="open"/> (a doubled quote, or one after a backslash in a string, does not close).</summary>
        static int QuotedEnd(string sql, int open)
        {
            var quote = sql[open];
            for (var i = open + 1; i < sql.Length; i++)
            {
                if (quote != '`' && sql[i] == '\\') i++;
                else if (sql[i] == quote)
                {
                    if (i + 1 < sql.Length && sql[i + 1] == quote) i++;
                    else return i + 1;
                }
            }
            return sql.Length;
        }

        static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>'text' for the hex digits of UTF-8 text; null when they are not that, or hold a control character MySQL has no escape for.</summary>
        static string? ReadableText(string hex)
        {
            if (hex.Length % 2 != 0) return null;
            var bytes = new byte[hex.Length / 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                if (!byte.TryParse(hex.Substring(i * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i])) return null;
            }
            string text;
            try
            {
                text = StrictUtf8.GetString(bytes);
            }
            catch (ArgumentException)
            {
                return null;
            }
            var quoted = new StringBuilder(text.Length + 2).Append('\'');
            foreach (var c in text)
            {
                switch (c)
                {
                    case '\'': quoted.Append("''"); break;
                    case '\\': quoted.Append(@"\\"); break;
                    case '\0': quoted.Append(@"\0"); break;
                    case '\n': quoted.Append(@"\n"); break;
                    case '\r': quoted.Append(@"\r"); break;
                    case '\t': quoted.Append(@"\t"); break;
                    case '\b': quoted.Append(@"\b"); break;
                    case '\x1A': quoted.Append(@"\Z"); break;
                    default:
                        if (char.IsControl(c)) return null;
                        quoted.Append(c);
                        break;
                }
            }
            return quoted.Append('\'').ToString();
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
