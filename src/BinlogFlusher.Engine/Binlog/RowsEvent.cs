using System.Collections.Generic;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// A rows event of the table <see cref="Table"/> maps: <see cref="WriteRowsEvent"/>, <see cref="UpdateRowsEvent"/> or
    /// <see cref="DeleteRowsEvent"/>, each v1 (MariaDB), v2 (MySQL) or in MariaDB's compressed forms.
    /// </summary>
    public abstract class RowsEvent : BinlogEvent
    {
        internal RowsEvent(EventHeader header, string file, TableMapEvent table, IReadOnlyList<object?[]> rows, bool[] present) : base(header, file)
        {
            Table = table;
            Rows = rows;
            ColumnsPresent = present;
        }

        public TableMapEvent Table { get; }
        /// <summary>
        /// One image a row: the row inserted, deleted, or as it was before an update. A value per column of the table,
        /// null where the column is NULL or not in the image. Integers are long (ulong when the TABLE_MAP says the column
        /// is unsigned, see <see cref="BinlogColumn.Unsigned"/>), FLOAT float, DOUBLE double, NEWDECIMAL decimal (its text
        /// beyond 28 digits), YEAR int, DATE/DATETIME/TIME the server's text ("2024-02-29 13:45:12.500", "-838:59:59"),
        /// TIMESTAMP a UTC DateTimeOffset, BIT ulong, ENUM the 1-based index (int), SET the member bitmask (ulong),
        /// CHAR/VARCHAR/BINARY/BLOB/TEXT/JSON/GEOMETRY the stored bytes (MySQL's JSON is its binary form).
        /// </summary>
        public IReadOnlyList<object?[]> Rows { get; }
        /// <summary>Which columns the images in <see cref="Rows"/> hold (all of them under binlog_row_image=FULL).</summary>
        public IReadOnlyList<bool> ColumnsPresent { get; }
    }
}
