using System.Collections.Concurrent;
using System.Diagnostics;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Benchmarks;

sealed class TableTiming
{
    public string Table { get; init; } = "";
    public long Rows { get; init; }
    public int Chunks { get; init; }
    public int ChunkRows { get; init; }
    public double Seconds { get; init; }
}

sealed class ServerLimitResult
{
    public double Seconds { get; init; }
    public long Rows { get; init; }
    public int Statements { get; init; }
    public double ServerCpuSeconds { get; set; }
    public List<TableTiming> Tables { get; init; } = [];
}

/// <summary>
/// (a) The server's own limit: each table becomes a BLACKHOLE twin exactly as the engine makes it (unlogged rename to
/// a backup name, twin with the same columns and no index, in a session set up as the engine's), then ONE plain
/// <c>INSERT INTO twin SELECT * FROM backup</c>, logged as row events under the table's own name; then the twin is
/// dropped and the backup renamed back, unlogged. ThrottleLimit tables at once; no chunking, no journal, no checks.
/// </summary>
static class ServerLimit
{
    public static async Task<ServerLimitResult> RunAsync(ConnectionSettings settings, string schema, int throttle, CancellationToken cancellationToken)
    {
        IReadOnlyList<TableInfo> tables;
        ServerDialect dialect;
        await using (var session = await ServerSession.OpenAsync(settings, null, cancellationToken))
        {
            var inspector = new ServerInspector(session);
            dialect = await inspector.ReadDialectAsync(cancellationToken);
            tables = (await inspector.ReadCatalogAsync(cancellationToken)).Tables.Where(t => t.Schema == schema).ToList();
        }
        var setup = string.Join("; ", dialect.SessionSetup(FlushOptions.DefaultGtidDomainId, 60));
        // In the engine's order (the catalog's), so both runs schedule the same tables on the same workers.
        var queue = new ConcurrentQueue<TableInfo>(tables);
        var timings = new ConcurrentBag<TableTiming>();
        var statements = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(throttle, tables.Count)).Select(_ => Task.Run(async () =>
        {
            await using var session = await ServerSession.OpenAsync(settings, _ => Interlocked.Increment(ref statements), cancellationToken);
            await session.ExecuteAsync(setup, cancellationToken);
            while (queue.TryDequeue(out var table))
            {
                var original = SqlText.Qualified(table.Schema, table.Name);
                var backup = SqlText.Qualified(table.Schema, "_bench_bk_" + table.Name);
                var tableClock = Stopwatch.StartNew();
                await session.ExecuteAsync($"SET SESSION sql_log_bin = 0; RENAME TABLE {original} TO {backup}; {TableDefinitions.BlackholeTwin(table)}; SET SESSION sql_log_bin = 1", cancellationToken);
                var rows = await session.ExecuteAsync($"INSERT INTO {original} SELECT * FROM {backup}", cancellationToken);
                await session.ExecuteAsync($"SET SESSION sql_log_bin = 0; DROP TABLE {original}; RENAME TABLE {backup} TO {original}; SET SESSION sql_log_bin = 1", cancellationToken);
                timings.Add(new TableTiming { Table = table.Name, Rows = rows, Chunks = 1, Seconds = tableClock.Elapsed.TotalSeconds });
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        return new ServerLimitResult
        {
            Seconds = seconds,
            Rows = timings.Sum(t => t.Rows),
            Statements = statements,
            Tables = timings.OrderBy(t => t.Table, StringComparer.Ordinal).ToList(),
        };
    }
}
