namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>The event types the reader decodes (every other type is passed on undecoded, as <see cref="BinlogEvent"/>).</summary>
    public enum BinlogEventType : byte
    {
        Query = 2,
        Stop = 3,
        Rotate = 4,
        FormatDescription = 15,
        Xid = 16,
        TableMap = 19,
        WriteRowsV1 = 23,
        UpdateRowsV1 = 24,
        DeleteRowsV1 = 25,
        Heartbeat = 27,
        WriteRowsV2 = 30,
        UpdateRowsV2 = 31,
        DeleteRowsV2 = 32,
        Gtid = 33,
        AnonymousGtid = 34,
        PreviousGtids = 35,
        MariaDbAnnotateRows = 160,
        MariaDbBinlogCheckpoint = 161,
        MariaDbGtid = 162,
        MariaDbGtidList = 163,
        MariaDbQueryCompressed = 165,
        MariaDbWriteRowsCompressedV1 = 166,
        MariaDbUpdateRowsCompressedV1 = 167,
        MariaDbDeleteRowsCompressedV1 = 168,
        MariaDbWriteRowsCompressed = 169,
        MariaDbUpdateRowsCompressed = 170,
        MariaDbDeleteRowsCompressed = 171,
    }
}
