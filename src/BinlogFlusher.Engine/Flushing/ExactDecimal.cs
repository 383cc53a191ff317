using System;
using System.Text.RegularExpressions;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>
    /// A DECIMAL chunk key value as the server writes it, every digit kept: DECIMAL holds up to 65 digits, and
    /// System.Decimal 28-29 (it rounds past them and overflows beyond its range), so a bound read into it could move
    /// rows from one chunk to another. Bound back as this text cast to the column's type (<see cref="ChunkKeySql"/>).
    /// </summary>
    sealed class ExactDecimal : IEquatable<ExactDecimal>
    {
        static readonly Regex Number = new Regex(@"^-?[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant);

        public ExactDecimal(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            if (!Number.IsMatch(text)) throw new FormatException($"'{text}' is not a DECIMAL value.");
            Text = text;
        }

        /// <summary>[-]digits[.digits], as the server's DECIMAL text (zero-padded for a ZEROFILL column).</summary>
        public string Text { get; }

        public override string ToString() => Text;
        public bool Equals(ExactDecimal? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);
        public override bool Equals(object? obj) => Equals(obj as ExactDecimal);
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
    }
}
