using System;
using System.Collections.Generic;
using System.Diagnostics;
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
    /// <summary>
    /// Small tables flushed together. Where a table holds a few rows its steps, not its rows, take the time: five DDL
    /// round trips, a few queries and six journal writes. A batch takes each phase for all its tables at once: the
    /// journal written once per phase for all of them (before the step, as for one table), one round trip per step,
    /// one RENAME TABLE (atomic) taking them all out of place and one putting them all back. Each table is out of place
    /// only while its batch is flushed. A failure anywhere is restored per table from the journal, as for one table.
    /// </summary>
    sealed partial class TableFlusher
    {
        /// <summary>At most this many tables in one batch.</summary>
        public const int BatchTables = 50;

        /// <summary>
        /// Batched: a table estimated to hold no more than a tenth of a chunk, that this run has not begun yet (a resumed
        /// table continues on its own, from where its journal entry says).
        /// </summary>
        public static bool Batchable(FlushCandidate candidate, JournalTable entry, FlushOptions options) =>
            candidate.Table.EstimatedRows <= options.ChunkRows(candidate.Table) / 10 && !entry.CreateAttempted && !entry.CopyStarted;

        public async Task<IReadOnlyList<TableFlushResult>> FlushBatchAsync(IReadOnlyList<(FlushCandidate Candidate, JournalTable Entry)> tables, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var entries = tables.Select(t => t.Entry).ToList();
            var moves = entries.Select(Move).ToList();
            var originals = moves.Select(m => m.Original).ToList();
            var backups = moves.Select(m => m.BackupQualified).ToList();
            var all = Enumerable.Range(0, tables.Count).ToList();

            cancellationToken.ThrowIfCancellationRequested();
            var definitions = await session.QueryResultSetsAsync(string.Join("; ", originals.Select(o => "SHOW CREATE TABLE " + o)), cancellationToken).ConfigureAwait(false);
            var loggedCreates = all.Select(i => TableDefinitions.LoggedCreateTable(
                definitions[i].FirstOrDefault()?.Text("Create Table") ?? throw new FlushException(FlushErrorKind.ServerError, $"SHOW CREATE TABLE {originals[i]} returned no definition."),
                context.Dialect.CheckConstraintNamesAreSchemaWide)).ToList();

            await EnterPhaseAsync(entries, TablePhase.Renamed).ConfigureAwait(false);
            // One try: a metadata lock on any one of them holds the whole rename, so the caller flushes each table on its own instead.
            await RenameOutAsync(entries, WriteStatements.RenameOut(moves), attempts: 1).ConfigureAwait(false);
            await context.ReachedAsync("Renamed").ConfigureAwait(false);

            // From here on the tables are out of place: the caller restores them whatever happens.
            entries.ForEach(e => e.CreateAttempted = true);
            await EnterPhaseAsync(entries, TablePhase.Created).ConfigureAwait(false);
            await session.ExecuteAsync(WriteStatements.LoggedCreates(moves, loggedCreates), CancellationToken.None).ConfigureAwait(false);
            context.Journal.Update(_ => entries.ForEach(e => e.CreateLogged = true));
            await context.ReachedAsync("Created").ConfigureAwait(false);

            await EnterPhaseAsync(entries, TablePhase.Twin).ConfigureAwait(false);
            await session.ExecuteAsync(WriteStatements.Twins(moves, tables.Select(t => TableDefinitions.BlackholeTwin(t.Candidate.Table)).ToList()), CancellationToken.None).ConfigureAwait(false);
            await context.ReachedAsync("Twin").ConfigureAwait(false);

            // Counted first: a table holding more than a chunk after all (its estimate was off) is copied in chunks on its own.
            entries.ForEach(e => e.CopyStarted = true);
            await EnterPhaseAsync(entries, TablePhase.Copying).ConfigureAwait(false);
            var counted = await session.QueryResultSetsAsync($"{ServerPhase(entries)}; " + string.Join("; ", backups.Select(b => $"SELECT COUNT(*) FROM {b}")), cancellationToken).ConfigureAwait(false);
            var counts = counted.Select(rows => Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture)).ToList();
            var chunkRows = tables.Select(t => context.Options.ChunkRows(t.Candidate.Table)).ToList();
            var together = all.Where(i => counts[i] <= chunkRows[i] || tables[i].Candidate.ChunkKey.Count == 0).ToList();
            var alone = all.Except(together).ToList();
            await context.ReachedAsync("BatchCounted").ConfigureAwait(false);
            if (together.Count > 0 && !await CopyTogetherAsync(tables, entries, together, counts, chunkRows, cancellationToken).ConfigureAwait(false)) alone = all;
            foreach (var i in alone)
            {
                var entry = tables[i].Entry;
                await CopyAsync(tables[i].Candidate, entry, backups[i], originals[i], cancellationToken).ConfigureAwait(false);
                if (entry.RowsCopied != counts[i]) throw RowCountMismatch(tables[i].Candidate.Table, entry.RowsCopied, counts[i]);
            }
            await context.ReachedAsync("Copied").ConfigureAwait(false);

            await RestoreAsync(entries).ConfigureAwait(false);

            return entries.Select(e => TableFlushResult.Of(e, TableFlushStatus.Flushed, clock.Elapsed)).ToList();
        }

        /// <summary>
        /// The tables of a batch that hold at most a chunk, each by one autocommit INSERT ... SELECT (its own binlog
        /// transaction), in one round trip; false when the connection was lost and each must be copied again on its own.
        /// </summary>
        async Task<bool> CopyTogetherAsync(IReadOnlyList<(FlushCandidate Candidate, JournalTable Entry)> tables, List<JournalTable> entries, List<int> together,
            List<long> counts, List<int> chunkRows, CancellationToken cancellationToken)
        {
            try
            {
                // One autocommit INSERT ... SELECT a table, each its own binlog transaction; ROW_COUNT() says what each wrote.
                var copied = await session.QueryResultSetsAsync(WriteStatements.Logged + "; " +
                                                                string.Join("; ", together.Select(i => $"{InsertAll(tables[i].Candidate.Table, entries[i])}; SELECT ROW_COUNT()")),
                    cancellationToken).ConfigureAwait(false);
                foreach (var (i, rows) in together.Zip(copied, (i, set) => (i, Convert.ToInt64(set[0][0], CultureInfo.InvariantCulture))))
                {
                    if (rows != counts[i]) throw RowCountMismatch(tables[i].Candidate.Table, rows, counts[i]);
                    var entry = tables[i].Entry;
                    entry.RowsCopied = rows;
                    entry.Chunks = 1;
                    if (tables[i].Candidate.ChunkKey.Count > 0) entry.ChunkRows = chunkRows[i];
                    Interlocked.Add(ref context.RowsCopied, rows);
                }
                context.ReportHostProgress(FlushRun.CopyingStage);
                context.Journal.Update(_ => { });
                await context.ReachedAsync("Chunk1").ConfigureAwait(false);
                return true;
            }
            catch (MySqlException exception) when (FlushContext.IsConnectionLoss(exception, session) && !cancellationToken.IsCancellationRequested)
            {
                // Which of the INSERTs ran is unknown: each table is copied again on its own, its rows reported as possibly twice in the binlog.
                // Under the journal's lock: another worker may be writing the journal out meanwhile.
                context.Journal.Update(_ =>
                {
                    foreach (var i in together)
                        tables[i].Entry.AddMayRepeat(AllRowsRepeat($"all rows of {tables[i].Candidate.Schema}.{tables[i].Candidate.Name} (copied with its batch)", tables[i].Candidate));
                });
                context.Listener.Warning($"{context.Target}: the connection was lost while copying {together.Count} small tables together ({exception.Message}); reconnecting and copying each again. Their rows may appear twice in the binlog.");
                await ReconnectAsync($"the connection was lost while copying {together.Count} small tables together").ConfigureAwait(false);
                return false;
            }
        }
    }
}
