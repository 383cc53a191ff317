namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// TABLE_MAP_EVENT's per-column metadata (the bytes each type's Field::save_field_metadata writes) and the optional
    /// metadata after the NULL bitmap (binlog_row_metadata MINIMAL/FULL), of which the reader uses SIGNEDNESS.
    /// </summary>
    internal static class TableMapMetadata
    {
        const byte Signedness = 1;

        public static void Read(ref ByteReader metadata, BinlogColumn column)
        {
            column.Type = column.WireType;
            switch (column.WireType)
            {
                case ColumnType.Float:
                case ColumnType.Double:
                    column.Scale = metadata.Byte(); // pack length
                    break;
                case ColumnType.Blob:
                case ColumnType.TinyBlob:
                case ColumnType.MediumBlob:
                case ColumnType.LongBlob:
                case ColumnType.Json:
                case ColumnType.Geometry:
                    column.Length = metadata.Byte();
                    break;
                case ColumnType.VarChar:
                case ColumnType.VarString:
                    column.Length = metadata.UInt16();
                    break;
                case ColumnType.Bit:
                    var bits = metadata.Byte();
                    var bytes = metadata.Byte();
                    column.Length = bytes * 8 + bits;
                    break;
                case ColumnType.NewDecimal:
                    column.Precision = metadata.Byte();
                    column.Scale = metadata.Byte();
                    break;
                case ColumnType.Time2:
                case ColumnType.DateTime2:
                case ColumnType.Timestamp2:
                    column.Scale = metadata.Byte();
                    break;
                case ColumnType.String:
                case ColumnType.Enum:
                case ColumnType.Set:
                    // Byte 0 is the real type, byte 1 the length; lengths over 255 keep their bits 8-9 in the real type's bits 4-5, inverted.
                    var realType = metadata.Byte();
                    int length = metadata.Byte();
                    if ((realType & 0x30) != 0x30)
                    {
                        length |= ((realType & 0x30) ^ 0x30) << 4;
                        realType |= 0x30;
                    }
                    column.Type = (ColumnType)realType;
                    column.Length = length;
                    break;
            }
        }

        public static void ReadOptional(ref ByteReader body, BinlogColumn[] columns)
        {
            while (body.Remaining > 0)
            {
                var type = body.Byte();
                var length = checked((int)body.LengthEncoded());
                if (type != Signedness)
                {
                    body.Skip(length);
                    continue;
                }
                var bits = body.Bytes(length);
                var numeric = 0;
                foreach (var column in columns)
                {
                    if (!IsNumeric(column.Type)) continue;
                    if (numeric / 8 < bits.Length) column.Unsigned = (bits[numeric / 8] & (0x80 >> (numeric % 8))) != 0;
                    numeric++;
                }
            }
        }

        static bool IsNumeric(ColumnType type) => type is ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long
            or ColumnType.LongLong or ColumnType.Float or ColumnType.Double or ColumnType.NewDecimal or ColumnType.Decimal;
    }
}
