using System.Collections.Generic;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// DELETE_ROWS_EVENT, v1 (MariaDB, type 25) or v2 (MySQL, type 32), or MariaDB's compressed forms (168, 171): the rows
    /// deleted from the table <see cref="RowsEvent.Table"/> maps, one image each.
    /// </summary>
    public sealed class DeleteRowsEvent : RowsEvent
    {
        internal DeleteRowsEvent(EventHeader header, string file, TableMapEvent table, IReadOnlyList<object?[]> rows, bool[] present)
            : base(header, file, table, rows, present) { }
    }
}
