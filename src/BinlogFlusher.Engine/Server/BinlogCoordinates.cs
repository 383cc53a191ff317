
namespace BinlogFlusher.Engine.Server
{
    /// <summary>Where the binlog is: file, position and GTID position (null where GTIDs are not used).</summary>
    public sealed class BinlogCoordinates
    {
        public string File { get; set; } = "";
        public long Position { get; set; }
        public string? GtidPosition { get; set; }
        public override string ToString() => File + ":" + Position + (string.IsNullOrEmpty(GtidPosition) ? "" : " (GTID " + GtidPosition + ")");
    }
}
