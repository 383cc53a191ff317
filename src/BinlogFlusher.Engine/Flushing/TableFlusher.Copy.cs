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
            if (candidate.ChunkKey.Count == 0) await CopyInOneStatementAsync(candidate, entry, insert, cancellationToken).ConfigureAwait(false);
            else await CopyInChunksAsync(new ChunkWalk(this, candidate, entry, backup), insert, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>A table without a chunk key; a resumed one starts its rows over.</summary>
        async Task CopyInOneStatementAsync(FlushCandidate candidate, JournalTable entry, string insert, CancellationToken cancellationToken)
        {
            var reconnects = 0;
            entry.RowsCopied = 0;
            entry.CopyStarted = true;
            await EnterPhaseAsync(entry, TablePhase.Copying).ConfigureAwait(false);
            await session.ExecuteAsync(ServerPhase(new[] { entry }), CancellationToken.None).ConfigureAwait(false);
            var rows = await WithReconnectAsync(() => ExecuteChunkAsync(insert, Array.Empty<MySqlParameter>(), cancellationToken),
                AllRowsRepeat($"all rows of {candidate.Schema}.{candidate.Name} (copied in one statement)", candidate), entry, () => ++reconnects, cancellationToken).ConfigureAwait(false);
            entry.RowsCopied = rows;
            entry.Chunks = 1;
            Interlocked.Add(ref context.RowsCopied, rows);
            context.Journal.Update(_ => { });
            ReportCopy(entry, candidate.Table);
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
                walk.Observed(through, rows);
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
                walk.Repeats(last, upper), entry, countReconnect, cancellationToken).ConfigureAwait(false);
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
        /// walks a chunk's worth of keys ahead of it (each such walk is one more read of those rows): a chunk spans as
        /// many integers as the density seen so far says hold about chunkRows rows, and LIMIT chunkRows bounds it where
        /// the keys clump. The density comes from the last chunk, or from a probe of the next few keys at the start and
        /// after a chunk that found the keys sparser than expected (a gap, perhaps: the probe steps over it). Only a
        /// chunk that reaches its row limit asks where it ended, with one boundary query. Other keys find each chunk's
        /// upper key by a boundary query.
        /// </summary>
        sealed class ChunkWalk
        {
            /// <summary>The share of chunkRows a chunk by value aims at after a chunk of the same density, so that a density a little above the last one's rarely meets the limit.</summary>
            const decimal Fill = 0.9m;
            /// <summary>The same after a probe, whose few keys tell the density less surely than a whole chunk.</summary>
            const decimal ProbeFill = 0.75m;
            /// <summary>How much wider than the last a chunk by value may grow at once (a gap ahead may end in dense keys).</summary>
            const decimal Growth = 16m;
            /// <summary>The most keys a probe reads: about 1 % of a default chunk.</summary>
            const int ProbeRowsAtMost = 1000;

            readonly TableFlusher flusher;
            readonly FlushCandidate candidate;
            readonly string backup;
            readonly List<string> keyNames;
            readonly ChunkKeySql keySql;
            decimal minKey, maxKey, width, chunkStart;
            bool probeNext = true, metLimit;

            public ChunkWalk(TableFlusher flusher, FlushCandidate candidate, JournalTable entry, string backup)
            {
                this.flusher = flusher;
                this.candidate = candidate;
                this.backup = backup;
                Entry = entry;
                ChunkRows = flusher.context.Options.ChunkRows(candidate.Table);
                entry.ChunkRows = ChunkRows;
                keyNames = candidate.ChunkKey.Select(c => c.Name).ToList();
                keySql = new ChunkKeySql(candidate.ChunkKey);
                KeyList = keySql.List;
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

            /// <summary>Keys a probe reads: a tenth of a chunk, at most ProbeRowsAtMost.</summary>
            int ProbeRows => Math.Max(1, Math.Min(ProbeRowsAtMost, ChunkRows / 10));

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

            /// <summary>
            /// The upper key of the chunk after lastKey: by value, never past the largest key (so even the last chunk is a
            /// bounded range); by boundary query, null when the chunk runs to the end.
            /// </summary>
            public async Task<List<object?>?> BoundaryAsync(List<object?>? lastKey, CancellationToken cancellationToken)
            {
                if (!ByValue) return await NthKeyAfterAsync(lastKey, ChunkRows, cancellationToken).ConfigureAwait(false);
                chunkStart = First(lastKey);
                if (probeNext) await ProbeAsync(lastKey, cancellationToken).ConfigureAwait(false);
                return new List<object?> { IntegerKeyValue(candidate.ChunkKey[0], Math.Min(chunkStart + width - 1, maxKey)) };
            }

            /// <summary>
            /// The first key after lastKey and the density of the few that follow it: the next chunk starts its width at
            /// that key (stepping over a gap before it) and sizes it by that density. Fewer keys than the probe reads
            /// mean the rest of the table fits in one chunk.
            /// </summary>
            async Task ProbeAsync(List<object?>? lastKey, CancellationToken cancellationToken)
            {
                var lower = lastKey is null ? "" : " WHERE " + keySql.After("l");
                await flusher.context.ReachedAsync("Probe").ConfigureAwait(false);
                var probe = await flusher.session.QueryAsync(
                    $"SELECT MIN(probe.k), MAX(probe.k), COUNT(*) FROM (SELECT {KeyList} AS k FROM {backup}{ForceIndex}{lower} ORDER BY {KeyList} LIMIT {ProbeRows}) AS probe",
                    cancellationToken, keySql.Parameters("l", lastKey)).ConfigureAwait(false);
                // Only a probe that answered counts: one cut off by a lost connection runs again after the reconnect.
                probeNext = false;
                var count = Convert.ToInt64(probe[0][2], CultureInfo.InvariantCulture);
                if (count < ProbeRows)
                {
                    width = maxKey - chunkStart + 1;
                    return;
                }
                var first = Convert.ToDecimal(probe[0][0], CultureInfo.InvariantCulture);
                var last = Convert.ToDecimal(probe[0][1], CultureInfo.InvariantCulture);
                chunkStart = first;
                width = WidthFor(count / (last - first + 1), ProbeFill);
            }

            /// <summary>
            /// The last key a chunk copied, or null when the copy has reached the end: its upper bound, unless a chunk by
            /// value stopped at its row limit first, where one boundary query finds the key it stopped at.
            /// </summary>
            public async Task<List<object?>?> CopiedThroughAsync(List<object?>? lastKey, List<object?>? upper, long rows, CancellationToken cancellationToken)
            {
                if (!ByValue) return upper;
                // chunkRows consecutive integers cannot hold more than chunkRows rows: such a chunk copied its whole range
                // (counted from its first key, when a probe found none before it).
                metLimit = rows >= ChunkRows && Value(upper!) - chunkStart + 1 > ChunkRows;
                var through = metLimit ? (await NthKeyAfterAsync(lastKey, ChunkRows, cancellationToken).ConfigureAwait(false))! : upper!;
                // The largest key copied: the copy is complete, with no empty chunk after it.
                return Value(through) >= maxKey ? null : through;
            }

            /// <summary>
            /// The next chunk's width, from the density of the one just copied (from its first key on, when a probe
            /// stepped over a gap before it). A chunk that found fewer than half the rows it aimed at, or met its row
            /// limit, probes the next: the density has changed.
            /// </summary>
            public void Observed(List<object?> through, long rows)
            {
                if (!ByValue) return;
                var span = Value(through) - chunkStart + 1;
                probeNext = rows < ChunkRows * Fill / 2 || metLimit;
                var next = rows == 0 ? width * Growth : WidthFor(Math.Min(1m, rows / span), Fill);
                width = Math.Min(next, width * Growth);
            }

            /// <summary>Integers that hold about fill x chunkRows rows at this density, and never fewer than chunkRows (which cannot hold more).</summary>
            decimal WidthFor(decimal density, decimal fill) =>
                Math.Min(maxKey - minKey + 1, Math.Max(ChunkRows, Math.Floor(ChunkRows * fill / Math.Min(1m, density))));

            decimal First(List<object?>? lastKey) => lastKey is null ? minKey : Value(lastKey) + 1;

            static decimal Value(List<object?> key) => Convert.ToDecimal(key[0], CultureInfo.InvariantCulture);

            /// <summary>The n-th key after lastKey (a walk of n index entries), or null when fewer follow.</summary>
            async Task<List<object?>?> NthKeyAfterAsync(List<object?>? lastKey, int n, CancellationToken cancellationToken)
            {
                var lower = lastKey is null ? "" : " WHERE " + keySql.After("l");
                await flusher.context.ReachedAsync("Boundary").ConfigureAwait(false);
                var boundary = await flusher.session.QueryAsync(
                    $"SELECT {keySql.Select} FROM {backup}{ForceIndex}{lower} ORDER BY {KeyList} LIMIT 1 OFFSET {n - 1}",
                    cancellationToken, keySql.Parameters("l", lastKey)).ConfigureAwait(false);
                return boundary.Count == 0 ? null : keySql.Read(boundary[0]);
            }

            public (string Where, MySqlParameter[] Parameters) Range(List<object?>? last, List<object?>? upper) =>
                ByValue && last is not null && upper is not null ? ValueRange(candidate.ChunkKey[0], last[0], upper[0]) : keySql.Range(last, upper);

            /// <summary>The chunk after <paramref name="last"/> up to <paramref name="upper"/>, as a range whose rows may repeat.</summary>
            public RepeatRange Repeats(List<object?>? last, List<object?>? upper) =>
                KeysRepeat(Table, keyNames, last?.Select(KeyCodec.Encode).ToList(), upper?.Select(KeyCodec.Encode).ToList());
        }
    }
}
