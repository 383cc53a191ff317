namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>ROTATE_EVENT: the events that follow are in <see cref="NextFile"/> from <see cref="NextPosition"/>.</summary>
    public sealed class RotateEvent : BinlogEvent
    {
        internal RotateEvent(EventHeader header, string file, string nextFile, long nextPosition) : base(header, file)
        {
            NextFile = nextFile;
            NextPosition = nextPosition;
        }

        public string NextFile { get; }
        public long NextPosition { get; }
    }
}
