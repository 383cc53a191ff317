namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>The 19-byte common header of a v4 event.</summary>
    public sealed class EventHeader
    {
        internal const int Length = 19;
        /// <summary>Set on events the server made up for the dump (the first Rotate), not read from the file.</summary>
        internal const ushort ArtificialFlag = 0x20;

        public uint Timestamp { get; internal set; }
        public byte TypeCode { get; internal set; }
        public BinlogEventType Type => (BinlogEventType)TypeCode;
        public uint ServerId { get; internal set; }
        public uint EventSize { get; internal set; }
        /// <summary>The position just past this event in its file (0 for events the server made up).</summary>
        public uint NextPosition { get; internal set; }
        public ushort Flags { get; internal set; }

        internal static EventHeader Read(ref ByteReader reader) => new()
        {
            Timestamp = reader.UInt32(),
            TypeCode = reader.Byte(),
            ServerId = reader.UInt32(),
            EventSize = reader.UInt32(),
            NextPosition = reader.UInt32(),
            Flags = reader.UInt16(),
        };
    }
}
