using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Binlog;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using MySqlConnector;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// Reads a run's binlog ranges from the server over the replication protocol, as a consumer does, once, and checks
    /// each flushed table in them: its CREATE TABLE logged once under its schema before its rows, as many rows as the
    /// flush copied, no transaction above the chunk bound, keys increasing from chunk to chunk, no row of a backup table,
    /// and nothing else changing it in the range: no UPDATE or DELETE rows, no ALTER, DROP, TRUNCATE or RENAME. Reads
    /// only: the flush's result is left as it is.
    /// </summary>
    public sealed class FlushVerifier
    {
        readonly ConnectionSettings settings;

        public FlushVerifier(ConnectionSettings settings)
        {
            this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
        }

        /// <summary>Verifies <paramref name="tables"/> in <paramref name="ranges"/>; a binlog or server that cannot be read is a <see cref="FlushException"/> (VerificationFailed).</summary>
        /// <param name="countTables">Compare each table's COUNT(*) too: right after the flush only, before anything can have written to it.</param>
        public async Task<IReadOnlyList<TableVerification>> VerifyAsync(IReadOnlyList<BinlogRange> ranges, IReadOnlyList<TableExpectation> tables, CancellationToken cancellationToken, bool countTables = true)
        {
            if (ranges is null) throw new ArgumentNullException(nameof(ranges));
            if (tables is null) throw new ArgumentNullException(nameof(tables));
            if (ranges.Count == 0 || ranges.Any(r => r.Start is null))
                throw new FlushException(FlushErrorKind.VerificationFailed, $"{settings.Target}: the run records no binlog range to verify.");
            try
            {
                // A resumed run's chunks may have had another bound before the resume: the bound is checked on one run alone.
                var tallies = await ReadTablesAsync(tables, countTables, checkBound: ranges.Count == 1, cancellationToken).ConfigureAwait(false);
                foreach (var range in ranges)
                {
                    await ReadRangeAsync(range, tallies, cancellationToken).ConfigureAwait(false);
                    // A range that ends inside a transaction (a binlog cut by a crash) does not run on into the next one.
                    foreach (var tally in tallies.Values) tally.EndTransaction();
                }
                return tallies.Values.Select(t => t.Result()).ToList();
            }
            catch (BinlogReaderException e)
            {
                // 1236: the dump cannot start or go on, mostly because the range's files are gone.
                throw Failed(e.Message + (e.ServerErrorCode == 1236 ? " The run's binlog files may have been purged (PURGE BINARY LOGS, or binlog expiry) since it ran." : ""), e);
            }
            catch (FlushException e) when (e.Kind != FlushErrorKind.VerificationFailed)
            {
                throw Failed(e.Message, e);
            }
            catch (MySqlException e)
            {
                throw Failed(FlushException.ServerMessage(e), e);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                throw Failed(e.Message, e);
            }
        }

        /// <summary>
        /// Verifies a finished run from its state file: the file is refused (StateFileMismatch) when it was written on
        /// another server, else its flushed tables are verified in its binlog ranges.
        /// </summary>
        public async Task<IReadOnlyList<TableVerification>> VerifyRunAsync(FlushJournal journal, string path, CancellationToken cancellationToken)
        {
            if (journal is null) throw new ArgumentNullException(nameof(journal));
            // A run that did not complete is no snapshot, and a range without its end would read on into later writes.
            if (journal.Status != "Completed" || journal.BinlogRanges.Any(r => r.End is null))
                throw new FlushException(FlushErrorKind.InvalidInput, $"The run in '{path}' did not complete (status {journal.Status}): only a completed run is one snapshot to verify.");
            await using (var session = await ServerSession.OpenAsync(settings, null, cancellationToken).ConfigureAwait(false))
                await JournalOwner.CheckAsync(session, journal, path, "verify", cancellationToken).ConfigureAwait(false);
            // Later, the tables may have changed since the run (replication, applications): their binlog is what is checked.
            return await VerifyAsync(journal.BinlogRanges, TableExpectation.Of(journal), cancellationToken, countTables: false).ConfigureAwait(false);
        }

        FlushException Failed(string why, Exception inner) =>
            new FlushException(FlushErrorKind.VerificationFailed, $"{settings.Target}: cannot verify the flush in its binlog: {why}", inner);

        /// <summary>Each table's chunk key positions (its primary key, else its shortest NOT NULL unique key) and COUNT(*), read once before the binlog.</summary>
        async Task<Dictionary<(string, string), TableTally>> ReadTablesAsync(IReadOnlyList<TableExpectation> tables, bool countTables, bool checkBound, CancellationToken cancellationToken)
        {
            await using var session = await ServerSession.OpenAsync(settings, null, cancellationToken).ConfigureAwait(false);
            var tallies = new Dictionary<(string, string), TableTally>(await TableNameComparer.OfServerAsync(session, cancellationToken).ConfigureAwait(false));
            // Once replication runs again (-StartReplica), its writes change the tables: their count says nothing of the flush.
            var inspector = new ServerInspector(session);
            var replicating = !countTables || (await inspector.ReadChannelsAsync(await inspector.ReadDialectAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)).Any(c => c.SqlRunning);
            foreach (var table in tables)
            {
                var rows = await session.QueryAsync(
                    "SELECT s.INDEX_NAME, c.ORDINAL_POSITION, c.IS_NULLABLE, c.DATA_TYPE, c.COLUMN_TYPE FROM information_schema.STATISTICS s " +
                    "JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME " +
                    "WHERE s.NON_UNIQUE = 0 AND s.TABLE_SCHEMA = @schema AND s.TABLE_NAME = @table ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX",
                    cancellationToken, new MySqlParameter("@schema", table.Schema), new MySqlParameter("@table", table.Table)).ConfigureAwait(false);
                // Key order is checked on an integer primary key only: the flush's chunk key then (a primary key is its
                // first choice), and integers order in the binlog as on the server. Text keys follow collations and
                // binary keys bytes, which the reader's values do not carry.
                var primary = rows.Where(r => r.Text("INDEX_NAME") == "PRIMARY").ToList();
                var integerKey = primary.Count > 0 && primary.All(r => IntegerColumn.Bytes(r.Text("DATA_TYPE")) > 0);
                var key = integerKey ? primary.Select(r => (int)r.Long("ORDINAL_POSITION") - 1).ToList() : new List<int>();
                var unsigned = integerKey
                    ? primary.Select(r => (r.Text("COLUMN_TYPE") ?? "").IndexOf("unsigned", StringComparison.OrdinalIgnoreCase) >= 0 ? IntegerColumn.Bytes(r.Text("DATA_TYPE")) : 0).ToList()
                    : new List<int>();
                tallies[(table.Schema, table.Table)] = new TableTally(table, key, unsigned, checkBound ? table.ChunkRows : 0, replicating ? null : await CountAsync(session, table, cancellationToken).ConfigureAwait(false));
            }
            return tallies;
        }

        /// <summary>The table's rows now; null when it cannot be counted (dropped or renamed since): its binlog is still checked.</summary>
        static async Task<long?> CountAsync(ServerSession session, TableExpectation table, CancellationToken cancellationToken)
        {
            try
            {
                var count = await session.ScalarAsync("SELECT COUNT(*) FROM " + SqlText.Qualified(table.Schema, table.Table), cancellationToken).ConfigureAwait(false);
                return count is null ? null : Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (MySqlException exception) when (exception.Number != 0)
            {
                return null;
            }
        }

        async Task ReadRangeAsync(BinlogRange range, Dictionary<(string, string), TableTally> tallies, CancellationToken cancellationToken)
        {
            var inTransaction = false;
            await foreach (var binlogEvent in BinlogReader.ReadAsync(settings, range.Start!, range.End, cancellationToken).ConfigureAwait(false))
            {
                switch (binlogEvent)
                {
                    case GtidEvent gtid:
                        inTransaction = !gtid.IsStandalone;
                        break;
                    case QueryEvent query when query.Statement.Trim().Equals("BEGIN", StringComparison.OrdinalIgnoreCase):
                        inTransaction = true;
                        break;
                    case QueryEvent query when query.Statement.Trim().Equals("COMMIT", StringComparison.OrdinalIgnoreCase):
                    case XidEvent:
                        foreach (var tally in tallies.Values) tally.EndTransaction();
                        inTransaction = false;
                        break;
                    case QueryEvent query when TableStatement.Parse(query.Schema, query.Statement) is { } statement:
                        foreach (var name in statement.Tables)
                        {
                            if (!tallies.TryGetValue(name, out var tally)) continue;
                            if (statement.CreatesTable) tally.Created(query.Schema);
                            else tally.Changes.Logged(statement.Kind, At(query));
                        }
                        break;
                    case RowsEvent rows:
                        CountRows(rows, tallies, inTransaction);
                        break;
                }
            }
        }

        static void CountRows(RowsEvent rows, Dictionary<(string, string), TableTally> tallies, bool inTransaction)
        {
            var table = rows.Table;
            if (StateJournalSchema.IsBackupName(table.Table))
            {
                var owners = tallies.Values.Where(t => t.Expected.Schema == table.Schema && t.Expected.BackupTable == table.Table).ToList();
                if (owners.Count == 0) owners = tallies.Values.Where(t => t.Expected.Schema == table.Schema).ToList();
                foreach (var owner in owners)
                    owner.Problem($"a row event names the backup table {table.Schema}.{table.Table}");
                return;
            }
            if (!tallies.TryGetValue((table.Schema, table.Table), out var tally)) return;
            switch (rows)
            {
                case WriteRowsEvent:
                    foreach (var row in rows.Rows) tally.Row(row, inTransaction);
                    break;
                case UpdateRowsEvent:
                    tally.Changes.Updated(rows.Rows.Count, At(rows));
                    break;
                case DeleteRowsEvent:
                    tally.Changes.Deleted(rows.Rows.Count, At(rows));
                    break;
            }
        }

        static string At(BinlogEvent binlogEvent) => binlogEvent.File + ":" + binlogEvent.Position.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
