using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Restoring
{
    /// <summary>Puts tables back, without logging: drop the BLACKHOLE twin (or the empty table the flush created), rename the backup back.</summary>
    public sealed class StateRestorer
    {
        readonly ServerSession session;

        public StateRestorer(ServerSession session) => this.session = session;

        /// <summary>Decides each table's step from the server's current state. Changes nothing.</summary>
        public async Task<List<RestoreStep>> PlanAsync(IReadOnlyList<RestoreEntry> entries, bool refuseUnknownTables, CancellationToken cancellationToken)
        {
            var existing = await ReadTablesAsync(entries, cancellationToken).ConfigureAwait(false);
            var steps = new List<RestoreStep>();
            var unknown = new List<string>();
            foreach (var entry in entries)
            {
                existing.TryGetValue((entry.Schema, entry.Table), out var originalEngine);
                var backupExists = existing.ContainsKey((entry.Schema, entry.BackupTable));
                var step = new RestoreStep { Entry = entry };
                if (!backupExists)
                {
                    if (originalEngine is null) unknown.Add($"{entry.Schema}.{entry.Table} (backup {entry.BackupTable})");
                    step.Verdict = originalEngine is not null && originalEngine.Equals("BLACKHOLE", StringComparison.OrdinalIgnoreCase) && entry.Phase is >= TablePhase.Twin
                        ? RestoreAction.Conflict : RestoreAction.AlreadyInPlace;
                    step.Message = step.Verdict == RestoreAction.Conflict
                        ? $"{entry.Schema}.{entry.Table} is a BLACKHOLE table and its backup {entry.BackupTable} is gone: nothing to restore from. Recover the table from a backup or reclone."
                        : $"{entry.Schema}.{entry.Table} is in place; no backup {entry.BackupTable} is left.";
                }
                else if (originalEngine is null)
                {
                    step.RenameBack = true;
                    step.Verdict = RestoreAction.PutBack;
                    step.Message = $"Renamed {entry.BackupTable} back to {entry.Table}.";
                }
                else if (originalEngine.Equals("BLACKHOLE", StringComparison.OrdinalIgnoreCase))
                {
                    step.DropOriginal = step.RenameBack = true;
                    step.Verdict = RestoreAction.PutBack;
                    step.Message = $"Dropped the BLACKHOLE twin {entry.Table} and renamed {entry.BackupTable} back.";
                }
                else if (entry.Phase is TablePhase.Created or TablePhase.Twin && await IsEmptyAsync(entry.Schema, entry.Table, cancellationToken).ConfigureAwait(false))
                {
                    // The journal says the flush had just created this table (logged CREATE, before the twin): it is ours and empty.
                    step.DropOriginal = step.RenameBack = true;
                    step.Verdict = RestoreAction.PutBack;
                    step.Message = $"Dropped the empty table the flush had created at {entry.Table} and renamed {entry.BackupTable} back.";
                }
                else
                {
                    step.Verdict = RestoreAction.Conflict;
                    step.Message = $"Both {entry.Schema}.{entry.Table} ({originalEngine}) and its backup {entry.Schema}.{entry.BackupTable} exist as real tables: nothing was touched. Compare them and drop or rename one by hand.";
                }
                steps.Add(step);
            }
            if (refuseUnknownTables && unknown.Count > 0)
                throw new FlushException(FlushErrorKind.StateFileInvalid,
                    $"The state names tables that do not exist on {session.Settings.Target}, neither under their own name nor as backup: {string.Join(", ", unknown.Take(10))}. Nothing was changed. Check that the state file belongs to this host, or use {FrontEnd.Of(FlushOption.Discover)}.");
            return steps;
        }

        /// <summary>Carries out one step, without logging. Never cancelled half way.</summary>
        public async Task ApplyAsync(RestoreStep step)
        {
            var entry = step.Entry;
            await session.ExecuteAsync(WriteStatements.RestoreStep(new TableMove(entry.Schema, entry.Table, entry.BackupTable), step.DropOriginal, step.RenameBack), CancellationToken.None).ConfigureAwait(false);
        }

        /// <summary>Marks the server's record of these tables as restored (unlogged), where that record exists.</summary>
        public async Task MarkRestoredAsync(IEnumerable<RestoreEntry> entries)
        {
            var list = entries.ToList();
            if (list.Count == 0) return;
            if (!await StateJournalSchema.ExistsAsync(session, StateJournalSchema.Table, CancellationToken.None).ConfigureAwait(false)) return;
            await session.ExecuteAsync(WriteStatements.MarkRestored(list.Select(e => (e.Schema, e.BackupTable))), CancellationToken.None).ConfigureAwait(false);
        }

        async Task<bool> IsEmptyAsync(string schema, string table, CancellationToken cancellationToken) =>
            await session.ScalarAsync($"SELECT 1 FROM {SqlText.Qualified(schema, table)} LIMIT 1", cancellationToken).ConfigureAwait(false) is null;

        async Task<Dictionary<(string, string), string>> ReadTablesAsync(IReadOnlyList<RestoreEntry> entries, CancellationToken cancellationToken)
        {
            var result = new Dictionary<(string, string), string>();
            var schemas = entries.Select(e => e.Schema).Distinct().ToList();
            if (schemas.Count == 0) return result;
            foreach (var row in await session.QueryAsync(
                "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_TYPE <> 'VIEW' AND TABLE_SCHEMA IN (" +
                string.Join(", ", schemas.Select(SqlText.Literal)) + ")", cancellationToken).ConfigureAwait(false))
                result[(row.Text("TABLE_SCHEMA")!, row.Text("TABLE_NAME")!)] = row.Text("ENGINE") ?? "";
            return result;
        }

        /// <summary>Entries from the server's own record, plus backup tables found by name that the record does not explain.</summary>
        public async Task<(List<RestoreEntry> Entries, List<string> Orphans)> DiscoverAsync(CancellationToken cancellationToken)
        {
            var entries = (await StateJournalSchema.ReadUnfinishedAsync(session, cancellationToken).ConfigureAwait(false))
                .Select(row => new RestoreEntry
                {
                    Schema = row.Text("table_schema")!,
                    Table = row.Text("table_name")!,
                    BackupTable = row.Text("backup_name")!,
                    Phase = Enum.TryParse<TablePhase>(row.Text("phase"), out var phase) ? phase : (TablePhase?)null,
                    Source = "server record (run " + row.Text("run_id") + ")",
                }).ToList();
            var orphans = new List<string>();
            foreach (var row in await session.QueryAsync(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_NAME LIKE " + SqlText.Literal(SqlText.LikePrefix(StateJournalSchema.BackupPrefix)) +
                " OR " + StateJournalSchema.LegacyBackupCondition, cancellationToken).ConfigureAwait(false))
            {
                var schema = row.Text("TABLE_SCHEMA")!;
                var name = row.Text("TABLE_NAME")!;
                if (!entries.Any(e => e.Schema == schema && StateJournalSchema.SameBackupName(e.BackupTable, name))) orphans.Add(schema + "." + name);
            }
            return (entries, orphans);
        }

        /// <summary>The old tool's rollback lines (_BKTB_n,table) with the schema found on the server: the one schema that holds the backup.</summary>
        public async Task<List<RestoreEntry>> ResolveLegacyAsync(IReadOnlyList<(string Backup, string Table)> lines, string path, CancellationToken cancellationToken)
        {
            // Under lower_case_table_names=1 the server keeps _BKTB_1 as _bktb_1: match names as the server would.
            var found = new Dictionary<string, List<(string Schema, string Name)>>(StringComparer.OrdinalIgnoreCase);
            foreach (var row in await session.QueryAsync(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE " + StateJournalSchema.LegacyBackupCondition,
                cancellationToken).ConfigureAwait(false))
            {
                var name = row.Text("TABLE_NAME")!;
                if (!found.TryGetValue(name, out var list)) found[name] = list = new List<(string, string)>();
                list.Add((row.Text("TABLE_SCHEMA")!, name));
            }
            var entries = new List<RestoreEntry>();
            foreach (var (backupName, table) in lines)
            {
                if (!found.TryGetValue(backupName, out var holdersOfBackup) || holdersOfBackup.Count == 0)
                {
                    // Already restored (or never renamed): find the table by name to report it.
                    var holders = await session.QueryAsync("SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE TABLE_NAME = " + SqlText.Literal(table), cancellationToken).ConfigureAwait(false);
                    if (holders.Count == 0)
                        throw new FlushException(FlushErrorKind.StateFileInvalid, $"The rollback file '{path}' names {table} (backup {backupName}), but neither exists on {session.Settings.Target}. Nothing was changed.");
                    entries.AddRange(holders.Select(h => new RestoreEntry { Schema = h.Text("TABLE_SCHEMA")!, Table = table, BackupTable = backupName, Source = path }));
                    continue;
                }
                if (holdersOfBackup.Count > 1)
                    throw new FlushException(FlushErrorKind.StateFileInvalid, $"The rollback file '{path}' names {backupName} without a schema, and it exists in {string.Join(", ", holdersOfBackup.Select(h => h.Schema))}. Nothing was changed. Rename the right one by hand (RENAME TABLE schema.{backupName} TO schema.{table}).");
                entries.Add(new RestoreEntry { Schema = holdersOfBackup[0].Schema, Table = table, BackupTable = holdersOfBackup[0].Name, Source = path });
            }
            return entries;
        }
    }
}
