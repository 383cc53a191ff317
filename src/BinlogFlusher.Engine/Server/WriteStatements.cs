using System.Collections.Generic;
using System.Linq;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>
    /// Every statement that changes a server, built in one place (as gh-ost's go/sql/builder.go) and unit-tested. Each
    /// returns one script, sent in one round trip; what must not reach the binlog runs after sql_log_bin = 0, and each
    /// step's phase is recorded on the server in the same round trip as the step.
    /// </summary>
    public static class WriteStatements
    {
        public const string Unlogged = "SET SESSION sql_log_bin = 0";
        public const string Logged = "SET SESSION sql_log_bin = 1";

        static string Script(IEnumerable<string> statements) => string.Join("; ", statements);

        /// <summary>The server's record of these tables entering a phase (unlogged).</summary>
        public static string Phase(IReadOnlyList<TableMove> tables, TablePhase phase) =>
            Script(new[] { Unlogged, StateJournalSchema.SetPhase(tables.Select(t => (t.Schema, t.Backup)), phase) });

        /// <summary>The tables out of place: one RENAME TABLE for all of them (atomic), unlogged.</summary>
        public static string RenameOut(IReadOnlyList<TableMove> tables) =>
            Script(new[] { Unlogged, StateJournalSchema.SetPhase(tables.Select(t => (t.Schema, t.Backup)), TablePhase.Renamed),
                "RENAME TABLE " + string.Join(", ", tables.Select(t => t.Original + " TO " + t.BackupQualified)) });

        /// <summary>The CREATE TABLE consumers see, each under USE of its schema (as a replica applies it), logged.</summary>
        public static string LoggedCreates(IReadOnlyList<TableMove> tables, IReadOnlyList<string> createStatements) =>
            Script(new[] { Unlogged, StateJournalSchema.SetPhase(tables.Select(t => (t.Schema, t.Backup)), TablePhase.Created), Logged }
                .Concat(tables.Zip(createStatements, (t, create) => $"USE {SqlText.Identifier(t.Schema)}; {create}")));

        /// <summary>
        /// The logged tables dropped and their BLACKHOLE twins created, unlogged. A resumed table's twin is there already
        /// when its CREATE was logged before: <paramref name="dropFirst"/> false.
        /// </summary>
        public static string Twins(IReadOnlyList<TableMove> tables, IReadOnlyList<string> twinStatements, bool dropFirst = true)
        {
            var statements = new List<string> { Unlogged, StateJournalSchema.SetPhase(tables.Select(t => (t.Schema, t.Backup)), TablePhase.Twin) };
            if (dropFirst) statements.Add("DROP TABLE " + string.Join(", ", tables.Select(t => t.Original)));
            statements.AddRange(twinStatements);
            return Script(statements);
        }

        /// <summary>Every row of the backup into the twin, every column named (invisible ones too): logged row events.</summary>
        public static string InsertAll(TableMove table, IEnumerable<string> columns)
        {
            var list = SqlText.IdentifierList(columns);
            return $"INSERT INTO {table.Original} ({list}) SELECT {list} FROM {table.BackupQualified}";
        }

        /// <summary>The twins dropped (unlogged), the first half of putting tables back.</summary>
        public static string DropTwins(IReadOnlyList<TableMove> tables) =>
            Script(new[] { Unlogged, StateJournalSchema.SetPhase(tables.Select(t => (t.Schema, t.Backup)), TablePhase.Restoring),
                "DROP TABLE " + string.Join(", ", tables.Select(t => t.Original)) });

        /// <summary>The backups renamed back under their names: one RENAME TABLE (atomic), unlogged.</summary>
        public static string RenameBack(IReadOnlyList<TableMove> tables) =>
            Script(new[] { Unlogged, "RENAME TABLE " + string.Join(", ", tables.Select(t => t.BackupQualified + " TO " + t.Original)) });

        /// <summary>A restore step: the twin (or stray table) dropped and/or the backup renamed back, unlogged.</summary>
        public static string RestoreStep(TableMove table, bool dropOriginal, bool renameBack)
        {
            var statements = new List<string> { Unlogged };
            if (dropOriginal) statements.Add("DROP TABLE " + table.Original);
            if (renameBack) statements.Add($"RENAME TABLE {table.BackupQualified} TO {table.Original}");
            return Script(statements);
        }

        /// <summary>The server's record of tables put back (unlogged).</summary>
        public static string MarkRestored(IEnumerable<(string Schema, string Backup)> tables) =>
            Script(new[] { Unlogged, $"UPDATE {StateJournalSchema.QualifiedTable} SET phase = 'Restored' WHERE (table_schema, backup_name) IN " +
                $"({string.Join(", ", tables.Select(t => $"({SqlText.Literal(t.Schema)}, {SqlText.Literal(t.Backup)})"))})" });

        /// <summary>The run's record on the server, created if need be, one row a table to flush (unlogged).</summary>
        public static string OpenRun(string runId, string stateFile, IReadOnlyList<TableMove> tables)
        {
            var rows = tables.Select(t =>
                $"({SqlText.Literal(runId)}, {SqlText.Literal(t.Schema)}, {SqlText.Literal(t.Table)}, {SqlText.Literal(t.Backup)}, 'Pending', {SqlText.Literal(stateFile)}, CONNECTION_ID())");
            return Script(new[] { Unlogged }.Concat(StateJournalSchema.CreateStatements()).Concat(new[]
            {
                $"INSERT INTO {StateJournalSchema.QualifiedTable} (run_id, table_schema, table_name, backup_name, phase, state_file, connection_id) VALUES {string.Join(", ", rows)} " +
                "ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), table_name = VALUES(table_name), phase = VALUES(phase), state_file = VALUES(state_file), connection_id = VALUES(connection_id)",
            }));
        }

        /// <summary>read_only's value before the run, recorded before the run turns it ON (unlogged).</summary>
        public static string RecordSetting(string name, string value, string runId) =>
            Script(new[] { Unlogged }.Concat(StateJournalSchema.CreateStatements()).Concat(new[]
            {
                $"REPLACE INTO {StateJournalSchema.QualifiedSettingTable} (name, value, run_id) VALUES ({SqlText.Literal(name)}, {SqlText.Literal(value)}, {SqlText.Literal(runId)})",
            }));

        /// <summary>read_only put back to ON or OFF (only ever one of those), and the record of it forgotten.</summary>
        public static string PutReadOnlyBack(string settingName, bool on) =>
            Script(new[] { "SET GLOBAL read_only = " + (on ? "ON" : "OFF"), Unlogged, $"DELETE FROM {StateJournalSchema.QualifiedSettingTable} WHERE name = {SqlText.Literal(settingName)}" });
    }
}
