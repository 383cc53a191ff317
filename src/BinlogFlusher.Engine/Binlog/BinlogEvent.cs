namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>One event of the binlog, where it is, and (in subclasses) what it says. Types not decoded are this class.</summary>
    public class BinlogEvent
    {
        internal BinlogEvent(EventHeader header, string file)
        {
            Header = header;
            File = file;
        }

        public EventHeader Header { get; }
        public BinlogEventType Type => Header.Type;
        /// <summary>The binlog file the event is in.</summary>
        public string File { get; }
        /// <summary>Where the event starts in <see cref="File"/> (0 for an event the server made up for the dump).</summary>
        public long Position => Header.NextPosition == 0 ? 0 : Header.NextPosition - Header.EventSize;
        /// <summary>Whether the server made the event up for the dump (the Rotate that names the first file) rather than read it from the file.</summary>
        public bool IsArtificial => Header.NextPosition == 0 || (Header.Flags & EventHeader.ArtificialFlag) != 0;

        public override string ToString() => $"{Type} at {File}:{Position}";
    }
}
