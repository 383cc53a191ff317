using System.Collections.Generic;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>TABLE_MAP_EVENT: the table id that the following row events use, the table's name and its columns.</summary>
    public sealed class TableMapEvent : BinlogEvent
    {
        internal TableMapEvent(EventHeader header, string file) : base(header, file) { }

        public ulong TableId { get; internal set; }
        public string Schema { get; internal set; } = "";
        public string Table { get; internal set; } = "";
        public IReadOnlyList<BinlogColumn> Columns { get; internal set; } = new BinlogColumn[0];

        /// <summary>`schema`.`table`, as mariadb-binlog and mysqlbinlog print it.</summary>
        public string QuotedName => "`" + Schema.Replace("`", "``") + "`.`" + Table.Replace("`", "``") + "`";
    }
}
