namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>QUERY_EVENT: a statement (BEGIN, DDL, statement-based DML) and the default schema it ran in.</summary>
    public sealed class QueryEvent : BinlogEvent
    {
        internal QueryEvent(EventHeader header, string file, string schema, string statement, ushort errorCode) : base(header, file)
        {
            Schema = schema;
            Statement = statement;
            ErrorCode = errorCode;
        }

        public string Schema { get; }
        public string Statement { get; }
        public ushort ErrorCode { get; }
    }
}
