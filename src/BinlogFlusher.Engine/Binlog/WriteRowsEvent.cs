using System.Collections.Generic;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// WRITE_ROWS_EVENT, v1 (MariaDB, type 23) or v2 (MySQL, type 30), or MariaDB's compressed forms (166, 169): inserted rows of the table <see cref="Table"/> maps.
    /// Each row holds a value per column of the table (null where the column is NULL or not in the image); see
    /// <see cref="RowValueDecoder"/> for each type's .NET value.
    /// </summary>
    public sealed class WriteRowsEvent : BinlogEvent
    {
        internal WriteRowsEvent(EventHeader header, string file, TableMapEvent table, IReadOnlyList<object?[]> rows, bool[] present) : base(header, file)
        {
            Table = table;
            Rows = rows;
            ColumnsPresent = present;
        }

        public TableMapEvent Table { get; }
        public IReadOnlyList<object?[]> Rows { get; }
        /// <summary>Which columns the row images hold (all of them under binlog_row_image=FULL).</summary>
        public IReadOnlyList<bool> ColumnsPresent { get; }
    }
}
