using System;
using System.Globalization;
using BinlogFlusher.Engine.State;
using MySqlConnector;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>Chunk key values to and from the journal, keeping the exact type the server returned.</summary>
    static class KeyCodec
    {
        public static KeyValue Encode(object? value) => value switch
        {
            null => new KeyValue { Type = "null" },
            byte[] bytes => new KeyValue { Type = "bytes", Value = Convert.ToBase64String(bytes) },
            string text => new KeyValue { Type = "string", Value = text },
            DateTime time => new KeyValue { Type = "datetime", Value = time.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) },
            MySqlDateTime time => new KeyValue { Type = "mysqldatetime", Value = $"{time.Year:0000}-{time.Month:00}-{time.Day:00} {time.Hour:00}:{time.Minute:00}:{time.Second:00}.{time.Microsecond:000000}" },
            TimeSpan span => new KeyValue { Type = "time", Value = span.ToString("c", CultureInfo.InvariantCulture) },
            ExactDecimal number => new KeyValue { Type = "decimal", Value = number.Text },
            decimal number => new KeyValue { Type = "decimal", Value = number.ToString(CultureInfo.InvariantCulture) },
            ulong number => new KeyValue { Type = "ulong", Value = number.ToString(CultureInfo.InvariantCulture) },
            IConvertible number when IsSignedInteger(number) => new KeyValue { Type = "long", Value = Convert.ToInt64(number, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) },
            IConvertible number when IsUnsignedInteger(number) => new KeyValue { Type = "ulong", Value = Convert.ToUInt64(number, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) },
            _ => throw new NotSupportedException($"A chunk key value of type {value.GetType().Name} cannot be journaled."),
        };

        public static object? Decode(KeyValue key) => key.Type switch
        {
            "null" => null,
            "bytes" => Convert.FromBase64String(key.Value ?? ""),
            "string" => key.Value ?? "",
            "datetime" => DateTime.ParseExact(key.Value!, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            "mysqldatetime" => ParseMySqlDateTime(key.Value!),
            "time" => TimeSpan.ParseExact(key.Value!, "c", CultureInfo.InvariantCulture),
            // Kept as its text, every digit (state files written before held System.Decimal's text, which reads the same).
            "decimal" => DecodeDecimal(key.Value),
            "ulong" => ulong.Parse(key.Value!, CultureInfo.InvariantCulture),
            "long" => long.Parse(key.Value!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            _ => throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file holds a chunk key of unknown type '{key.Type}'."),
        };

        /// <summary>A readable form for messages ("(5, 'abc')").</summary>
        public static string Describe(System.Collections.Generic.IReadOnlyList<object?> values) =>
            "(" + string.Join(", ", System.Linq.Enumerable.Select(values, v => Encode(v) is var k && k.Type == "string" ? "'" + k.Value + "'" : k.Type == "bytes" ? "0x" + BitConverter.ToString((byte[])v!).Replace("-", "") : k.Value ?? "NULL")) + ")";

        static ExactDecimal DecodeDecimal(string? text)
        {
            try
            {
                return new ExactDecimal(text ?? "");
            }
            catch (FormatException exception)
            {
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"The state file holds a DECIMAL chunk key that is not a number: {exception.Message}", exception);
            }
        }

        static MySqlDateTime ParseMySqlDateTime(string text)
        {
            int Part(int start, int length) => int.Parse(text.Substring(start, length), CultureInfo.InvariantCulture);
            return new MySqlDateTime(Part(0, 4), Part(5, 2), Part(8, 2), Part(11, 2), Part(14, 2), Part(17, 2), Part(20, 6));
        }

        static bool IsSignedInteger(IConvertible value) => value.GetTypeCode() is TypeCode.SByte or TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64;
        static bool IsUnsignedInteger(IConvertible value) => value.GetTypeCode() is TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64;
    }
}
