using System.Collections.Generic;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// WRITE_ROWS_EVENT, v1 (MariaDB, type 23) or v2 (MySQL, type 30), or MariaDB's compressed forms (166, 169): inserted rows of the table <see cref="Table"/> maps.
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
        /// <summary>
        /// A value per column of the table, null where the column is NULL or not in the image. Integers are long (ulong
        /// when the TABLE_MAP says the column is unsigned, see <see cref="BinlogColumn.Unsigned"/>), FLOAT float, DOUBLE
        /// double, NEWDECIMAL decimal (its text beyond 28 digits), YEAR int, DATE/DATETIME/TIME the server's text
        /// ("2024-02-29 13:45:12.500", "-838:59:59"), TIMESTAMP a UTC DateTimeOffset, BIT ulong, ENUM the 1-based index
        /// (int), SET the member bitmask (ulong), CHAR/VARCHAR/BINARY/BLOB/TEXT/JSON/GEOMETRY the stored bytes (MySQL's
        /// JSON is its binary form).
        /// </summary>
        public IReadOnlyList<object?[]> Rows { get; }
        /// <summary>Which columns the row images hold (all of them under binlog_row_image=FULL).</summary>
        public IReadOnlyList<bool> ColumnsPresent { get; }
    }
}
