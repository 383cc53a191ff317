using System;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// One column of a table's chunk key: where it stands in a row image, and its values from the binlog reader
    /// (<see cref="Binlog.RowValueDecoder"/>) and from the journal (<see cref="Flushing.KeyCodec"/>) in one comparable
    /// form each (<see cref="KeyOrdering"/>), which <see cref="KeyComparer"/> orders and <see cref="Sql"/> hands to the server.
    /// </summary>
    sealed class KeyColumn
    {
        static readonly Regex Scale = new Regex(@"\(\s*\d+\s*,\s*(\d+)\s*\)", RegexOptions.CultureInvariant);
        static readonly Regex Length = new Regex(@"\(\s*(\d+)\s*\)", RegexOptions.CultureInvariant);
        static readonly long UnixEpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        KeyColumn(ColumnInfo column, KeyOrdering ordering)
        {
            Name = column.Name;
            Position = column.Ordinal - 1;
            Ordering = ordering;
            CharacterSet = column.CharacterSet;
            Collation = column.Collation;
            // Without the binlog's signedness metadata (MariaDB logs none by default) an unsigned value above the
            // signed maximum reads as negative.
            UnsignedBytes = column.ColumnType.IndexOf("unsigned", StringComparison.OrdinalIgnoreCase) >= 0 ? IntegerColumn.Bytes(column.DataType) : 0;
            DecimalScale = Scale.Match(column.ColumnType) is { Success: true } scale ? int.Parse(scale.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            IsDate = column.DataType == "date";
            // The binlog drops a BINARY(n) value's trailing zero bytes, which pad it: they are dropped from the journal's too.
            FixedBinaryLength = column.DataType == "binary" && Length.Match(column.ColumnType) is { Success: true } length ? int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }

        public string Name { get; }
        /// <summary>The column's index in a row image.</summary>
        public int Position { get; }
        public KeyOrdering Ordering { get; }
        public string? CharacterSet { get; }
        public string? Collation { get; }
        int UnsignedBytes { get; }
        int DecimalScale { get; }
        bool IsDate { get; }
        /// <summary>n of BINARY(n); 0 for other types.</summary>
        int FixedBinaryLength { get; }

        /// <summary>The column as a key column, or null for a type the flush never chunks on.</summary>
        public static KeyColumn? For(ColumnInfo column)
        {
            KeyOrdering? ordering = column.DataType switch
            {
                _ when IntegerColumn.Bytes(column.DataType) > 0 => KeyOrdering.Number,
                "year" => KeyOrdering.Number,
                "decimal" or "numeric" => KeyOrdering.Decimal,
                "date" or "datetime" => KeyOrdering.DateText,
                "time" => KeyOrdering.Time,
                "timestamp" => KeyOrdering.Timestamp,
                "binary" or "varbinary" => KeyOrdering.Bytes,
                "char" or "varchar" when column.CharacterSet is not null && column.Collation is not null => KeyOrdering.Collated,
                _ => null,
            };
            return ordering is { } known ? new KeyColumn(column, known) : null;
        }

        /// <summary>A value as the binlog reader decodes it, in this column's comparable form.</summary>
        public object? FromBinlog(object? value)
        {
            if (value is null) return null;
            switch (Ordering)
            {
                case KeyOrdering.Number:
                    if (UnsignedBytes > 0 && value is long signed && signed < 0)
                        return UnsignedBytes == 8 ? unchecked((ulong)signed) : (decimal)(signed + (1L << (8 * UnsignedBytes)));
                    return Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                case KeyOrdering.Decimal:
                    return Scaled(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "0");
                case KeyOrdering.DateText:
                    return DateText((string)value);
                case KeyOrdering.Time:
                    return Microseconds((string)value);
                case KeyOrdering.Timestamp:
                    return (decimal)(((DateTimeOffset)value).UtcTicks - UnixEpochTicks) / TimeSpan.TicksPerSecond;
                case KeyOrdering.Bytes:
                    return Unpadded((byte[])value);
                default:
                    return value;
            }
        }

        /// <summary>
        /// A value of a journal's key bound in this column's comparable form; a TIMESTAMP is returned as its local text,
        /// which the server converts (<see cref="NeedsServerForJournal"/>).
        /// </summary>
        public object? FromJournal(KeyValue value)
        {
            if (value.Type == "null" || value.Value is null) return null;
            var text = value.Value;
            switch (Ordering)
            {
                case KeyOrdering.Number:
                    return decimal.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                case KeyOrdering.Decimal:
                    return Scaled(text);
                case KeyOrdering.DateText:
                    return DateText(text);
                case KeyOrdering.Time:
                    return TimeSpan.ParseExact(text, "c", CultureInfo.InvariantCulture).Ticks / 10;
                case KeyOrdering.Bytes:
                    return Unpadded(Convert.FromBase64String(text));
                default:
                    // Collated: the text the server returned; Timestamp: its local 'yyyy-MM-dd HH:mm:ss.ffffff'.
                    return text;
            }
        }

        /// <summary>TIMESTAMP bounds are kept as the flush session saw them, in its time zone: the server converts them to seconds.</summary>
        public bool NeedsServerForJournal => Ordering == KeyOrdering.Timestamp;

        /// <summary>The SQL that gives the server a comparable value as this column compares it; the parameter holds <see cref="SqlValue"/>.</summary>
        public string Sql(string parameter) => Ordering switch
        {
            KeyOrdering.Collated => $"CAST({parameter} AS CHAR CHARACTER SET {SqlText.Identifier(CharacterSet!)}) COLLATE {SqlText.Identifier(Collation!)}",
            KeyOrdering.Decimal => $"CAST({parameter} AS DECIMAL(65,0))",
            KeyOrdering.DateText or KeyOrdering.Bytes => $"CAST({parameter} AS BINARY)",
            _ => parameter,
        };

        public static object? SqlValue(object? value) => value is BigInteger big ? big.ToString(CultureInfo.InvariantCulture) : value;

        /// <summary>A value as an operator reads it: numbers bare, text and times quoted, bytes in hex.</summary>
        public string Describe(object? value)
        {
            switch (value)
            {
                case null: return "NULL";
                case byte[] bytes when Ordering == KeyOrdering.Bytes: return "0x" + BitConverter.ToString(bytes.Concat(new byte[Math.Max(0, FixedBinaryLength - bytes.Length)]).ToArray()).Replace("-", "");
                case byte[] bytes: return "'" + Decoding().GetString(bytes) + "'";
                case BigInteger big: return DecimalText(big);
                case long micro when Ordering == KeyOrdering.Time: return "'" + TimeText(micro) + "'";
                case decimal seconds when Ordering == KeyOrdering.Timestamp:
                    var time = new DateTime(UnixEpochTicks + (long)(seconds * TimeSpan.TicksPerSecond), DateTimeKind.Utc);
                    return "'" + time.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture).Replace(".000000", "") + " UTC'";
                case string text when Ordering == KeyOrdering.DateText: return "'" + text.Replace(".000000", "") + "'";
                case string text: return "'" + text + "'";
                default: return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            }
        }

        /// <summary>The decimal's digits times ten to the column's scale: exact whatever its precision (up to 65 digits).</summary>
        BigInteger Scaled(string text)
        {
            text = text.Trim();
            var negative = text.StartsWith("-", StringComparison.Ordinal);
            text = text.TrimStart('-', '+');
            var point = text.IndexOf('.');
            var whole = point < 0 ? text : text.Substring(0, point);
            var fraction = point < 0 ? "" : text.Substring(point + 1);
            fraction = fraction.Length >= DecimalScale ? fraction.Substring(0, DecimalScale) : fraction.PadRight(DecimalScale, '0');
            var digits = BigInteger.Parse((whole.Length == 0 ? "0" : whole) + fraction, NumberStyles.None, CultureInfo.InvariantCulture);
            return negative ? -digits : digits;
        }

        string DecimalText(BigInteger scaled)
        {
            var digits = BigInteger.Abs(scaled).ToString(CultureInfo.InvariantCulture).PadLeft(DecimalScale + 1, '0');
            var text = DecimalScale == 0 ? digits : digits.Substring(0, digits.Length - DecimalScale) + "." + digits.Substring(digits.Length - DecimalScale);
            return (scaled.Sign < 0 ? "-" : "") + text;
        }

        /// <summary>A date as 'yyyy-MM-dd', a datetime with six fractional digits whatever the column's precision, so that their characters order as the values.</summary>
        string DateText(string text)
        {
            if (IsDate) return text.Length > 10 ? text.Substring(0, 10) : text;
            if (text.Length <= 19) return text + ".000000";
            return text.PadRight(26, '0');
        }

        /// <summary>[-]H:MM:SS[.f] (hours up to 838) as microseconds.</summary>
        static long Microseconds(string text)
        {
            var negative = text.StartsWith("-", StringComparison.Ordinal);
            var parts = text.TrimStart('-').Split(':');
            var secondParts = parts[2].Split('.');
            var fraction = secondParts.Length > 1 ? long.Parse(secondParts[1].PadRight(6, '0').Substring(0, 6), CultureInfo.InvariantCulture) : 0;
            var micro = ((long.Parse(parts[0], CultureInfo.InvariantCulture) * 60 + long.Parse(parts[1], CultureInfo.InvariantCulture)) * 60
                         + long.Parse(secondParts[0], CultureInfo.InvariantCulture)) * 1_000_000 + fraction;
            return negative ? -micro : micro;
        }

        static string TimeText(long micro)
        {
            var sign = micro < 0 ? "-" : "";
            micro = Math.Abs(micro);
            var seconds = micro / 1_000_000;
            var text = $"{sign}{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}";
            return micro % 1_000_000 == 0 ? text : text + "." + (micro % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        }

        byte[] Unpadded(byte[] bytes)
        {
            if (FixedBinaryLength == 0) return bytes;
            var length = bytes.Length;
            while (length > 0 && bytes[length - 1] == 0) length--;
            return length == bytes.Length ? bytes : bytes.Take(length).ToArray();
        }

        /// <summary>The column's character set for messages (UTF-8 where .NET has no decoder for it).</summary>
        Encoding Decoding() => (CharacterSet ?? "").ToLowerInvariant() switch
        {
            "latin1" => Encoding.GetEncoding("iso-8859-1"),
            "ascii" => Encoding.ASCII,
            "ucs2" or "utf16" => Encoding.BigEndianUnicode,
            "utf32" => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
            _ => Encoding.UTF8,
        };
    }
}
