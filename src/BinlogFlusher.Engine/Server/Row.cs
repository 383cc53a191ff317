using System;
using System.Collections.Generic;
using System.Data.Common;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>One result row; missing columns read as null.</summary>
    public sealed class Row
    {
        readonly Dictionary<string, object?> values;
        readonly List<object?> ordered;

        Row(Dictionary<string, object?> values, List<object?> ordered)
        {
            this.values = values;
            this.ordered = ordered;
        }

        internal static Row From(DbDataReader reader)
        {
            var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            var ordered = new List<object?>(reader.FieldCount);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                ordered.Add(value);
                var name = reader.GetName(i);
                if (!values.ContainsKey(name)) values[name] = value;
            }
            return new Row(values, ordered);
        }

        public object? this[string column] => values.TryGetValue(column, out var value) ? value : null;
        public object? this[int index] => ordered[index];
        public int Count => ordered.Count;

        public string? Text(string column) => AsText(this[column]);
        public string? Text(int index) => AsText(this[index]);

        static string? AsText(object? value) => value switch
        {
            null => null,
            byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
            var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
        };

        public long Long(string column) => this[column] is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        public bool Yes(string column) => string.Equals(Text(column), "Yes", StringComparison.OrdinalIgnoreCase);
    }
}
