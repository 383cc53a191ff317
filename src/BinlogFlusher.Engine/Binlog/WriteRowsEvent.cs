using System.Collections.Generic;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// WRITE_ROWS_EVENT, v1 (MariaDB, type 23) or v2 (MySQL, type 30), or MariaDB's compressed forms (166, 169): the rows
    /// inserted into the table <see cref="RowsEvent.Table"/> maps.
    /// </summary>
    public sealed class WriteRowsEvent : RowsEvent
    {
        internal WriteRowsEvent(EventHeader header, string file, TableMapEvent table, IReadOnlyList<object?[]> rows, bool[] present)
            : base(header, file, table, rows, present) { }
    }
}
