using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using MySqlConnector;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>The copy phase of one table: the backup's rows into its twin, in one statement or in keyset chunks.</summary>
    sealed partial class TableFlusher
    {
        async Task CopyAsync(FlushCandidate candidate, JournalTable entry, string backup, string original, CancellationToken cancellationToken)
        {
            var insert = WriteStatements.Logged + "; " + InsertAll(candidate.Table, entry);
            if (candidate.ChunkKey.Count == 0) await CopyInOneStatementAsync(candidate.Table, entry, insert, cancellationToken).ConfigureAwait(false);
            else await CopyInChunksAsync(new ChunkWalk(this, candidate, entry, backup), insert, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>A table without a chunk key; a resumed one starts its rows over.</summary>
        async Task CopyInOneStatementAsync(TableInfo table, JournalTable entry, string insert, CancellationToken cancellationToken)
        {
            var reconnects = 0;
            entry.RowsCopied = 0;
            entry.CopyStarted = true;
            await EnterPhaseAsync(entry, TablePhase.Copying).ConfigureAwait(false);
            await session.ExecuteAsync(ServerPhase(new[] { entry }), CancellationToken.None).ConfigureAwait(false);
            var rows = await WithReconnectAsync(() => ExecuteChunkAsync(insert, Array.Empty<MySqlParameter>(), cancellationToken),
                $"all rows of {table.Schema}.{table.Name} (copied in one statement)", entry, () => ++reconnects, cancellationToken).ConfigureAwait(false);
            entry.RowsCopied = rows;
            entry.Chunks = 1;
            Interlocked.Add(ref context.RowsCopied, rows);
            context.Journal.Update(_ => { });
            ReportCopy(entry, table);
        }

        /// <summary>Chunk after chunk, each its own transaction; the journal holds the last committed key and the chunk running next.</summary>
        async Task CopyInChunksAsync(ChunkWalk walk, string insert, CancellationToken cancellationToken)
        {
            var entry = walk.Entry;
            var reconnects = 0;
            int CountReconnect() => ++reconnects;
            await WithReconnectAsync(() => walk.ReadBoundsAsync(cancellationToken), null, entry, CountReconnect, cancellationToken).ConfigureAwait(false);

            // A resumed copy starts after the last committed chunk key, counting from there.
            var last = entry.LastChunkKey?.Select(KeyCodec.Decode).ToList();
            entry.RowsCopied = entry.RowsThroughLastKey;
            entry.Chunks = entry.ChunksThroughLastKey;
            var upper = await WithReconnectAsync(() => walk.BoundaryAsync(last, cancellationToken), null, entry, CountReconnect, cancellationToken).ConfigureAwait(false);
            entry.PendingChunkUpper = upper?.Select(KeyCodec.Encode).ToList();
            entry.CopyStarted = true;
            await EnterPhaseAsync(entry, TablePhase.Copying).ConfigureAwait(false);
            await session.ExecuteAsync(ServerPhase(new[] { entry }), CancellationToken.None).ConfigureAwait(false);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = await CopyChunkAsync(walk, insert, last, upper, CountReconnect, cancellationToken).ConfigureAwait(false);
                var through = await WithReconnectAsync(() => walk.CopiedThroughAsync(last, upper, rows, cancellationToken), null, entry, CountReconnect, cancellationToken).ConfigureAwait(false);
                if (through is null)
                {
                    entry.PendingChunkUpper = null;
                    context.Journal.Update(_ => { });
                    ReportCopy(entry, walk.Table);
                    return;
                }
                walk.Observed(last, through, rows);
                last = through;
                upper = await WithReconnectAsync(() => walk.BoundaryAsync(last, cancellationToken), null, entry, CountReconnect, cancellationToken).ConfigureAwait(false);
                CommitChunk(entry, last, upper);
                ReportCopy(entry, walk.Table);
                await context.ReachedAsync("Chunk" + entry.Chunks.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            }
        }

        /// <summary>One chunk: the rows after <paramref name="last"/> up to <paramref name="upper"/> (to the end when null).</summary>
        async Task<long> CopyChunkAsync(ChunkWalk walk, string insert, List<object?>? last, List<object?>? upper, Func<int> countReconnect, CancellationToken cancellationToken)
        {
            var entry = walk.Entry;
            var (where, parameters) = walk.Range(last, upper);
            var rows = await WithReconnectAsync(
                () => ExecuteChunkAsync($"{insert}{walk.ForceIndex}{where} ORDER BY {walk.KeyList}{walk.Limit}", parameters, cancellationToken),
                walk.Describe(last, upper), entry, countReconnect, cancellationToken).ConfigureAwait(false);
            // A chunk up to a boundary found by a query holds exactly chunkRows rows (the key is unique): anything else
            // means the backup changed under the copy. The last chunk takes whatever follows, as a range of integers does.
            if (upper is not null && !walk.ByValue && rows != walk.ChunkRows)
                throw RowCountMismatch(walk.Table, entry.RowsCopied + rows, entry.RowsCopied + walk.ChunkRows);
            entry.RowsCopied += rows;
            entry.Chunks++;
            Interlocked.Add(ref context.RowsCopied, rows);
            return rows;
        }

        /// <summary>One journal write a chunk: the committed key, and the bounds of the chunk that runs next.</summary>
        void CommitChunk(JournalTable entry, List<object?> last, List<object?>? upper)
        {
            entry.LastChunkKey = last.Select(KeyCodec.Encode).ToList();
            entry.RowsThroughLastKey = entry.RowsCopied;
            entry.ChunksThroughLastKey = entry.Chunks;
            entry.PendingChunkUpper = upper?.Select(KeyCodec.Encode).ToList();
            context.Journal.Update(_ => { });
        }

        /// <summary>
        /// How one table's chunk key is walked. A single integer key is chunked by value, gapped or not, so no query
        /// walks the key ahead of a chunk (each such walk is one more read of the table): a chunk spans as many integers
        /// as the density seen so far says hold about chunkRows rows (first from the table's statistics, then from what
        /// the last chunk copied), and LIMIT chunkRows bounds it where the keys clump. Only a chunk that reaches that
        /// limit asks where it ended, with one boundary query. Other keys find each chunk's upper key by a boundary query.
        /// </summary>
        sealed class ChunkWalk
        {
            /// <summary>The share of chunkRows a chunk by value aims at, so that a density a little above the last one's rarely meets the limit.</summary>
            const decimal Fill = 0.9m;
            /// <summary>How much wider than the last a chunk by value may grow at once (a gap ahead may end in dense keys).</summary>
            const decimal Growth = 16m;

            readonly TableFlusher flusher;
            readonly FlushCandidate candidate;
            readonly string backup;
            readonly List<string> keyNames;
            decimal minKey, maxKey, width;

            public ChunkWalk(TableFlusher flusher, FlushCandidate candidate, JournalTable entry, string backup)
            {
                this.flusher = flusher;
                this.candidate = candidate;
                this.backup = backup;
                Entry = entry;
                ChunkRows = flusher.context.Options.ChunkRows(candidate.Table);
                entry.ChunkRows = ChunkRows;
                keyNames = candidate.ChunkKey.Select(c => c.Name).ToList();
                KeyList = SqlText.IdentifierList(keyNames);
                ForceIndex = " FORCE INDEX (" + SqlText.Identifier(candidate.ChunkKeyIndex!) + ")";
                ByValue = IsIntegerKey(candidate);
            }

            public JournalTable Entry { get; }
            public TableInfo Table => candidate.Table;
            public int ChunkRows { get; }
            public string KeyList { get; }
            public string ForceIndex { get; }
            public bool ByValue { get; private set; }

            /// <summary>The row bound of a chunk by value (a chunk between boundaries holds exactly chunkRows rows already).</summary>
            public string Limit => ByValue ? " LIMIT " + ChunkRows.ToString(CultureInfo.InvariantCulture) : "";

            /// <summary>The smallest and largest key and the first width, for chunks by value; a table without keys goes by boundary queries.</summary>
            public async Task<bool> ReadBoundsAsync(CancellationToken cancellationToken)
            {
                if (!ByValue) return false;
                var bounds = await flusher.session.QueryAsync($"SELECT MIN({KeyList}), MAX({KeyList}) FROM {backup}", cancellationToken).ConfigureAwait(false);
                if (bounds[0][0] is null || bounds[0][1] is null) return ByValue = false;
                minKey = Convert.ToDecimal(bounds[0][0], CultureInfo.InvariantCulture);
                maxKey = Convert.ToDecimal(bounds[0][1], CultureInfo.InvariantCulture);
                // The statistics' row count over the key range: an estimate, which the first chunk corrects.
                width = WidthFor(Table.EstimatedRows <= 0 ? 1m : Math.Min(1m, Table.EstimatedRows / (maxKey - minKey + 1)));
                return true;
            }

            /// <summary>
            /// The upper key of the chunk after lastKey: by value, never past the largest key (so even the last chunk is a
            /// bounded range); by boundary query, null when the chunk runs to the end.
            /// </summary>
            public async Task<List<object?>?> BoundaryAsync(List<object?>? lastKey, CancellationToken cancellationToken)
            {
                if (ByValue) return new List<object?> { IntegerKeyValue(candidate.ChunkKey[0], Math.Min(First(lastKey) + width - 1, maxKey)) };
                return await NthKeyAfterAsync(lastKey, cancellationToken).ConfigureAwait(false);
            }

            /// <summary>
            /// The last key a chunk copied, or null when the copy has reached the end: its upper bound, unless a chunk by
            /// value stopped at its row limit first, where one boundary query finds the key it stopped at.
            /// </summary>
            public async Task<List<object?>?> CopiedThroughAsync(List<object?>? lastKey, List<object?>? upper, long rows, CancellationToken cancellationToken)
            {
                if (!ByValue) return upper;
                // chunkRows consecutive integers cannot hold more than chunkRows rows: such a chunk copied its whole range.
                var through = rows < ChunkRows || Value(upper!) - First(lastKey) + 1 <= ChunkRows
                    ? upper!
                    : (await NthKeyAfterAsync(lastKey, cancellationToken).ConfigureAwait(false))!;
                // The largest key copied: the copy is complete, with no empty chunk after it.
                return Value(through) >= maxKey ? null : through;
            }

            /// <summary>The next chunk's width, from the density of the one just copied.</summary>
            public void Observed(List<object?>? lastKey, List<object?> through, long rows)
            {
                if (!ByValue) return;
                var span = Value(through) - First(lastKey) + 1;
                var next = rows == 0 ? width * Growth : WidthFor(Math.Min(1m, rows / span));
                width = Math.Min(next, width * Growth);
            }

            /// <summary>Integers that hold about Fill x chunkRows rows at this density, and never fewer than chunkRows (which cannot hold more).</summary>
            decimal WidthFor(decimal density) =>
                Math.Min(maxKey - minKey + 1, Math.Max(ChunkRows, Math.Floor(ChunkRows * Fill / density)));

            decimal First(List<object?>? lastKey) => lastKey is null ? minKey : Value(lastKey) + 1;

            static decimal Value(List<object?> key) => Convert.ToDecimal(key[0], CultureInfo.InvariantCulture);

            /// <summary>The chunkRows-th key after lastKey (a walk of chunkRows index entries), or null when fewer follow.</summary>
            async Task<List<object?>?> NthKeyAfterAsync(List<object?>? lastKey, CancellationToken cancellationToken)
            {
                var lower = lastKey is null ? "" : " WHERE " + After(keyNames, "l");
                await flusher.context.ReachedAsync("Boundary").ConfigureAwait(false);
                var boundary = await flusher.session.QueryAsync(
                    $"SELECT {KeyList} FROM {backup}{ForceIndex}{lower} ORDER BY {KeyList} LIMIT 1 OFFSET {ChunkRows - 1}",
                    cancellationToken, Parameters("l", lastKey)).ConfigureAwait(false);
                return boundary.Count == 0 ? null : Enumerable.Range(0, keyNames.Count).Select(i => boundary[0][i]).ToList();
            }

            public (string Where, MySqlParameter[] Parameters) Range(List<object?>? last, List<object?>? upper) =>
                ByValue && last is not null && upper is not null ? ValueRange(candidate.ChunkKey[0], last[0], upper[0]) : KeyRange(keyNames, last, upper);

            public string Describe(List<object?>? last, List<object?>? upper) =>
                $"{Table.Schema}.{Table.Name} ({string.Join(", ", keyNames)}) > {(last is null ? "(start)" : KeyCodec.Describe(last))}" +
                (upper is null ? "" : $" and <= {KeyCodec.Describe(upper)}");
        }
    }
}
