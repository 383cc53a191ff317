using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// One table's count while the binlog streams by: its CREATE TABLE, its rows, and its transactions (chunks) with
    /// their lowest and highest keys, whose order is checked once the binlog is read (<see cref="CheckOrderAsync"/>).
    /// </summary>
    /// <remarks>
    /// The order: a chunk whose keys all lie inside one may-repeat range may overlap the chunks inside ranges before
    /// it (a chunk cut off and run again, the copy a resumed run starts over); every chunk must start above the
    /// highest key of the latest chunk before it that is not inside a range. Chunks outside the ranges therefore never
    /// share a key, and a key outside every range, which only such chunks hold, is logged at most once.
    /// The count: without ranges, the binlog holds exactly the rows copied. With ranges, where the key orders on the
    /// client (no text column), every row is placed inside or outside the ranges, and the keys inside are collected
    /// (at most the rows of the chunks the ranges name): rows outside plus distinct keys inside must equal the rows
    /// copied, so no row is missing and a row outside the ranges is logged exactly once. Where a text column's
    /// collation orders the key, placing every row would take the server a comparison per row: such a table, a table
    /// without a chunk key, and ranges from a state file written before their keys were recorded (no order check
    /// then) are held to at least the rows copied.
    /// </remarks>
    sealed class TableTally
    {
        const int MaxProblems = 10;
        readonly List<string> problems = new List<string>();
        readonly List<(object?[] Low, object?[] High)> chunks = new List<(object?[] Low, object?[] High)>();
        /// <summary>The chunk key whose order is checked; null when it is not (none, or its values do not read as the table's key columns).</summary>
        TableKey? key;
        readonly IReadOnlyList<RepeatBounds> repeats;
        /// <summary>The distinct keys inside the may-repeat ranges, when the rows are counted exactly; else null.</summary>
        HashSet<object?[]>? keysInRepeats;
        long rowsOutsideRepeats;
        object?[]? chunkLow, chunkHigh;
        long rowsInTransaction;

        /// <param name="key">The chunk key whose order is checked; null: not checked.</param>
        /// <param name="repeats">The may-repeat ranges in the key's form (empty without ranges, or when they are only text).</param>
        public TableTally(TableExpectation expected, TableKey? key, IReadOnlyList<RepeatBounds> repeats, int chunkBound, long? rowsInTable)
        {
            Expected = expected;
            this.key = key;
            this.repeats = repeats;
            this.chunkBound = chunkBound;
            RowsInTable = rowsInTable;
            if (key is not null && !key.ServerOrdered && repeats.Count > 0) keysInRepeats = new HashSet<object?[]>(KeyComparer.Instance);
        }

        /// <summary>The most rows of this table one transaction may hold; 0: not checked (one statement, or a resumed run).</summary>
        readonly int chunkBound;

        public TableExpectation Expected { get; }
        public long? RowsInTable { get; }
        public int Creates { get; private set; }
        public long Rows { get; private set; }
        /// <summary>Its UPDATE and DELETE rows and its DDL in the range: none of them is the flush's.</summary>
        public TableChanges Changes { get; } = new TableChanges();

        /// <summary>The key's order is checked by the server (a text column): a session is needed for <see cref="CheckOrderAsync"/>.</summary>
        public bool NeedsServer => key is not null && key.ServerOrdered && chunks.Count > 1;

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
            if (KeyOf(row) is { } rowKey && key is not null)
            {
                if (key.ServerOrdered)
                {
                    // A chunk's INSERT ... SELECT orders its rows by the key: its first and last rows hold its lowest and highest keys.
                    chunkLow ??= rowKey;
                    chunkHigh = rowKey;
                }
                else
                {
                    if (chunkLow is null || KeyComparer.Instance.Compare(rowKey, chunkLow) < 0) chunkLow = rowKey;
                    if (chunkHigh is null || KeyComparer.Instance.Compare(rowKey, chunkHigh) > 0) chunkHigh = rowKey;
                }
                if (keysInRepeats is not null)
                {
                    if (repeats.Any(r => r.Contains(rowKey))) keysInRepeats.Add(rowKey);
                    else rowsOutsideRepeats++;
                }
            }
            else if (keysInRepeats is not null)
            {
                rowsOutsideRepeats++;
            }
            if (!inTransaction) EndTransaction();
        }

        /// <summary>
        /// The row's chunk key; null without one. A value that does not read as its key column's type (the table was
        /// altered since the run) is a problem, and neither the order nor the rows inside the ranges are checked further.
        /// </summary>
        object?[]? KeyOf(object?[] row)
        {
            if (key is null) return null;
            try
            {
                return key.FromRow(row);
            }
            catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException)
            {
                Problem($"its rows' ({string.Join(", ", key.Names)}) values do not read as the table's key columns now, so their order is not checked (was the table altered since the run?): {exception.Message}");
                key = null;
                keysInRepeats = null;
                chunks.Clear();
                chunkLow = chunkHigh = null;
                return null;
            }
        }

        /// <summary>A COMMIT or XID: the table's rows in that transaction form one chunk.</summary>
        public void EndTransaction()
        {
            if (rowsInTransaction == 0) return;
            if (chunkBound > 0 && rowsInTransaction > chunkBound)
                Problem($"a transaction holds {rowsInTransaction:N0} of its rows, more than its chunk bound of {chunkBound:N0}");
            if (chunkLow is not null && chunkHigh is not null) chunks.Add((chunkLow, chunkHigh));
            rowsInTransaction = 0;
            chunkLow = chunkHigh = null;
        }

        /// <summary>
        /// Checks the chunks' order (see the remarks): which chunks lie inside a may-repeat range, then each chunk's
        /// lowest key against the highest of the latest chunk outside the ranges before it, in few comparisons (on the
        /// client, or for a key with text columns in one query for a table of up to a few hundred chunks).
        /// </summary>
        public async Task CheckOrderAsync(ServerSession? session, CancellationToken cancellationToken)
        {
            EndTransaction();
            if (key is null || chunks.Count < 2) return;
            var insideRepeat = await InsideRepeatsAsync(session, cancellationToken).ConfigureAwait(false);
            var pairs = new List<(int Chunk, int Before)>();
            var latest = -1;
            for (var i = 0; i < chunks.Count; i++)
            {
                if (latest >= 0) pairs.Add((i, latest));
                if (!insideRepeat[i]) latest = i;
            }
            var above = await key.AboveAsync(pairs.Select(p => (chunks[p.Chunk].Low, chunks[p.Before].High)).ToList(), session, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < pairs.Count; i++)
            {
                if (above[i]) continue;
                Problem($"keys do not increase across chunks: a chunk starts at {key.Describe(chunks[pairs[i].Chunk].Low)} after one that ended at {key.Describe(chunks[pairs[i].Before].High)}" +
                        (repeats.Count == 0 ? "" : " (outside its may-repeat ranges)"));
            }
        }

        /// <summary>For each chunk, whether its keys all lie inside one may-repeat range: lowest above the range's lower bound, highest at or below its upper.</summary>
        async Task<bool[]> InsideRepeatsAsync(ServerSession? session, CancellationToken cancellationToken)
        {
            var inside = new bool[chunks.Count];
            if (repeats.Any(r => r.AllRows))
            {
                for (var i = 0; i < inside.Length; i++) inside[i] = true;
                return inside;
            }
            if (repeats.Count == 0) return inside;
            var pairs = new List<(object?[] A, object?[] B)>();
            foreach (var (low, high) in chunks)
                foreach (var range in repeats)
                {
                    if (range.Lower is not null) pairs.Add((low, range.Lower));
                    if (range.Upper is not null) pairs.Add((high, range.Upper));
                }
            var above = await key!.AboveAsync(pairs, session, cancellationToken).ConfigureAwait(false);
            var at = 0;
            for (var i = 0; i < chunks.Count; i++)
                foreach (var range in repeats)
                {
                    var afterLower = range.Lower is null || above[at++];
                    var atOrBelowUpper = range.Upper is null || !above[at++];
                    inside[i] |= afterLower && atOrBelowUpper;
                }
            return inside;
        }

        public TableVerification Result()
        {
            EndTransaction();
            foreach (var change in Changes.Problems()) Problem(change);
            if (Creates == 0) Problem("no CREATE TABLE is logged");
            var expected = Expected.RowsCopied;
            if (Expected.MayRepeat.Count == 0)
            {
                if (Rows != expected) Problem($"{Rows:N0} rows in the binlog, {expected:N0} copied");
            }
            else if (keysInRepeats is not null)
            {
                var distinct = rowsOutsideRepeats + keysInRepeats.Count;
                if (distinct != expected)
                    Problem($"{distinct:N0} distinct rows in the binlog ({Rows:N0} with the repeats its may-repeat ranges allow), {expected:N0} copied");
            }
            else if (Rows < expected)
            {
                Problem($"{Rows:N0} rows in the binlog, {expected:N0} copied (rows of its may-repeat ranges may repeat, none may be missing)");
            }
            if (RowsInTable is { } count && count != expected) Problem($"the table holds {count:N0} rows, {expected:N0} copied");
            return new TableVerification
            {
                Schema = Expected.Schema,
                Table = Expected.Table,
                Status = problems.Count == 0 ? VerificationStatus.Verified : VerificationStatus.Mismatch,
                RowsInBinlog = Rows,
                RowsExpected = expected,
                RowsInTable = RowsInTable,
                FirstKey = key is null || chunks.Count == 0 ? null : key.Describe(chunks[0].Low),
                LastKey = key is null || chunks.Count == 0 ? null : key.Describe(chunks[chunks.Count - 1].High),
                Problems = problems.ToList(),
            };
        }
    }
}
