using System.Collections.Generic;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// UPDATE_ROWS_EVENT, v1 (MariaDB, type 24) or v2 (MySQL, type 31), or MariaDB's compressed forms (167, 170): the
    /// rows changed in the table <see cref="RowsEvent.Table"/> maps, each as it was (<see cref="RowsEvent.Rows"/>) and as
    /// it is after (<see cref="RowsAfter"/>).
    /// </summary>
    public sealed class UpdateRowsEvent : RowsEvent
    {
        internal UpdateRowsEvent(EventHeader header, string file, TableMapEvent table, IReadOnlyList<object?[]> before, bool[] presentBefore,
            IReadOnlyList<object?[]> after, bool[] presentAfter) : base(header, file, table, before, presentBefore)
        {
            RowsAfter = after;
            ColumnsPresentAfter = presentAfter;
        }

        /// <summary>Each row of <see cref="RowsEvent.Rows"/> after the update, in the same order and with the same value types.</summary>
        public IReadOnlyList<object?[]> RowsAfter { get; }
        /// <summary>Which columns the images in <see cref="RowsAfter"/> hold: the event's second column bitmap (under binlog_row_image=MINIMAL the changed columns only).</summary>
        public IReadOnlyList<bool> ColumnsPresentAfter { get; }
    }
}
