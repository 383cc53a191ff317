using BinlogFlusher.Engine.Binlog;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>
    /// The stretch of the binlog while a table (or a batch of them) was out of place: from the coordinates read right
    /// after the rename aside to those read right after the rename back (null until then). Another session's write
    /// logged inside it went into the logged CREATE TABLE's copy or the BLACKHOLE twin, both dropped: it is not in the
    /// table. One logged outside it went into the table in place.
    /// </summary>
    /// <remarks>
    /// A transaction writing to the table holds its metadata lock, so the rename aside waits for it to commit, and
    /// commit logs it first: it lies before From; until From is read the name holds no table at all. The twin's DROP
    /// waits in the same way for a transaction writing into the twin, and the rename back follows the DROP: such a
    /// write lies before To. To is read in the rename back's round trip, so only a write to the table in that instant
    /// could fall inside too: it would be reported lost, the safe side.
    /// </remarks>
    sealed class AsideWindow
    {
        public AsideWindow(BinlogCoordinates from) => From = from;

        public BinlogCoordinates From { get; }
        public BinlogCoordinates? To { get; set; }

        /// <summary>Whether an event that starts at <paramref name="file"/>:<paramref name="position"/> was logged while the table was aside.</summary>
        public bool Holds(string file, long position) => Compare(file, position, From) >= 0 && (To is null || Compare(file, position, To) < 0);

        static int Compare(string file, long position, BinlogCoordinates at)
        {
            var files = BinlogReader.CompareFiles(file, at.File);
            return files != 0 ? files : position.CompareTo(at.Position);
        }
    }
}
