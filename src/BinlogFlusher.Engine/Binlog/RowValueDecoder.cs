using System;
using System.Globalization;
using System.Text;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// One column value of a row image, by its TABLE_MAP type and metadata (layouts of MySQL's log_event.cc / my_time.cc /
    /// decimal.c); the .NET value of each type is listed on <see cref="WriteRowsEvent.Rows"/>.
    /// </summary>
    internal static class RowValueDecoder
    {
        static readonly int[] DigitBytes = { 0, 1, 1, 2, 2, 3, 3, 4, 4, 4 };

        internal static object? Decode(ref ByteReader reader, BinlogColumn column)
        {
            switch (column.Type)
            {
                case ColumnType.Tiny: return Integer(ref reader, 1, column.Unsigned);
                case ColumnType.Short: return Integer(ref reader, 2, column.Unsigned);
                case ColumnType.Int24: return Integer(ref reader, 3, column.Unsigned);
                case ColumnType.Long: return Integer(ref reader, 4, column.Unsigned);
                case ColumnType.LongLong: return Integer(ref reader, 8, column.Unsigned);
                case ColumnType.Float: return BitConverterSingle((uint)reader.UInt(4));
                case ColumnType.Double: return BitConverter.Int64BitsToDouble((long)reader.UInt(8));
                case ColumnType.NewDecimal: return NewDecimal(ref reader, column.Precision, column.Scale);
                case ColumnType.Year:
                    var year = reader.Byte();
                    return year == 0 ? 0 : 1900 + year;
                case ColumnType.Date:
                case ColumnType.NewDate:
                    var date = (int)reader.UInt(3);
                    return DateText(date >> 9, (date >> 5) & 15, date & 31);
                case ColumnType.Time: return OldTime(ref reader);
                case ColumnType.Time2: return Time2(ref reader, column.Scale);
                case ColumnType.DateTime: return OldDateTime(ref reader);
                case ColumnType.DateTime2: return DateTime2(ref reader, column.Scale);
                case ColumnType.Timestamp: return DateTimeOffset.FromUnixTimeSeconds(reader.UInt32());
                case ColumnType.Timestamp2:
                    var seconds = (long)reader.BigEndian(4);
                    return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(Fraction(ref reader, column.Scale, signed: false) * 10L);
                case ColumnType.Bit: return reader.BigEndian((column.Length + 7) / 8);
                case ColumnType.Enum: return (int)reader.UInt(column.Length);
                case ColumnType.Set: return reader.UInt(column.Length);
                case ColumnType.String:
                case ColumnType.VarChar:
                case ColumnType.VarString:
                    return reader.Bytes((int)reader.UInt(column.Length > 255 ? 2 : 1));
                case ColumnType.Blob:
                case ColumnType.TinyBlob:
                case ColumnType.MediumBlob:
                case ColumnType.LongBlob:
                case ColumnType.Json:
                case ColumnType.Geometry:
                    return reader.Bytes(checked((int)reader.UInt(column.Length)));
                case ColumnType.Null: return null;
                default:
                    throw new BinlogReaderException($"Column {column.Index + 1} has binlog type {(byte)column.Type}, which the reader cannot decode, so the row's length is unknown.");
            }
        }

        static object Integer(ref ByteReader reader, int bytes, bool? unsigned)
        {
            var raw = reader.UInt(bytes);
            if (unsigned == true) return raw;
            var shift = 64 - 8 * bytes;
            return (long)(raw << shift) >> shift;
        }

        static float BitConverterSingle(uint bits) => BitConverter.ToSingle(BitConverter.GetBytes(bits), 0);

        /// <summary>decimal2bin: sign bit inverted, negatives' bytes complemented; groups of 9 digits in 4 big-endian bytes, partial groups in fewer.</summary>
        internal static object NewDecimal(ref ByteReader reader, int precision, int scale)
        {
            var integerDigits = precision - scale;
            var size = integerDigits / 9 * 4 + DigitBytes[integerDigits % 9] + scale / 9 * 4 + DigitBytes[scale % 9];
            var bytes = reader.Bytes(size);
            var negative = (bytes[0] & 0x80) == 0;
            bytes[0] ^= 0x80;
            if (negative) for (var i = 0; i < bytes.Length; i++) bytes[i] ^= 0xFF;
            var at = 0;
            var whole = new StringBuilder();
            if (integerDigits % 9 > 0) whole.Append(Group(bytes, ref at, DigitBytes[integerDigits % 9]).ToString(CultureInfo.InvariantCulture));
            for (var i = 0; i < integerDigits / 9; i++) whole.Append(Group(bytes, ref at, 4).ToString("D9", CultureInfo.InvariantCulture));
            var fraction = new StringBuilder();
            for (var i = 0; i < scale / 9; i++) fraction.Append(Group(bytes, ref at, 4).ToString("D9", CultureInfo.InvariantCulture));
            if (scale % 9 > 0) fraction.Append(Group(bytes, ref at, DigitBytes[scale % 9]).ToString("D" + (scale % 9).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            var text = whole.ToString().TrimStart('0');
            if (text.Length == 0) text = "0";
            if (fraction.Length > 0) text += "." + fraction;
            if (negative) text = "-" + text;
            return precision <= 28 ? decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture) : text;
        }

        static uint Group(byte[] bytes, ref int at, int count)
        {
            uint value = 0;
            for (var i = 0; i < count; i++) value = (value << 8) | bytes[at++];
            return value;
        }

        /// <summary>The fractional seconds after TIME2/DATETIME2/TIMESTAMP2, in microseconds: (fsp + 1) / 2 big-endian bytes.</summary>
        static long Fraction(ref ByteReader reader, int fsp, bool signed)
        {
            switch (fsp)
            {
                case 1:
                case 2:
                    var one = reader.Byte();
                    return (signed ? (sbyte)one : one) * 10000L;
                case 3:
                case 4:
                    var two = (ushort)reader.BigEndian(2);
                    return (signed ? (short)two : two) * 100L;
                case 5:
                case 6:
                    var three = (long)reader.BigEndian(3);
                    return signed && three >= 0x800000 ? three - 0x1000000 : three;
                default:
                    return 0;
            }
        }

        static string FractionText(long microseconds, int fsp) =>
            fsp <= 0 ? "" : "." + microseconds.ToString("D6", CultureInfo.InvariantCulture).Substring(0, Math.Min(6, fsp));

        static string DateText(int year, int month, int day) =>
            year.ToString("D4", CultureInfo.InvariantCulture) + "-" + month.ToString("D2", CultureInfo.InvariantCulture) + "-" + day.ToString("D2", CultureInfo.InvariantCulture);

        static string TimeText(long hour, long minute, long second) =>
            hour.ToString("D2", CultureInfo.InvariantCulture) + ":" + minute.ToString("D2", CultureInfo.InvariantCulture) + ":" + second.ToString("D2", CultureInfo.InvariantCulture);

        /// <summary>DATETIME2: 5 bytes big-endian, 0x8000000000 + ((year*13+month) &lt;&lt; 22 | day &lt;&lt; 17 | hour &lt;&lt; 12 | minute &lt;&lt; 6 | second), then the fraction.</summary>
        internal static string DateTime2(ref ByteReader reader, int fsp)
        {
            var packed = (long)reader.BigEndian(5) - 0x8000000000L;
            var micro = Fraction(ref reader, fsp, signed: true);
            var ymd = packed >> 17;
            var ym = ymd >> 5;
            var hms = packed & 0x1FFFF;
            return DateText((int)(ym / 13), (int)(ym % 13), (int)(ymd & 31)) + " " + TimeText(hms >> 12, (hms >> 6) & 63, hms & 63) + FractionText(micro, fsp);
        }

        /// <summary>TIME2: 3 bytes big-endian, 0x800000 + (hour &lt;&lt; 12 | minute &lt;&lt; 6 | second), then the fraction (6 bytes in all when fsp is 5 or 6); negative times count down from the offset.</summary>
        internal static string Time2(ref ByteReader reader, int fsp)
        {
            long packed;
            if (fsp >= 5)
            {
                packed = (long)reader.BigEndian(6) - 0x800000000000L;
            }
            else
            {
                var whole = (long)reader.BigEndian(3) - 0x800000L;
                long fraction = 0;
                if (fsp >= 3)
                {
                    fraction = (long)reader.BigEndian(2);
                    if (whole < 0 && fraction != 0) { whole++; fraction -= 0x10000; }
                    fraction *= 100;
                }
                else if (fsp >= 1)
                {
                    fraction = reader.Byte();
                    if (whole < 0 && fraction != 0) { whole++; fraction -= 0x100; }
                    fraction *= 10000;
                }
                packed = (whole << 24) + fraction;
            }
            var negative = packed < 0;
            if (negative) packed = -packed;
            var hms = packed >> 24;
            var micro = packed & 0xFFFFFF;
            return (negative ? "-" : "") + TimeText((hms >> 12) & 0x3FF, (hms >> 6) & 0x3F, hms & 0x3F) + FractionText(micro, fsp);
        }

        static string OldTime(ref ByteReader reader)
        {
            var raw = (long)reader.UInt(3);
            if (raw >= 0x800000) raw -= 0x1000000;
            var negative = raw < 0;
            if (negative) raw = -raw;
            return (negative ? "-" : "") + TimeText(raw / 10000, raw / 100 % 100, raw % 100);
        }

        static string OldDateTime(ref ByteReader reader)
        {
            var raw = (long)reader.UInt(8);
            var date = raw / 1000000;
            var time = raw % 1000000;
            return DateText((int)(date / 10000), (int)(date / 100 % 100), (int)(date % 100)) + " " + TimeText(time / 10000, time / 100 % 100, time % 100);
        }
    }
}
