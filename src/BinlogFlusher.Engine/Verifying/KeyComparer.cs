using System;
using System.Collections.Generic;
using System.Numerics;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// Orders and matches chunk keys held in <see cref="KeyColumn"/>'s comparable forms, column after column: numbers
    /// by value, date text by character, bytes byte by byte. Not for collated text, which only the server orders
    /// (<see cref="TableKey.AboveAsync"/>); equality is exact for every form, text included, as the same row's key is
    /// the same bytes wherever it is logged.
    /// </summary>
    sealed class KeyComparer : IComparer<IReadOnlyList<object?>>, IEqualityComparer<object?[]>
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

        static int CompareValues(object? a, object? b) => (a, b) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (decimal x, decimal y) => x.CompareTo(y),
            (BigInteger x, BigInteger y) => x.CompareTo(y),
            (long x, long y) => x.CompareTo(y),
            (string x, string y) => string.CompareOrdinal(x, y),
            (byte[] x, byte[] y) => CompareBytes(x, y),
            _ => throw new InvalidOperationException($"Key values of types {a.GetType().Name} and {b.GetType().Name} are not ordered on the client."),
        };

        /// <summary>Byte by byte; a prefix first, as the server orders binary strings.</summary>
        static int CompareBytes(byte[] x, byte[] y)
        {
            for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
                if (x[i] != y[i]) return x[i].CompareTo(y[i]);
            return x.Length.CompareTo(y.Length);
        }

        public bool Equals(object?[]? x, object?[]? y)
        {
            if (x is null || y is null) return x is null && y is null;
            if (x.Length != y.Length) return false;
            for (var i = 0; i < x.Length; i++)
                if (!ValueEquals(x[i], y[i])) return false;
            return true;
        }

        static bool ValueEquals(object? a, object? b) => a is byte[] x && b is byte[] y ? CompareBytes(x, y) == 0 : Equals(a, b);

        public int GetHashCode(object?[] key)
        {
            var hash = 17;
            foreach (var value in key) hash = unchecked(hash * 31 + ValueHash(value));
            return hash;
        }

        static int ValueHash(object? value)
        {
            if (value is not byte[] bytes) return value?.GetHashCode() ?? 0;
            var hash = bytes.Length;
            foreach (var b in bytes) hash = unchecked(hash * 31 + b);
            return hash;
        }
    }
}
