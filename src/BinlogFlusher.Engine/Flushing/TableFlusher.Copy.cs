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
                if (upper is null)
                {
                    entry.PendingChunkUpper = null;
                    context.Journal.Update(_ => { });
                    ReportCopy(entry, walk.Table);
                    return;
                }
                walk.Observed(rows);
                last = upper;
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
                () => ExecuteChunkAsync($"{insert}{walk.ForceIndex}{where} ORDER BY {walk.KeyList}", parameters, cancellationToken),
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
        /// How one table's chunk key is walked. A single integer key is chunked by value while it is dense: chunkRows
        /// consecutive integers hold at most chunkRows rows, so no boundary query walks the key first (that walk is one
        /// more read of the whole table). A chunk of such a range that copies fewer than half of chunkRows (gaps, sparse
        /// keys) turns the rest of the table over to boundary queries, so sparse keys never run as thousands of tiny chunks.
        /// </summary>
        sealed class ChunkWalk
        {
            readonly TableFlusher flusher;
            readonly FlushCandidate candidate;
            readonly string backup;
            readonly List<string> keyNames;
            decimal minKey, maxKey;

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

            /// <summary>The smallest and largest key, for chunks by value; a table without keys goes by boundary queries.</summary>
            public async Task<bool> ReadBoundsAsync(CancellationToken cancellationToken)
            {
                if (!ByValue) return false;
                var bounds = await flusher.session.QueryAsync($"SELECT MIN({KeyList}), MAX({KeyList}) FROM {backup}", cancellationToken).ConfigureAwait(false);
                if (bounds[0][0] is null || bounds[0][1] is null) return ByValue = false;
                minKey = Convert.ToDecimal(bounds[0][0], CultureInfo.InvariantCulture);
                maxKey = Convert.ToDecimal(bounds[0][1], CultureInfo.InvariantCulture);
                return true;
            }

            /// <summary>The upper key of the chunk after lastKey, or null when it is the last chunk.</summary>
            public async Task<List<object?>?> BoundaryAsync(List<object?>? lastKey, CancellationToken cancellationToken)
            {
                if (ByValue)
                {
                    var upperValue = lastKey is null ? minKey + (ChunkRows - 1) : Convert.ToDecimal(lastKey[0], CultureInfo.InvariantCulture) + ChunkRows;
                    return upperValue < maxKey ? new List<object?> { IntegerKeyValue(candidate.ChunkKey[0], upperValue) } : null;
                }
                var lower = lastKey is null ? "" : " WHERE " + After(keyNames, "l");
                await flusher.context.ReachedAsync("Boundary").ConfigureAwait(false);
                var boundary = await flusher.session.QueryAsync(
                    $"SELECT {KeyList} FROM {backup}{ForceIndex}{lower} ORDER BY {KeyList} LIMIT 1 OFFSET {ChunkRows - 1}",
                    cancellationToken, Parameters("l", lastKey)).ConfigureAwait(false);
                return boundary.Count == 0 ? null : Enumerable.Range(0, keyNames.Count).Select(i => boundary[0][i]).ToList();
            }

            /// <summary>What a chunk copied: a sparse range of integers turns the walk over to boundary queries.</summary>
            public void Observed(long rows)
            {
                if (ByValue && rows < ChunkRows / 2) ByValue = false;
            }

            public (string Where, MySqlParameter[] Parameters) Range(List<object?>? last, List<object?>? upper) =>
                ByValue && last is not null && upper is not null ? ValueRange(candidate.ChunkKey[0], last[0], upper[0]) : KeyRange(keyNames, last, upper);

            public string Describe(List<object?>? last, List<object?>? upper) =>
                $"{Table.Schema}.{Table.Name} ({string.Join(", ", keyNames)}) > {(last is null ? "(start)" : KeyCodec.Describe(last))}" +
                (upper is null ? "" : $" and <= {KeyCodec.Describe(upper)}");
        }
    }
}
