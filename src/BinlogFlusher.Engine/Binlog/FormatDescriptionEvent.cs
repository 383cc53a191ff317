using System.Collections.Generic;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>FORMAT_DESCRIPTION_EVENT: the server version, each event type's post-header length, the checksum algorithm.</summary>
    public sealed class FormatDescriptionEvent : BinlogEvent
    {
        internal FormatDescriptionEvent(EventHeader header, string file) : base(header, file) { }

        public int BinlogVersion { get; internal set; }
        public string ServerVersion { get; internal set; } = "";
        /// <summary>0 none, 1 CRC32.</summary>
        public byte ChecksumAlgorithm { get; internal set; }
        internal IReadOnlyList<byte> PostHeaderLengths { get; set; } = new byte[0];

        internal int PostHeaderLength(BinlogEventType type, int fallback)
        {
            var index = (int)type - 1;
            return index >= 0 && index < PostHeaderLengths.Count ? PostHeaderLengths[index] : fallback;
        }
    }
}
