using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// Orders chunk keys as the binlog reader decodes them: numbers by value (whatever their .NET type), decimals the
    /// reader keeps as text by value, temporal values by time, strings and bytes as text without regard to case (close
    /// to the server's usual collations; the verifier compares chunk boundaries, not every row).
    /// </summary>
    public sealed class KeyComparer : IComparer<IReadOnlyList<object?>>
    {
        public static readonly KeyComparer Instance = new KeyComparer();

        public int Compare(IReadOnlyList<object?>? x, IReadOnlyList<object?>? y)
        {
            if (x is null || y is null) return x is null ? (y is null ? 0 : -1) : 1;
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                var order = CompareValues(x[i], y[i]);
                if (order != 0) return order;
            }
            return x.Count.CompareTo(y.Count);
        }

        public static int CompareValues(object? a, object? b)
        {
            if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
            if (AsDecimal(a) is { } da && AsDecimal(b) is { } db) return da.CompareTo(db);
            if (IsFloating(a) && IsFloating(b)) return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
            if (a is DateTimeOffset oa && b is DateTimeOffset ob) return oa.CompareTo(ob);
            if (a is DateTime ta && b is DateTime tb) return ta.CompareTo(tb);
            return string.Compare(Text(a), Text(b), CultureInfo.InvariantCulture, CompareOptions.IgnoreCase);
        }

        /// <summary>A key as an operator reads it: (1, 'abc').</summary>
        public static string Describe(IReadOnlyList<object?> key) =>
            "(" + string.Join(", ", key.Select(v => v switch
            {
                null => "NULL",
                byte[] or string => "'" + Text(v) + "'",
                _ => Text(v),
            })) + ")";

        static decimal? AsDecimal(object value) => value switch
        {
            long l => l,
            ulong u => u,
            int i => i,
            uint u => u,
            short s => s,
            ushort s => s,
            sbyte s => s,
            byte b => b,
            decimal d => d,
            string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };

        static bool IsFloating(object value) => value is float or double || AsDecimal(value) is not null;

        static string Text(object value) => value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            DateTimeOffset offset => offset.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
            DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }
}
