using System.Collections.Generic;
using System.Linq;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>One table's count while the binlog streams by: its CREATE TABLE, its rows, its transactions and their keys.</summary>
    sealed class TableTally
    {
        const int MaxProblems = 10;
        readonly List<string> problems = new List<string>();
        IReadOnlyList<object?>? chunkMin, chunkMax, previousMax, firstKey;
        long rowsInTransaction;

        public TableTally(TableExpectation expected, IReadOnlyList<int> keyPositions, IReadOnlyList<int> unsignedBytes, int chunkBound, long? rowsInTable)
        {
            this.chunkBound = chunkBound;
            Expected = expected;
            KeyPositions = keyPositions;
            this.unsignedBytes = unsignedBytes;
            RowsInTable = rowsInTable;
        }

        /// <summary>Per key column, its width in bytes when it is unsigned (0 when signed): without the binlog's signedness metadata it reads as signed.</summary>
        readonly IReadOnlyList<int> unsignedBytes;

        /// <summary>The most rows of this table one transaction may hold; 0: not checked (one statement, or a resumed run).</summary>
        readonly int chunkBound;

        public TableExpectation Expected { get; }
        public IReadOnlyList<int> KeyPositions { get; }
        public long? RowsInTable { get; }
        public int Creates { get; private set; }
        public long Rows { get; private set; }
        /// <summary>Its UPDATE and DELETE rows and its DDL in the range: none of them is the flush's.</summary>
        public TableChanges Changes { get; } = new TableChanges();
        bool ChecksOrder => KeyPositions.Count > 0 && Expected.MayRepeat.Count == 0;

        public void Problem(string problem)
        {
            if (problems.Count < MaxProblems && !problems.Contains(problem)) problems.Add(problem);
        }

        public void Created(string schema)
        {
            Creates++;
            if (Creates == 2) Problem("CREATE TABLE is logged more than once");
            if (Rows > 0) Problem("rows are logged before its CREATE TABLE");
            if (schema != Expected.Schema) Problem($"its CREATE TABLE is logged under USE `{schema}`");
        }

        public void Row(object?[] row, bool inTransaction)
        {
            if (Creates == 0 && Rows == 0) Problem("rows are logged before its CREATE TABLE");
            Rows++;
            rowsInTransaction++;
            if (ChecksOrder && KeyPositions.All(p => p < row.Length))
            {
                var key = KeyPositions.Select((p, i) => Unsigned(row[p], unsignedBytes[i])).ToArray();
                if (chunkMin is null || KeyComparer.Instance.Compare(key, chunkMin) < 0) chunkMin = key;
                if (chunkMax is null || KeyComparer.Instance.Compare(key, chunkMax) > 0) chunkMax = key;
            }
            if (!inTransaction) EndTransaction();
        }

        /// <summary>An unsigned column's value read as signed (a negative long), as the unsigned value it is.</summary>
        static object? Unsigned(object? value, int bytes) => bytes > 0 && value is long signed && signed < 0
            ? (object)((decimal)signed + (decimal)System.Math.Pow(2, 8 * bytes))
            : value;

        /// <summary>A COMMIT or XID: the table's rows in that transaction form one chunk.</summary>
        public void EndTransaction()
        {
            if (rowsInTransaction == 0) return;
            if (chunkBound > 0 && rowsInTransaction > chunkBound)
                Problem($"a transaction holds {rowsInTransaction:N0} of its rows, more than its chunk bound of {chunkBound:N0}");
            if (chunkMin is not null && chunkMax is not null)
            {
                if (previousMax is not null && KeyComparer.Instance.Compare(chunkMin, previousMax) <= 0)
                    Problem($"keys do not increase across chunks: a chunk starts at {KeyComparer.Describe(chunkMin)} after one that ended at {KeyComparer.Describe(previousMax)}");
                firstKey ??= chunkMin;
                previousMax = chunkMax;
            }
            rowsInTransaction = 0;
            chunkMin = chunkMax = null;
        }

        public TableVerification Result()
        {
            EndTransaction();
            foreach (var change in Changes.Problems()) Problem(change);
            if (Creates == 0) Problem("no CREATE TABLE is logged");
            var expected = Expected.RowsCopied;
            if (Expected.MayRepeat.Count == 0 ? Rows != expected : Rows < expected)
                Problem($"{Rows:N0} rows in the binlog, {expected:N0} copied" + (Expected.MayRepeat.Count == 0 ? "" : " (some may repeat, none may be missing)"));
            if (RowsInTable is { } count && count != expected) Problem($"the table holds {count:N0} rows, {expected:N0} copied");
            return new TableVerification
            {
                Schema = Expected.Schema,
                Table = Expected.Table,
                Status = problems.Count == 0 ? VerificationStatus.Verified : VerificationStatus.Mismatch,
                RowsInBinlog = Rows,
                RowsExpected = expected,
                RowsInTable = RowsInTable,
                FirstKey = firstKey is null ? null : KeyComparer.Describe(firstKey),
                LastKey = previousMax is null ? null : KeyComparer.Describe(previousMax),
                Problems = problems.ToList(),
            };
        }
    }
}
