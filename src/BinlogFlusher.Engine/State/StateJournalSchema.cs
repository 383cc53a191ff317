using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.State
{
    /// <summary>
    /// The server's own record of a flush: a small table written without logging, so a host can be repaired
    /// when the state file is lost (Restore-BinlogFlushState -Discover). Backup tables are named
    /// <c>_bfbk_&lt;run&gt;_&lt;n&gt;</c> in the table's own schema (renaming across schemas fails for tables with triggers).
    /// </summary>
    public static class StateJournalSchema
    {
        public const string Name = "_binlogflusher";
        public const string Table = "journal";
        public const string BackupPrefix = "_bfbk_";
        /// <summary>The old Python tool's backup names.</summary>
        public const string LegacyBackupPrefix = "_BKTB_";

        public static string QualifiedTable => SqlText.Qualified(Name, Table);
        /// <summary>Server settings a run changed (read_only), with the value to put back.</summary>
        public const string SettingTable = "setting";
        public static string QualifiedSettingTable => SqlText.Qualified(Name, SettingTable);

        public static IEnumerable<string> CreateStatements()
        {
            yield return "CREATE DATABASE IF NOT EXISTS " + SqlText.Identifier(Name);
            yield return "CREATE TABLE IF NOT EXISTS " + QualifiedTable + " (" +
                         "run_id VARCHAR(32) NOT NULL, table_schema VARCHAR(64) NOT NULL, table_name VARCHAR(64) NOT NULL, " +
                         "backup_name VARCHAR(64) NOT NULL, phase VARCHAR(16) NOT NULL, state_file VARCHAR(1024) NULL, connection_id BIGINT UNSIGNED NULL, " +
                         "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), " +
                         "PRIMARY KEY (table_schema, backup_name)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
            yield return "CREATE TABLE IF NOT EXISTS " + QualifiedSettingTable + " (" +
                         "name VARCHAR(64) NOT NULL PRIMARY KEY, value VARCHAR(64) NOT NULL, run_id VARCHAR(32) NOT NULL, " +
                         "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
        }

        /// <summary>One statement for the tables of a run (schema, backup name) entering the same phase: one table, or a batch.</summary>
        public static string SetPhase(IEnumerable<(string Schema, string Backup)> tables, State.TablePhase phase) =>
            "UPDATE " + QualifiedTable + " SET phase = " + SqlText.Literal(phase.ToString()) + ", connection_id = CONNECTION_ID(), updated_at = CURRENT_TIMESTAMP(6) " +
            "WHERE (table_schema, backup_name) IN (" + string.Join(", ", tables.Select(t => "(" + SqlText.Literal(t.Schema) + ", " + SqlText.Literal(t.Backup) + ")")) + ")";

        /// <summary>Rows of runs that did not put every table back.</summary>
        public static async Task<List<Row>> ReadUnfinishedAsync(ServerSession session, CancellationToken cancellationToken)
        {
            if (!await ExistsAsync(session, Table, cancellationToken).ConfigureAwait(false)) return new List<Row>();
            return await session.QueryAsync(
                "SELECT run_id, table_schema, table_name, backup_name, phase, state_file, connection_id, FLOOR(UNIX_TIMESTAMP(updated_at)) AS updated_unix FROM " + QualifiedTable +
                " WHERE phase NOT IN ('Restored', 'Skipped') ORDER BY updated_at", cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Whether this schema holds the table yet (it is created by the first run that needs it).</summary>
        public static async Task<bool> ExistsAsync(ServerSession session, string table, CancellationToken cancellationToken)
        {
            var exists = await session.ScalarAsync(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + SqlText.Literal(Name) + " AND TABLE_NAME = " + SqlText.Literal(table),
                cancellationToken).ConfigureAwait(false);
            return System.Convert.ToInt64(exists, System.Globalization.CultureInfo.InvariantCulture) != 0;
        }

        public static bool IsBackupName(string table) =>
            table.StartsWith(BackupPrefix, System.StringComparison.Ordinal) || table.StartsWith(LegacyBackupPrefix, System.StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// information_schema.TABLES rows named like the old tool's backups, in any letter case: under
        /// lower_case_table_names=1 the server stores _BKTB_1 as _bktb_1 (manual, "Identifier Case Sensitivity").
        /// </summary>
        public static string LegacyBackupCondition => "LOWER(TABLE_NAME) LIKE " + SqlText.Literal(SqlText.LikePrefix(LegacyBackupPrefix.ToLowerInvariant()));

        /// <summary>Our own backup names are lower case already; the old tool's compare without case.</summary>
        public static bool SameBackupName(string a, string b) =>
            a.StartsWith(LegacyBackupPrefix, System.StringComparison.OrdinalIgnoreCase) ? string.Equals(a, b, System.StringComparison.OrdinalIgnoreCase) : a == b;
    }
}
