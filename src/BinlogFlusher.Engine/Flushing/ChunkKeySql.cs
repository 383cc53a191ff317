using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Server;
using MySqlConnector;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>
    /// The chunk walk's SQL over one table's chunk key: the key as a boundary query reads it, and its comparisons with
    /// key values bound as parameters. A DECIMAL column is read as its text and compared with that text cast to the
    /// column's own DECIMAL(p,s), so the server compares decimal to decimal, to the last digit: the driver reads DECIMAL
    /// into System.Decimal (28-29 digits), its MySqlDecimal takes at most 30 digits after the point (MariaDB's columns
    /// up to 38), and a text parameter compared with a DECIMAL column is compared as a double.
    /// </summary>
    sealed class ChunkKeySql
    {
        static readonly Regex PrecisionAndScale = new Regex(@"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)", RegexOptions.CultureInvariant);

        readonly IReadOnlyList<string> names;
        /// <summary>For each column, DECIMAL(p,s) when it is a DECIMAL column, else null.</summary>
        readonly IReadOnlyList<string?> decimalTypes;

        public ChunkKeySql(IReadOnlyList<ColumnInfo> key)
        {
            names = key.Select(c => c.Name).ToList();
            decimalTypes = key.Select(DecimalType).ToList();
        }

        /// <summary>The key's columns, as ORDER BY names them.</summary>
        public string List => SqlText.IdentifierList(names);

        /// <summary>The key's columns as a boundary query selects them: a DECIMAL one as its text.</summary>
        public string Select => string.Join(", ", names.Select((name, i) =>
            decimalTypes[i] is null ? SqlText.Identifier(name) : "CAST(" + SqlText.Identifier(name) + " AS CHAR)"));

        /// <summary>A key as <see cref="Select"/> reads it, a DECIMAL column's text held as an <see cref="ExactDecimal"/>.</summary>
        public List<object?> Read(Row row) =>
            Enumerable.Range(0, names.Count).Select(i => decimalTypes[i] is null || row[i] is null ? row[i] : new ExactDecimal(row.Text(i)!)).ToList();

        /// <summary>The rows after <paramref name="last"/> up to and including <paramref name="upper"/> (null: open at that end).</summary>
        public (string Where, MySqlParameter[] Parameters) Range(IReadOnlyList<object?>? last, IReadOnlyList<object?>? upper)
        {
            var conditions = new List<string>();
            if (last is not null) conditions.Add(After("l"));
            if (upper is not null) conditions.Add(AtOrBefore("u"));
            var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions.Select(c => "(" + c + ")"));
            return (where, Parameters("l", last).Concat(Parameters("u", upper)).ToArray());
        }

        /// <summary>(k0 &gt; @p0) OR (k0 = @p0 AND k1 &gt; @p1) …: the rows after a composite key, in a form every optimizer ranges.</summary>
        public string After(string prefix) => Compare(prefix, ">", ">");

        /// <summary>(k0 &lt; @p0) OR … OR (k0 = @p0 AND … AND kn &lt;= @pn).</summary>
        public string AtOrBefore(string prefix) => Compare(prefix, "<", "<=");

        /// <summary>The values of a key, @prefix0, @prefix1 …, a DECIMAL column's as its exact text.</summary>
        public MySqlParameter[] Parameters(string prefix, IReadOnlyList<object?>? values) => values is null
            ? Array.Empty<MySqlParameter>()
            : values.Select((v, i) => new MySqlParameter(Name(prefix, i), decimalTypes[i] is null ? v : DecimalText(v))).ToArray();

        string Compare(string prefix, string strict, string last)
        {
            var terms = new List<string>();
            for (var i = 0; i < names.Count; i++)
            {
                var parts = new StringBuilder();
                for (var j = 0; j < i; j++) parts.Append(SqlText.Identifier(names[j])).Append(" = ").Append(Value(prefix, j)).Append(" AND ");
                var op = i == names.Count - 1 ? last : strict;
                parts.Append(SqlText.Identifier(names[i])).Append(' ').Append(op).Append(' ').Append(Value(prefix, i));
                terms.Add("(" + parts + ")");
            }
            return string.Join(" OR ", terms);
        }

        /// <summary>The parameter as the column compares it.</summary>
        string Value(string prefix, int column) =>
            decimalTypes[column] is { } type ? "CAST(" + Name(prefix, column) + " AS " + type + ")" : Name(prefix, column);

        static string Name(string prefix, int column) => "@" + prefix + column.ToString(CultureInfo.InvariantCulture);

        static object? DecimalText(object? value) => value switch
        {
            null => null,
            ExactDecimal exact => exact.Text,
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };

        /// <summary>DECIMAL(p,s) from the column's type as information_schema gives it ("decimal(40,10) unsigned"), built from its numbers alone.</summary>
        static string? DecimalType(ColumnInfo column)
        {
            if (!column.DataType.Equals("decimal", StringComparison.OrdinalIgnoreCase) && !column.DataType.Equals("numeric", StringComparison.OrdinalIgnoreCase)) return null;
            var match = PrecisionAndScale.Match(column.ColumnType);
            // information_schema always writes both; a bare DECIMAL is DECIMAL(10,0) on every server.
            var precision = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 10;
            var scale = match.Success && match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
            return "DECIMAL(" + precision.ToString(CultureInfo.InvariantCulture) + "," + scale.ToString(CultureInfo.InvariantCulture) + ")";
        }
    }
}
