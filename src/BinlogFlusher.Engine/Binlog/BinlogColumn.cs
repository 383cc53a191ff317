namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// One column of a TABLE_MAP_EVENT: its binlog type and metadata. For STRING columns the real type (ENUM, SET, CHAR)
    /// is in the metadata and is what <see cref="Type"/> says.
    /// </summary>
    public sealed class BinlogColumn
    {
        public int Index { get; internal set; }
        public ColumnType Type { get; internal set; }
        /// <summary>The type code in the event (STRING for ENUM and SET columns).</summary>
        public ColumnType WireType { get; internal set; }
        public bool Nullable { get; internal set; }
        /// <summary>Known only when the server logs signedness (binlog_row_metadata MINIMAL or FULL); integers read as signed otherwise.</summary>
        public bool? Unsigned { get; internal set; }
        /// <summary>VARCHAR/CHAR: maximum length in bytes; BLOB family, JSON, GEOMETRY: bytes of the length prefix; ENUM/SET: bytes of the value; BIT: bits.</summary>
        public int Length { get; internal set; }
        /// <summary>NEWDECIMAL precision.</summary>
        public int Precision { get; internal set; }
        /// <summary>NEWDECIMAL scale; TIME2/DATETIME2/TIMESTAMP2 fractional digits; FLOAT/DOUBLE pack length.</summary>
        public int Scale { get; internal set; }

        public override string ToString() => $"@{Index + 1} {Type}";
    }
}
