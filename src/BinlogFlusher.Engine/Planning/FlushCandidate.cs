using System;
using System.Collections.Generic;
using System.Linq;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Planning
{
    /// <summary>One table the flush would take, with how it will be copied and what its BLACKHOLE twin leaves out.</summary>
    public sealed class FlushCandidate
    {
        // Keyset chunking needs a total order the server and the WHERE clause agree on: no ENUM/SET (ordered by
        // index, compared as text), no floats, no BLOB/TEXT (sorted by a prefix only), no JSON or spatial values.
        static readonly HashSet<string> ChunkableTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric",
            "char", "varchar", "binary", "varbinary", "date", "datetime", "timestamp", "time", "year",
        };

        static readonly HashSet<string> CopyableEngines = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "InnoDB", "MyISAM", "Aria", "MEMORY", "ARCHIVE", "CSV", "ROCKSDB", "TokuDB",
        };

        FlushCandidate(TableInfo table) => Table = table;

        public TableInfo Table { get; }
        public string Schema => Table.Schema;
        public string Name => Table.Name;
        /// <summary>The columns the copy chunks on (primary key or a NOT NULL unique key); empty when it copies in one statement.</summary>
        public IReadOnlyList<ColumnInfo> ChunkKey { get; private set; } = Array.Empty<ColumnInfo>();
        public string? ChunkKeyIndex { get; private set; }
        /// <summary>Why there is no chunk key, when there is none.</summary>
        public string? NoChunkKeyReason { get; private set; }
        public IReadOnlyList<string> Adjustments { get; private set; } = Array.Empty<string>();
        public string? Blocker { get; private set; }

        public string ChunkKeyText => ChunkKey.Count > 0 ? string.Join(", ", ChunkKey.Select(c => c.Name)) : "none (" + NoChunkKeyReason + ")";

        public static FlushCandidate For(TableInfo table)
        {
            var candidate = new FlushCandidate(table);
            candidate.Blocker = BlockerOf(table);
            candidate.ChooseChunkKey();
            candidate.Adjustments = AdjustmentsOf(table);
            return candidate;
        }

        /// <summary>
        /// db.table as the value of -ExcludeTable: wildcard characters escaped with a backtick (the selection's escape),
        /// and in single quotes when the shell or PowerShell would split or expand it.
        /// </summary>
        internal static string ExcludeValue(TableInfo table)
        {
            static string Escape(string name) => System.Text.RegularExpressions.Regex.Replace(name, @"[*?\[\]`]", "`$0");
            var value = Escape(table.Schema) + "." + Escape(table.Name);
            return System.Text.RegularExpressions.Regex.IsMatch(value, @"^[A-Za-z0-9_.-]+$") ? value : "'" + value.Replace("'", "''") + "'";
        }

        /// <summary>An unfinished run set this table aside: what stands at its name is that run's, and only a restore puts the table back.</summary>
        internal void LeftByUnfinishedRun(string target) =>
            Blocker = $"an unfinished run set this table aside (what stands at its name is that run's, not the table): put it back with {FrontEnd.Run(FlushCommand.Restore, (FlushOption.HostName, target), (FlushOption.Discover, null))}";

        static string? BlockerOf(TableInfo table)
        {
            if (table.TableType.Equals("SYSTEM VERSIONED", StringComparison.OrdinalIgnoreCase))
                return $"system-versioned table: its history cannot pass through a BLACKHOLE twin; leave it out with {FrontEnd.Of(FlushOption.ExcludeTable)} {ExcludeValue(table)}";
            if (table.Engine is null)
                return "the server cannot open this table (no engine in information_schema); check it with CHECK TABLE";
            if (!CopyableEngines.Contains(table.Engine))
                return $"engine {table.Engine} holds no local rows to copy; leave it out with {FrontEnd.Of(FlushOption.ExcludeTable)} {ExcludeValue(table)}";
            if (table.Columns.Count == 0)
                return "information_schema lists no columns for this table";
            return null;
        }

        void ChooseChunkKey()
        {
            IndexInfo? best = null;
            string? reason = null;
            foreach (var index in Table.Indexes.Where(i => i.IsUnique))
            {
                if (index.IsHidden) { reason ??= $"unique key {index.Name} is invisible to the optimizer"; continue; }
                var columns = index.Columns.Select(name => Table.Columns.FirstOrDefault(c => c.Name == name)).ToList();
                if (columns.Any(c => c is null)) { reason ??= $"key {index.Name} has a functional part"; continue; }
                if (columns.Any(c => c!.IsNullable)) { reason ??= $"unique key {index.Name} allows NULL"; continue; }
                if (columns.FirstOrDefault(c => !ChunkableTypes.Contains(c!.DataType)) is { } odd) { reason ??= $"key {index.Name} has a {odd.DataType} column"; continue; }
                if (best is null || (!best.IsPrimary && !index.IsPrimary && index.Columns.Count < best.Columns.Count)) best = index;
                if (best.IsPrimary) break;
            }
            if (best is null)
            {
                NoChunkKeyReason = reason ?? "no primary key or NOT NULL unique key";
                return;
            }
            ChunkKeyIndex = best.Name;
            ChunkKey = best.Columns.Select(name => Table.Columns.First(c => c.Name == name)).ToList();
        }

        static IReadOnlyList<string> AdjustmentsOf(TableInfo table)
        {
            var list = new List<string>();
            if (table.ForeignKeys.Count > 0)
                list.Add("foreign keys left out: " + string.Join(", ", table.ForeignKeys.Select(k => k.Name)));
            if (table.ReferencedBy.Count > 0)
                list.Add("referenced by: " + string.Join(", ", table.ReferencedBy.Select(k => k.Schema + "." + k.Table + " (" + k.Name + ")")));
            var generated = table.Columns.Where(c => c.Generated is not null).ToList();
            if (generated.Count > 0)
                list.Add("generated columns as plain columns: " + string.Join(", ", generated.Select(c => c.Name + " (" + c.Generated + ")")));
            foreach (var index in table.Indexes.Where(i => i.Kind == "FULLTEXT" || i.Kind == "SPATIAL"))
                list.Add(index.Kind + " index dropped: " + index.Name);
            var secondary = table.Indexes.Count(i => !i.IsPrimary && i.Kind != "FULLTEXT" && i.Kind != "SPATIAL");
            if (secondary > 0) list.Add("secondary indexes dropped: " + secondary);
            if (table.IsPartitioned)
                list.Add($"partitioning removed: {table.Partitions} partitions" + (table.Subpartitions > 0 ? $", {table.Subpartitions} subpartitions" : ""));
            return list;
        }
    }
}
