using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>
    /// The tables of a server from information_schema, one query a kind (tables, columns, indexes, foreign keys,
    /// partitions, triggers) whatever the table count, each row joined to its table.
    /// </summary>
    sealed class CatalogReader
    {
        readonly ServerSession session;
        readonly ServerDialect dialect;
        readonly string excluded = "(" + string.Join(", ", ServerInspector.SystemSchemas.Select(SqlText.Literal)) + ")";
        readonly Dictionary<(string, string), TableInfo> tables = new Dictionary<(string, string), TableInfo>();
        readonly List<TableInfo> ordered = new List<TableInfo>();

        public CatalogReader(ServerSession session, ServerDialect dialect)
        {
            this.session = session;
            this.dialect = dialect;
        }

        public async Task<TableCatalog> ReadAsync(CancellationToken cancellationToken)
        {
            await ReadTablesAsync(cancellationToken).ConfigureAwait(false);
            await ReadColumnsAsync(cancellationToken).ConfigureAwait(false);
            await ReadIndexesAsync(cancellationToken).ConfigureAwait(false);
            await ReadForeignKeysAsync(cancellationToken).ConfigureAwait(false);
            await ReadPartitionsAsync(cancellationToken).ConfigureAwait(false);
            await ReadTriggersAsync(cancellationToken).ConfigureAwait(false);
            return new TableCatalog(ordered);
        }

        TableInfo? Table(Row row, string schemaColumn = "TABLE_SCHEMA", string tableColumn = "TABLE_NAME") =>
            tables.TryGetValue((row.Text(schemaColumn) ?? "", row.Text(tableColumn) ?? ""), out var t) ? t : null;

        async Task ReadTablesAsync(CancellationToken cancellationToken)
        {
            foreach (var row in await session.QueryAsync(
                "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, DATA_LENGTH, CREATE_OPTIONS FROM information_schema.TABLES " +
                $"WHERE TABLE_SCHEMA NOT IN {excluded} AND TABLE_TYPE <> 'VIEW' ORDER BY TABLE_SCHEMA, TABLE_NAME", cancellationToken).ConfigureAwait(false))
            {
                var table = new TableInfo
                {
                    Schema = row.Text("TABLE_SCHEMA")!,
                    Name = row.Text("TABLE_NAME")!,
                    TableType = row.Text("TABLE_TYPE") ?? "",
                    Engine = row.Text("ENGINE"),
                    EstimatedRows = row.Long("TABLE_ROWS"),
                    DataLength = row.Long("DATA_LENGTH"),
                    CreateOptions = row.Text("CREATE_OPTIONS") ?? "",
                };
                tables[(table.Schema, table.Name)] = table;
                ordered.Add(table);
            }
        }

        async Task ReadColumnsAsync(CancellationToken cancellationToken)
        {
            foreach (var row in await session.QueryAsync(
                "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, IS_NULLABLE, EXTRA " +
                $"FROM information_schema.COLUMNS WHERE TABLE_SCHEMA NOT IN {excluded} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION", cancellationToken).ConfigureAwait(false))
            {
                if (Table(row) is not { } table) continue;
                var extra = (row.Text("EXTRA") ?? "").ToUpperInvariant();
                table.Columns.Add(new ColumnInfo
                {
                    Name = row.Text("COLUMN_NAME")!,
                    Ordinal = (int)row.Long("ORDINAL_POSITION"),
                    DataType = (row.Text("DATA_TYPE") ?? "").ToLowerInvariant(),
                    ColumnType = row.Text("COLUMN_TYPE") ?? "",
                    CharacterSet = row.Text("CHARACTER_SET_NAME"),
                    Collation = row.Text("COLLATION_NAME"),
                    IsNullable = row.Text("IS_NULLABLE") == "YES",
                    Generated = extra.Contains("VIRTUAL") ? "VIRTUAL" : extra.Contains("STORED") || extra.Contains("PERSISTENT") ? "STORED" : null,
                    IsInvisible = extra.Contains("INVISIBLE"),
                });
            }
        }

        async Task ReadIndexesAsync(CancellationToken cancellationToken)
        {
            foreach (var row in await session.QueryAsync(
                $"SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, INDEX_TYPE, ({dialect.IndexHiddenExpression}) AS hidden " +
                $"FROM information_schema.STATISTICS WHERE TABLE_SCHEMA NOT IN {excluded} ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX", cancellationToken).ConfigureAwait(false))
            {
                if (Table(row) is not { } table) continue;
                var name = row.Text("INDEX_NAME")!;
                var index = table.Indexes.FirstOrDefault(i => i.Name == name);
                if (index is null)
                {
                    index = new IndexInfo { Name = name, IsUnique = row.Long("NON_UNIQUE") == 0, Kind = (row.Text("INDEX_TYPE") ?? "").ToUpperInvariant(), IsHidden = row.Long("hidden") != 0 };
                    table.Indexes.Add(index);
                }
                index.Columns.Add(row.Text("COLUMN_NAME"));
            }
            foreach (var table in ordered)
                table.Indexes.Sort((a, b) => a.IsPrimary == b.IsPrimary ? 0 : a.IsPrimary ? -1 : 1);
        }

        async Task ReadForeignKeysAsync(CancellationToken cancellationToken)
        {
            foreach (var row in await session.QueryAsync(
                "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, TABLE_NAME, UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS " +
                $"WHERE CONSTRAINT_SCHEMA NOT IN {excluded} ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME", cancellationToken).ConfigureAwait(false))
            {
                var key = new ForeignKeyInfo
                {
                    Name = row.Text("CONSTRAINT_NAME")!,
                    Schema = row.Text("CONSTRAINT_SCHEMA")!,
                    Table = row.Text("TABLE_NAME")!,
                    ReferencedSchema = row.Text("UNIQUE_CONSTRAINT_SCHEMA") ?? row.Text("CONSTRAINT_SCHEMA")!,
                    ReferencedTable = row.Text("REFERENCED_TABLE_NAME")!,
                };
                Table(row, "CONSTRAINT_SCHEMA")?.ForeignKeys.Add(key);
                if (tables.TryGetValue((key.ReferencedSchema, key.ReferencedTable), out var parent)) parent.ReferencedBy.Add(key);
            }
        }

        async Task ReadPartitionsAsync(CancellationToken cancellationToken)
        {
            foreach (var row in await session.QueryAsync(
                "SELECT TABLE_SCHEMA, TABLE_NAME, COUNT(DISTINCT PARTITION_NAME) AS partitions, COUNT(SUBPARTITION_NAME) AS subpartitions " +
                $"FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA NOT IN {excluded} AND PARTITION_NAME IS NOT NULL GROUP BY TABLE_SCHEMA, TABLE_NAME", cancellationToken).ConfigureAwait(false))
            {
                if (Table(row) is not { } table) continue;
                table.Partitions = (int)row.Long("partitions");
                table.Subpartitions = (int)row.Long("subpartitions");
            }
        }

        async Task ReadTriggersAsync(CancellationToken cancellationToken)
        {
            foreach (var row in await session.QueryAsync(
                $"SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA NOT IN {excluded} ORDER BY ACTION_ORDER", cancellationToken).ConfigureAwait(false))
                Table(row, "EVENT_OBJECT_SCHEMA", "EVENT_OBJECT_TABLE")?.Triggers.Add(row.Text("TRIGGER_NAME")!);
        }
    }
}
