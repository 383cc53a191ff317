using System.Globalization;
using BinlogFlusher.Sandbox;
using MySqlConnector;

namespace BinlogFlusher.Benchmarks;

/// <summary>
/// Builds the datasets directly on the replica with sql_log_bin=0 (only the replica is measured, and nothing of the
/// build reaches its binlog): INSERT ... SELECT from a cross join of a 1,000-row digits table, 100,000 rows a statement.
/// Plain SQL, so it runs on MySQL too.
/// </summary>
static class Dataset
{
    public const string Schema = "bench";
    public const string SmallSchema = "bench_small";
    /// <summary>What the flush worker flushes first, so the measured flush runs in a process whose code is compiled already.</summary>
    public const string WarmUpSchema = "bench_warmup";
    // Enough chunks (about 45 at the default chunk size) that the runtime has compiled the copy loop's code optimized.
    const int WarmUpRows = 150_000;
    const string Generator = "bench_gen";
    const int Batch = 100_000;

    // The keys and payloads of the shapes; the key kinds (KeyKind) reuse some of them.
    public static readonly TableKey IntegerId = new("id INT NOT NULL PRIMARY KEY", "s");
    public static readonly TableKey BigIntegerId = new("id BIGINT NOT NULL PRIMARY KEY", "s");
    public static readonly TableKey OrderLineKey = new("order_id BIGINT NOT NULL, line_no SMALLINT NOT NULL, PRIMARY KEY (order_id, line_no)", "s DIV 4, s % 4");
    public static readonly TableKey SkuKey = new("sku VARCHAR(40) NOT NULL PRIMARY KEY", "CONCAT('P', LPAD(s, 12, '0'))");

    public static readonly TablePayload EventPayload = new(
        "user_id INT NOT NULL, kind TINYINT NOT NULL, happened DATETIME NOT NULL, amount DECIMAL(12,2) NOT NULL, KEY ix_user (user_id)",
        "s % 100000, s % 7, '2024-01-01' + INTERVAL (s % 31536000) SECOND, (s % 100000) / 100",
        "~30 B");
    public static readonly TablePayload DocumentPayload = new(
        "title VARCHAR(200) NOT NULL, body TEXT NOT NULL, updated DATETIME(6) NOT NULL",
        "CONCAT('Document ', s), LEFT(REPEAT(CONCAT(MD5(s), SHA1(s)), 30), 800 + s % 800), '2024-01-01' + INTERVAL (s % 31536000) SECOND",
        "~1.2 kB");
    public static readonly TablePayload OrderLinePayload = new(
        "sku VARCHAR(32) NOT NULL, qty INT NOT NULL, price DECIMAL(10,2) NOT NULL, note VARCHAR(255) NULL",
        "CONCAT('SKU-', LEFT(MD5(s), 16)), 1 + s % 9, (s % 10000) / 100, IF(s % 3 = 0, NULL, LEFT(REPEAT(MD5(s), 4), 60 + s % 60))",
        "~100 B");
    public static readonly TablePayload ProductPayload = new(
        "title VARCHAR(200) NOT NULL, description VARCHAR(1000) NOT NULL, price DECIMAL(10,2) NOT NULL, stock INT NOT NULL",
        "CONCAT('Product ', s, ' ', MD5(s)), LEFT(REPEAT(MD5(s + 1), 16), 200 + s % 300), (s % 100000) / 100, s % 1000",
        "~400 B");

