namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// The GTID that starts a transaction: MySQL's GTID_EVENT ("uuid:number") or MariaDB's GTID_EVENT
    /// ("domain-server-sequence"). <see cref="Gtid"/> is written as the server writes it in gtid_executed / gtid_binlog_pos.
    /// </summary>
    public sealed class GtidEvent : BinlogEvent
    {
        internal GtidEvent(EventHeader header, string file, string gtid, long domainId, ulong sequence, bool isStandalone) : base(header, file)
        {
            Gtid = gtid;
            DomainId = domainId;
            Sequence = sequence;
            IsStandalone = isStandalone;
        }

        public string Gtid { get; }
        /// <summary>MariaDB's replication domain; -1 for a MySQL GTID.</summary>
        public long DomainId { get; }
        /// <summary>The transaction number (MySQL) or sequence number (MariaDB).</summary>
        public ulong Sequence { get; }
        /// <summary>MariaDB: a transaction of one statement with no BEGIN/COMMIT (DDL).</summary>
        public bool IsStandalone { get; }
    }
}
