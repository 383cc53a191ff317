using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// A logged statement that creates or changes tables (CREATE, ALTER, DROP, TRUNCATE or RENAME TABLE, CREATE or DROP
    /// INDEX): its kind and the tables it names, each under its own schema or the event's default one. The binlog holds
    /// statements as they were typed, so names may be qualified or not, backquoted or not.
    /// </summary>
    sealed class TableStatement
    {
        const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline;
        /// <summary>Spaces and comments before the statement: a client may send its own comment first.</summary>
        const string Lead = @"^(?:\s|/\*.*?\*/|(?:#|--\s)[^\n]*\n)*";
        const string Part = @"(?:`(?:[^`]|``)+`|[\w$]+)";
        const string CreateTableKind = "CREATE TABLE";

        static readonly Regex Name = new Regex(@"\G\s*(?:(?<schema>" + Part + @")\s*\.\s*)?(?<table>" + Part + ")", Options);
        /// <summary>What goes between the names of DROP TABLE a, b and RENAME TABLE a TO b, c TO d.</summary>
        static readonly Regex Between = new Regex(@"\G\s*(?:,|TO\b)", Options);

        /// <summary>
        /// How each kind starts, up to its first table name, and whether more names follow. TEMPORARY tables are left out:
        /// they are their session's own, and a flushed table of the same name is not changed.
        /// </summary>
        static readonly (Regex Head, string Kind, bool List)[] Kinds =
        {
            (new Regex(Lead + @"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?", Options), CreateTableKind, false),
            (new Regex(Lead + @"ALTER\s+(?:(?:ONLINE|OFFLINE)\s+)?(?:IGNORE\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?", Options), "ALTER TABLE", false),
            (new Regex(Lead + @"DROP\s+TABLES?\s+(?:IF\s+EXISTS\s+)?", Options), "DROP TABLE", true),
            (new Regex(Lead + @"TRUNCATE\s+(?:TABLE\s+)?", Options), "TRUNCATE TABLE", false),
            (new Regex(Lead + @"RENAME\s+TABLES?\s+(?:IF\s+EXISTS\s+)?", Options), "RENAME TABLE", true),
            (new Regex(Lead + @"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:ONLINE|OFFLINE)\s+)?(?:(?:UNIQUE|FULLTEXT|SPATIAL)\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?" + Part + @"(?:\s+USING\s+\w+)?\s+ON\s+", Options), "CREATE INDEX", false),
            (new Regex(Lead + @"DROP\s+(?:(?:ONLINE|OFFLINE)\s+)?INDEX\s+(?:IF\s+EXISTS\s+)?" + Part + @"\s+ON\s+", Options), "DROP INDEX", false),
        };

        TableStatement(string kind, IReadOnlyList<(string Schema, string Table)> tables)
        {
            Kind = kind;
            Tables = tables;
        }

        /// <summary>"ALTER TABLE", "DROP TABLE", "CREATE INDEX", ...</summary>
        public string Kind { get; }
        public IReadOnlyList<(string Schema, string Table)> Tables { get; }
        public bool CreatesTable => Kind == CreateTableKind;

        /// <summary>The statement's kind and tables, or null when it creates or changes no table (BEGIN, DML, GRANT...).</summary>
        public static TableStatement? Parse(string defaultSchema, string statement)
        {
            foreach (var (head, kind, list) in Kinds)
            {
                var match = head.Match(statement);
                if (!match.Success) continue;
                var tables = new List<(string, string)>();
                var at = match.Index + match.Length;
                while (Name.Match(statement, at) is { Success: true } name)
                {
                    tables.Add((name.Groups["schema"].Success ? Unquote(name.Groups["schema"].Value) : defaultSchema, Unquote(name.Groups["table"].Value)));
                    at = name.Index + name.Length;
                    if (!list || Between.Match(statement, at) is not { Success: true } between) break;
                    at = between.Index + between.Length;
                }
                return tables.Count == 0 ? null : new TableStatement(kind, tables);
            }
            return null;
        }

        static string Unquote(string name) => name.Length > 1 && name[0] == '`' ? name.Substring(1, name.Length - 2).Replace("``", "`") : name;
    }
}