    // Average payload per row, widest last but mixed in order: about 400 bytes a row over the eight, about 1 GB on disk for 2 M rows.
    public static readonly IReadOnlyList<TableShape> Shapes =
    [
        new("events", new("id BIGINT UNSIGNED NOT NULL PRIMARY KEY", "s"), EventPayload, "narrow, ~30 B"),
        new("documents", BigIntegerId, DocumentPayload, "TEXT, ~1.2 kB"),
        new("customers", IntegerId,
            new("name VARCHAR(100) NOT NULL, email VARCHAR(150) NOT NULL, country CHAR(2) NOT NULL, " +
                "created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, balance DECIMAL(14,2) NOT NULL, UNIQUE KEY ux_email (email)",
                "CONCAT('Customer ', s, ' ', LEFT(MD5(s), 20)), CONCAT('c', s, '@', LEFT(MD5(s), 12), '.example.com'), ELT(1 + s % 5, 'DE', 'FR', 'US', 'JP', 'BR'), " +
                "'2024-01-01' + INTERVAL (s % 31536000) SECOND, (s % 1000000) / 100",
                "~110 B"),
            "unique key, ~110 B"),
        new("attachments", IntegerId,
            new("name VARCHAR(255) NOT NULL, mime VARCHAR(64) NOT NULL, payload MEDIUMBLOB NOT NULL",
                "CONCAT('file-', s, '.bin'), 'application/octet-stream', UNHEX(LEFT(REPEAT(SHA2(s, 512), 20), 2 * (600 + s % 600)))",
                "~900 B"),
            "BLOB, ~900 B"),
        new("order_lines", OrderLineKey, OrderLinePayload, "composite key, ~100 B"),
        new("products", SkuKey, ProductPayload, "string key, ~400 B"),
        new("metrics", BigIntegerId,
            new("host_id INT NOT NULL, at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
                "cpu DOUBLE NOT NULL, mem DOUBLE NOT NULL, disk DOUBLE NOT NULL, net_in DOUBLE NOT NULL, net_out DOUBLE NOT NULL, load1 DOUBLE NOT NULL, load5 DOUBLE NOT NULL, load15 DOUBLE NOT NULL",
                "s % 500, '2024-01-01' + INTERVAL (s % 31536000) SECOND, s / 3, s / 7, s / 11, s / 13, s / 17, s / 19, s / 23, s / 29",
                "~80 B"),
            "doubles, ~80 B"),
        new("sessions", new("id BINARY(16) NOT NULL PRIMARY KEY", "UNHEX(MD5(s))"),
            new("user_id INT NOT NULL, started DATETIME NOT NULL, data VARBINARY(1024) NOT NULL",
                "s % 50000, '2024-01-01' + INTERVAL (s % 31536000) SECOND, UNHEX(LEFT(REPEAT(SHA2(s, 256), 10), 2 * (200 + s % 200)))",
                "~330 B"),
            "random binary key, ~330 B"),
    ];

    /// <summary>
    /// The tables of every key kind's schema: the same four payloads of the shapes, narrow to wide, so the kinds differ
    /// in their keys alone (and a few bytes a row) and their ratios compare. About 430 bytes a row on average.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, TablePayload Payload)> KindTables =
    [
        ("narrow", EventPayload),
        ("medium", OrderLinePayload),
        ("wide", ProductPayload),
        ("widest", DocumentPayload),
    ];

