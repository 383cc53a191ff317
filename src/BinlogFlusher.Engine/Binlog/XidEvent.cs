namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>XID_EVENT: the commit of a transaction of a transactional engine.</summary>
    public sealed class XidEvent : BinlogEvent
    {
        internal XidEvent(EventHeader header, string file, ulong xid) : base(header, file)
        {
            Xid = xid;
        }

        public ulong Xid { get; }
    }
}
