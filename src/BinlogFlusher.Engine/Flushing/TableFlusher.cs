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
    /// Flushes one table, phase by phase: rename to the backup (unlogged), CREATE TABLE (logged), BLACKHOLE twin
    /// (unlogged), copy in keyset chunks (logged), drop the twin and rename the backup back (unlogged). The journal is
    /// written before each phase begins. Rename and restore steps are never cancelled half way; the copy is.
    /// </summary>
    sealed partial class TableFlusher
    {
        const int LockWaitTimeout = 1205;
        readonly FlushContext context;
        ServerSession session;

        public TableFlusher(FlushContext context, ServerSession session)
        {
            this.context = context;
            this.session = session;
        }

        /// <summary>The worker's session, which a reconnect may have replaced.</summary>
        public ServerSession Session => session;

        public async Task<TableFlushResult> FlushAsync(FlushCandidate candidate, JournalTable entry, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var table = candidate.Table;
            var move = Move(entry);
            var original = move.Original;
            var backup = move.BackupQualified;

            cancellationToken.ThrowIfCancellationRequested();
            var inspector = new ServerInspector(session);
            var loggedCreate = TableDefinitions.LoggedCreateTable(
                await inspector.ShowCreateTableAsync(table.Schema, table.Name, cancellationToken).ConfigureAwait(false),
                context.Dialect.CheckConstraintNamesAreSchemaWide);

            await EnterPhaseAsync(entry, TablePhase.Renamed).ConfigureAwait(false);
            await RenameOutAsync(new[] { entry }, WriteStatements.RenameOut(new[] { move }), context.Options.RenameAttempts).ConfigureAwait(false);
            await context.ReachedAsync("Renamed").ConfigureAwait(false);

            // From here on the table is out of place: the caller restores it whatever happens.
            // A resumed table whose CREATE TABLE already reached the binlog does not log it again.
            var resuming = entry.CreateLogged;
            if (!resuming)
            {
                entry.CreateAttempted = true;
                await EnterPhaseAsync(entry, TablePhase.Created).ConfigureAwait(false);
                await session.ExecuteAsync(WriteStatements.LoggedCreates(new[] { move }, new[] { loggedCreate }), CancellationToken.None).ConfigureAwait(false);
                context.Journal.Update(_ => entry.CreateLogged = true);
                await context.ReachedAsync("Created").ConfigureAwait(false);
            }

            await EnterPhaseAsync(entry, TablePhase.Twin).ConfigureAwait(false);
            await session.ExecuteAsync(WriteStatements.Twins(new[] { move }, new[] { TableDefinitions.BlackholeTwin(table) }, dropFirst: !resuming), CancellationToken.None).ConfigureAwait(false);
            await context.ReachedAsync("Twin").ConfigureAwait(false);

            await CopyAsync(candidate, entry, backup, original, cancellationToken).ConfigureAwait(false);
            await context.ReachedAsync("Copied").ConfigureAwait(false);

            // A chunked copy is complete by construction: its key ranges follow each other from the first key to past the
            // last, and each bounded chunk was checked. A copy in one statement is counted against the table here.
            if (candidate.ChunkKey.Count == 0)
            {
                var backupRows = Convert.ToInt64(await session.ScalarAsync($"SELECT COUNT(*) FROM {backup}", CancellationToken.None).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (backupRows != entry.RowsCopied) throw RowCountMismatch(table, entry.RowsCopied, backupRows);
            }

            await RestoreAsync(new[] { entry }).ConfigureAwait(false);
            return TableFlushResult.Of(entry, TableFlushStatus.Flushed, clock.Elapsed);
        }

        /// <summary>Drops the twins and renames the backups back (one RENAME TABLE for all of them), journaled as for one table.</summary>
        async Task RestoreAsync(IReadOnlyList<JournalTable> entries)
        {
            var moves = entries.Select(Move).ToList();
            await EnterPhaseAsync(entries, TablePhase.Restoring).ConfigureAwait(false);
            await session.ExecuteAsync(WriteStatements.DropTwins(moves), CancellationToken.None).ConfigureAwait(false);
            await context.ReachedAsync("TwinDropped").ConfigureAwait(false);
            var back = await RenameWithRetryAsync(WriteStatements.RenameBack(moves)).ConfigureAwait(false);
            foreach (var entry in entries)
                if (context.AsideWindows.TryGetValue(entry, out var window)) window.To = back;
            foreach (var entry in entries) entry.Flushed = true;
            await EnterPhaseAsync(entries, TablePhase.Restored).ConfigureAwait(false);
            await session.ExecuteAsync(WriteStatements.Phase(moves, TablePhase.Restored), CancellationToken.None).ConfigureAwait(false);
        }

        internal static TableMove Move(JournalTable entry) => new TableMove(entry.Schema, entry.Table, entry.BackupTable);

        Task EnterPhaseAsync(JournalTable entry, TablePhase phase) => EnterPhaseAsync(new[] { entry }, phase);

        /// <summary>The journal written once for all the tables entering a phase (one table, or a batch), then their progress.</summary>
        async Task EnterPhaseAsync(IReadOnlyList<JournalTable> entries, TablePhase phase)
        {
            context.Journal.Update(_ =>
            {
                foreach (var entry in entries) entry.Phase = phase;
            });
            // Small tables copied together are one step of the host's progress, not a bar each.
            if (entries.Count == 1)
            {
                var entry = entries[0];
                context.Listener.TableProgress(new TableProgress
                {
                    Target = context.Target,
                    Schema = entry.Schema,
                    Table = entry.Table,
                    RowsCopied = entry.RowsCopied,
                    Stage = TableProgress.StageOf(phase, entry.Flushed),
                    Completed = phase == TablePhase.Restored,
                });
            }
            await Task.CompletedTask.ConfigureAwait(false);
        }

        static string ServerPhase(IReadOnlyList<JournalTable> entries) => WriteStatements.Phase(entries.Select(Move).ToList(), entries[0].Phase);

        /// <summary>
        /// RENAME waits at most lock_wait_timeout for the metadata lock, so readers never queue long behind it; retried a
        /// few times. Returns the binlog coordinates right after it, read in the same round trip (an AsideWindow's end).
        /// </summary>
        async Task<BinlogCoordinates> RenameWithRetryAsync(string sql, int attempts = 0)
        {
            attempts = attempts > 0 ? attempts : context.Options.RenameAttempts;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var sets = await session.QueryResultSetsAsync(sql + "; " + context.Dialect.BinlogStatus, CancellationToken.None).ConfigureAwait(false);
                    return ServerInspector.CoordinatesOf(sets[sets.Count - 1]);
                }
                catch (MySqlException exception) when (exception.Number == LockWaitTimeout && attempt < attempts)
                {
                    context.Listener.Warning($"{context.Target}: a metadata lock held the rename ({exception.Message}); attempt {attempt + 1} of {attempts}.");
                    await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt)).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// The rename that takes tables out of place, which opens their AsideWindow. When a metadata lock outlasts the
        /// attempts nothing has moved (RENAME TABLE is atomic): the tables go back to Pending and TablesLockedException
        /// says who holds the lock.
        /// </summary>
        async Task RenameOutAsync(IReadOnlyList<JournalTable> entries, string sql, int attempts)
        {
            try
            {
                var window = new AsideWindow(await RenameWithRetryAsync(sql, attempts).ConfigureAwait(false));
                foreach (var entry in entries) context.AsideWindows[entry] = window;
            }
            catch (MySqlException exception) when (exception.Number == LockWaitTimeout)
            {
                context.Journal.Update(_ =>
                {
                    foreach (var entry in entries) entry.Phase = TablePhase.Pending;
                });
                await session.ExecuteAsync(ServerPhase(entries), CancellationToken.None).ConfigureAwait(false);
                var inspector = new ServerInspector(session);
                var holders = new List<string>();
                // A batch's tables are each tried alone next, and the one still locked then is described.
                foreach (var entry in entries.Count == 1 ? entries : Array.Empty<JournalTable>())
                {
                    var holder = await inspector.DescribeLockHoldersAsync(context.Dialect, entry.Schema, entry.Table, CancellationToken.None).ConfigureAwait(false);
                    holders.Add(holder);
                }
                throw new TablesLockedException(entries, attempts, context.Options.LockWaitTimeoutSeconds, holders, exception);
            }
        }

        /// <summary>
        /// The same rows of an integer key as one BETWEEN (last + 1 cannot overflow: it is at most the table's largest key).
        /// The server checks one condition a row instead of two: measured, 2-3 % less server time for the copy.
        /// </summary>
        static (string Where, MySqlParameter[] Parameters) ValueRange(ColumnInfo key, object? last, object? upper)
        {
            var from = IntegerKeyValue(key, Convert.ToDecimal(last, CultureInfo.InvariantCulture) + 1);
            return ($" WHERE {SqlText.Identifier(key.Name)} BETWEEN @l0 AND @u0", new[] { new MySqlParameter("@l0", from), new MySqlParameter("@u0", upper) });
        }

        static bool IsIntegerKey(FlushCandidate candidate) =>
            candidate.ChunkKey.Count == 1 && IntegerColumn.Bytes(candidate.ChunkKey[0].DataType) > 0;

        /// <summary>A key value inside the column's range (it lies below the table's largest key), bound as long or ulong so the ends of BIGINT do not overflow.</summary>
        static object IntegerKeyValue(ColumnInfo column, decimal value) =>
            column.ColumnType.IndexOf("unsigned", StringComparison.OrdinalIgnoreCase) >= 0 ? (object)(ulong)value : (long)value;

        static FlushException RowCountMismatch(TableInfo table, long written, long holds) => new FlushException(FlushErrorKind.RowCountMismatch,
            $"{table.Schema}.{table.Name}: {written:N0} rows were written to the binlog but the table holds {holds:N0}. The table was restored; flush it again.");

        static string InsertAll(TableInfo table, JournalTable entry) => WriteStatements.InsertAll(Move(entry), table.Columns.OrderBy(c => c.Ordinal).Select(c => c.Name));

        /// <summary>
        /// Runs a copy step; when the connection is lost, reconnects and runs it again, a bounded number of times. A lost
        /// INSERT may already have written rows to the binlog: <paramref name="mayRepeat"/> names them.
        /// </summary>
        async Task<T> WithReconnectAsync<T>(Func<Task<T>> step, RepeatRange? mayRepeat, JournalTable entry, Func<int> countReconnect, CancellationToken cancellationToken)
        {
            while (true)
            {
                try
                {
                    return await step().ConfigureAwait(false);
                }
                catch (MySqlException exception) when (FlushContext.IsConnectionLoss(exception, session) && !cancellationToken.IsCancellationRequested)
                {
                    var attempt = countReconnect();
                    if (attempt > context.Options.ReconnectAttempts)
                        throw new FlushException(FlushErrorKind.TableFailed, $"{entry.Schema}.{entry.Table}: the connection was lost {attempt} times during the copy ({exception.Message}); giving up.", exception);
                    if (mayRepeat is not null)
                    {
                        // Under the journal's lock: another worker may be writing the journal out meanwhile.
                        context.Journal.Update(_ => entry.AddMayRepeat(mayRepeat));
                    }
                    context.Listener.Warning($"{context.Target}: the connection was lost during the copy of {entry.Schema}.{entry.Table} ({exception.Message}); reconnecting ({attempt} of {context.Options.ReconnectAttempts})." +
                                             (mayRepeat is null ? "" : $" Rows of {mayRepeat.Text} may appear twice in the binlog."));
                    await ReconnectAsync($"the connection was lost during the copy of {entry.Schema}.{entry.Table}").ConfigureAwait(false);
                }
            }
        }

        async Task ReconnectAsync(string why)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            session = await context.ReopenSessionAsync(why).ConfigureAwait(false);
        }

        async Task<long> ExecuteChunkAsync(string sql, MySqlParameter[] parameters, CancellationToken cancellationToken) =>
            await session.ExecuteAsync(sql, cancellationToken, parameters).ConfigureAwait(false);

        /// <summary>The rows a run that stopped during this table's copy may already have written (for a resumed run to report).</summary>
        internal static RepeatRange? InterruptedRange(FlushCandidate candidate, JournalTable entry)
        {
            if (!entry.CopyStarted || entry.Flushed) return null;
            if (candidate.ChunkKey.Count == 0) return AllRowsRepeat($"all rows of {entry.Schema}.{entry.Table} (copied in one statement)", candidate);
            return KeysRepeat(candidate.Table, candidate.ChunkKey.Select(c => c.Name).ToList(), entry.LastChunkKey, entry.PendingChunkUpper);
        }

        /// <summary>The rows after <paramref name="last"/> up to and including <paramref name="upper"/> (null: open), named for people and bounded for the verifier.</summary>
        internal static RepeatRange KeysRepeat(TableInfo table, IReadOnlyList<string> keyNames, List<KeyValue>? last, List<KeyValue>? upper)
        {
            string Describe(List<KeyValue> key) => KeyCodec.Describe(key.Select(KeyCodec.Decode).ToList());
            return new RepeatRange
            {
                Text = $"{table.Schema}.{table.Name} ({string.Join(", ", keyNames)}) > {(last is null ? "(start)" : Describe(last))}" +
                       (upper is null ? "" : $" and <= {Describe(upper)}"),
                Key = keyNames.ToList(),
                Lower = last?.ToList(),
                Upper = upper?.ToList(),
            };
        }

        /// <summary>Every row of a table copied by one statement: which of them reached the binlog before the statement was cut off is unknown.</summary>
        internal static RepeatRange AllRowsRepeat(string text, FlushCandidate candidate) =>
            new RepeatRange { Text = text, AllRows = true, Key = candidate.ChunkKey.Select(c => c.Name).ToList() };

        /// <summary>The table's rows so far, and the host's with them (its row count and time left move with each chunk).</summary>
        void ReportCopy(JournalTable entry, TableInfo table)
        {
            context.Listener.TableProgress(new TableProgress
            {
                Target = context.Target,
                Schema = table.Schema,
                Table = table.Name,
                RowsCopied = entry.RowsCopied,
                RowsEstimated = Math.Max(table.EstimatedRows, entry.RowsCopied),
                Stage = TableProgress.StageOf(TablePhase.Copying, flushed: false),
            });
            context.ReportHostProgress(FlushRun.CopyingStage);
        }
    }
}