    /// <summary>Creates the generator (the digits table the builders select from) and the warm-up schema; <see cref="DropGeneratorAsync"/> when every schema is built.</summary>
    public static async Task PrepareAsync(ServerEndpoint replica, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(replica, cancellationToken);
        await ExecuteAsync(connection,
            $"SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS {Generator}; CREATE DATABASE {Generator}; " +
            $"CREATE TABLE {Generator}.digits (n INT NOT NULL PRIMARY KEY) ENGINE=InnoDB; " +
            $"INSERT INTO {Generator}.digits VALUES {string.Join(", ", Enumerable.Range(0, 1000).Select(n => "(" + n.ToString(CultureInfo.InvariantCulture) + ")"))}",
            cancellationToken);
        // The warm-up schema takes every path of the copy: a key chunked by value, keys chunked by boundary queries
        // (string, composite), a table without a key, and small tables copied in a batch.
        await ExecuteAsync(connection,
            $"SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS {WarmUpSchema}; CREATE DATABASE {WarmUpSchema}; " +
            $"CREATE TABLE {WarmUpSchema}.by_value (id INT NOT NULL PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB; " +
            $"INSERT INTO {WarmUpSchema}.by_value SELECT s, MD5(s) FROM ({Sequence(1, WarmUpRows)}) g; " +
            $"CREATE TABLE {WarmUpSchema}.by_string (k VARCHAR(20) NOT NULL PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB; " +
            $"INSERT INTO {WarmUpSchema}.by_string SELECT CONCAT('k', LPAD(s, 10, '0')), s FROM ({Sequence(1, WarmUpRows)}) g; " +
            $"CREATE TABLE {WarmUpSchema}.composite (a INT NOT NULL, b INT NOT NULL, v INT NOT NULL, PRIMARY KEY (a, b)) ENGINE=InnoDB; " +
            $"INSERT INTO {WarmUpSchema}.composite SELECT s DIV 4, s % 4, s FROM ({Sequence(1, WarmUpRows)}) g; " +
            $"CREATE TABLE {WarmUpSchema}.no_key (v INT NOT NULL) ENGINE=InnoDB; " +
            $"INSERT INTO {WarmUpSchema}.no_key SELECT s FROM ({Sequence(1, 1_000)}) g; " +
            string.Concat(Enumerable.Range(1, 5).Select(i =>
                $"CREATE TABLE {WarmUpSchema}.small_{i} (id INT NOT NULL PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB; " +
                $"INSERT INTO {WarmUpSchema}.small_{i} SELECT s, s FROM ({Sequence(1, 100)}) g; ")),
            cancellationToken);
    }

    public static async Task DropGeneratorAsync(ServerEndpoint replica, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(replica, cancellationToken);
        await ExecuteAsync(connection, $"SET SESSION sql_log_bin = 0; DROP DATABASE {Generator}", cancellationToken);
    }

    /// <summary>The mixed-shape dataset: <paramref name="tables"/> tables cycling through the shapes, <paramref name="rows"/> rows spread evenly.</summary>
    public static async Task<IReadOnlyList<(string Table, TableShape Shape, long Rows)>> BuildLargeAsync(ServerEndpoint replica, long rows, int tables, int parallel, CancellationToken cancellationToken)
    {
        var plan = Enumerable.Range(0, tables).Select(i =>
        {
            var shape = Shapes[i % Shapes.Count];
            var name = i < Shapes.Count ? shape.Name : shape.Name + "_" + (i / Shapes.Count + 1).ToString(CultureInfo.InvariantCulture);
            return (Table: name, Shape: shape, Rows: Share(rows, tables, i));
        }).ToList();
        await BuildAsync(replica, Schema, plan, parallel, cancellationToken);
        return plan;
    }

    /// <summary>One key kind's dataset in its own schema: the <see cref="KindTables"/>, <paramref name="rows"/> rows spread evenly, keyed as the kind says.</summary>
    public static async Task<IReadOnlyList<(string Table, TableShape Shape, long Rows)>> BuildKeyKindAsync(ServerEndpoint replica, KeyKind kind, long rows, int parallel, CancellationToken cancellationToken)
    {
        var plan = KindTables.Select((table, i) =>
        {
            var count = Share(rows, KindTables.Count, i);
            return (Table: table.Table, Shape: new TableShape(table.Table, kind.KeyOf(i, count), table.Payload, table.Payload.Width), Rows: count);
        }).ToList();
        await BuildAsync(replica, kind.Schema, plan, parallel, cancellationToken);
        return plan;
    }

    static long Share(long rows, int tables, int i) => rows / tables + (i < rows % tables ? 1 : 0);

    /// <summary>Creates the schema and its tables, fills them in batches on <paramref name="parallel"/> connections, and analyzes them.</summary>
    static async Task BuildAsync(ServerEndpoint replica, string schema, IReadOnlyList<(string Table, TableShape Shape, long Rows)> plan, int parallel, CancellationToken cancellationToken)
    {
        await using (var connection = await OpenAsync(replica, cancellationToken))
        {
            await ExecuteAsync(connection,
                $"SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS {schema}; CREATE DATABASE {schema}; " +
                string.Concat(plan.Select(p => $"CREATE TABLE {schema}.{p.Table} ({p.Shape.Columns}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4; ")),
                cancellationToken);
        }

        // Batches of every table, interleaved so the parallel builders work on different tables.
        var batches = new System.Collections.Concurrent.ConcurrentQueue<string>(
            plan.SelectMany(p => Enumerable.Range(0, (int)((p.Rows + Batch - 1) / Batch)).Select(b => (p, b)))
                .OrderBy(x => x.b).ThenBy(x => x.p.Table)
                .Select(x =>
                {
                    var low = 1 + (long)x.b * Batch;
                    var count = Math.Min(Batch, x.p.Rows - (long)x.b * Batch);
                    return $"INSERT INTO {schema}.{x.p.Table} SELECT {x.p.Shape.Values} FROM ({Sequence(low, count)}) g";
                }));
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            await using var connection = await OpenAsync(replica, cancellationToken);
            await ExecuteAsync(connection, "SET SESSION sql_log_bin = 0", cancellationToken);
            while (batches.TryDequeue(out var sql)) await ExecuteAsync(connection, sql, cancellationToken);
        }));

        await using (var connection = await OpenAsync(replica, cancellationToken))
            await ExecuteAsync(connection, "SET SESSION sql_log_bin = 0; " + string.Concat(plan.Select(p => $"ANALYZE TABLE {schema}.{p.Table}; ")), cancellationToken);
    }

    /// <summary><paramref name="tables"/> tables of <paramref name="rows"/> rows each (id, name, value, created), many per round trip.</summary>
    public static async Task BuildSmallAsync(ServerEndpoint replica, int tables, int rows, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(replica, cancellationToken);
        await ExecuteAsync(connection, $"SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS {SmallSchema}; CREATE DATABASE {SmallSchema}", cancellationToken);
        var values = string.Join(", ", Enumerable.Range(1, rows).Select(i => string.Create(CultureInfo.InvariantCulture, $"({i}, 'name {i}', {i * 7}, '2024-01-01 00:00:00' + INTERVAL {i} MINUTE)")));
        foreach (var group in Enumerable.Range(1, tables).Chunk(50))
        {
            await ExecuteAsync(connection, string.Concat(group.Select(i =>
            {
                var name = SmallTableName(i);
                return $"CREATE TABLE {SmallSchema}.{name} (id INT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL, value INT NOT NULL, created DATETIME NOT NULL) ENGINE=InnoDB; " +
                       $"INSERT INTO {SmallSchema}.{name} VALUES {values}; ";
            })), cancellationToken);
        }
    }

    public static string SmallTableName(int i) => "t" + i.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Rows <paramref name="low"/> .. low+count-1 as column s, from the digits table (up to 1,000,000 a query).</summary>
    static string Sequence(long low, long count)
    {
        var thousands = (count + 999) / 1000;
        return string.Create(CultureInfo.InvariantCulture,
            $"SELECT {low} + a.n * 1000 + b.n AS s FROM {Generator}.digits a CROSS JOIN {Generator}.digits b WHERE a.n < {thousands} AND a.n * 1000 + b.n < {count}");
    }

    /// <summary>Bytes of the schema's tablespace files on disk (.ibd), and InnoDB's own data/index figures.</summary>
    public static async Task<(long FileBytes, long DataBytes, long IndexBytes)> SizeAsync(ServerEndpoint replica, string dataDirectory, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(replica, cancellationToken);
        await using var command = new MySqlCommand($"SELECT COALESCE(SUM(DATA_LENGTH), 0), COALESCE(SUM(INDEX_LENGTH), 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{schema}'", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var data = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
        var index = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        var folder = Path.Combine(dataDirectory, schema);
        var files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.ibd").Sum(f => new FileInfo(f).Length) : 0;
        return (files, data, index);
    }

    public static async Task<MySqlConnection> OpenAsync(ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(new MySqlConnectionStringBuilder(endpoint.ConnectionString()) { DefaultCommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<List<object?[]>> QueryAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
