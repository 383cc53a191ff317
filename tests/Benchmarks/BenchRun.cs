using System.Diagnostics;
using System.Globalization;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using MySqlConnector;

namespace BinlogFlusher.Benchmarks;

/// <summary>One round on one schema: (a) and (b), each side's binlog range, and (when counted) each table's largest transaction of (b) with its rows.</summary>
sealed record Round(ServerLimitResult Limit, BinlogScan LimitScan, WorkerReport Engine, BinlogScan EngineScan, IReadOnlyList<(BinlogTransaction Transaction, long Rows)> Largest)
{
    public double Ratio => Benchmark.Rate(Engine.Rows, Engine.FlushSeconds) / Benchmark.Rate(Limit.Rows, Limit.Seconds);

    /// <summary>The server's CPU for (a) over the server's and the client's for (b): the work ratio, less disturbed by other load than wall time.</summary>
    public double CpuRatio => Limit.ServerCpuSeconds / (Engine.ServerCpuSeconds + Engine.ClientCpuSeconds);
}

/// <summary>
/// What every measurement of a run shares: the throwaway replica, an admin connection to it, the options; and the
/// measurements themselves: (a) the server limit, (b) the engine in a worker process, a round of the two on a schema,
/// and the settling between them.
/// </summary>
sealed class BenchRun(BenchOptions options, LocalReplicaPair pair, MySqlConnection admin)
{
    public BenchOptions Options { get; } = options;
    public LocalReplicaPair Pair { get; } = pair;
    public MySqlConnection Admin { get; } = admin;
    public ConnectionSettings Settings { get; } = new(pair.Replica.Host, pair.Replica.Port, pair.Replica.User, pair.Replica.Password);
    public int ReplicaProcess { get; } = pair.ServerProcessIds[1];
    public int ChunkSize { get; } = options.ChunkSize ?? FlushOptions.DefaultChunkSize;
    public long ChunkBytes { get; } = options.ChunkBytes ?? FlushOptions.DefaultChunkBytes;
    /// <summary>The replica's data directory (its binlogs and one folder a schema).</summary>
    public string DataDirectory => Path.GetDirectoryName(Pair.ReplicaBinlogPath("x"))!;
    public string Chunking => $"chunks of at most {ChunkSize:N0} rows, sized to {Benchmark.Mib(ChunkBytes)}";

    /// <summary>Where the engine writes the state file of one flush.</summary>
    public string StateFile(string name) => Path.Combine(Options.StateDirectory ?? Pair.RootDirectory, name + ".json");

    /// <summary>
    /// (a) and (b) on <paramref name="schema"/>, settled before each: (a) first in odd rounds, (b) first in even ones, so
    /// neither always runs on a machine the other just warmed or loaded. With <paramref name="countLargest"/>, the rows of
    /// each table's largest transaction of (b) are counted (mariadb-binlog decodes them: seconds, not milliseconds).
    /// </summary>
    public async Task<Round> MeasureRoundAsync(string schema, int round, string label, string stateName, bool countLargest, CancellationToken cancellationToken)
    {
        ServerLimitResult limit = null!;
        BinlogScan limitScan = null!;
        WorkerReport engine = null!;
        BinlogScan engineScan = null!;
        IReadOnlyList<(BinlogTransaction Transaction, long Rows)> largest = [];
        foreach (var engineNow in round % 2 == 1 ? new[] { false, true } : new[] { true, false })
        {
            await SettleAsync(cancellationToken);
            if (!engineNow)
            {
                Console.WriteLine($"{label}: (a) server limit, one INSERT INTO <blackhole twin> SELECT * per table, {Options.Throttle} at a time...");
                var (result, start, end) = await MeasureServerLimitAsync(schema, Options.Throttle, cancellationToken);
                (limit, limitScan) = (result, await Binlog.ScanAsync(Admin, Pair.ReplicaBinlogPath, start, end, cancellationToken));
            }
            else
            {
                Console.WriteLine($"{label}: (b) engine flush (HostPlan + HostFlusher, as Invoke-BinlogFlush), {Chunking}, {Options.Throttle} at a time, in a worker process...");
                engine = await MeasureEngineAsync(schema, Options.Throttle, ChunkSize, StateFile(stateName), cancellationToken);
                engineScan = await Binlog.ScanAsync(Admin, Pair.ReplicaBinlogPath, engine.Start, engine.End, cancellationToken);
                if (countLargest) largest = await CountLargestAsync(engineScan, cancellationToken);
            }
        }
        return new Round(limit, limitScan, engine, engineScan, largest);
    }

    /// <summary>Each table's largest transaction of a range, its rows counted by mariadb-binlog (the binlog is purged at the next settle).</summary>
    async Task<IReadOnlyList<(BinlogTransaction Transaction, long Rows)>> CountLargestAsync(BinlogScan scan, CancellationToken cancellationToken)
    {
        var counted = new List<(BinlogTransaction, long)>();
        foreach (var group in scan.RowTransactions.GroupBy(t => t.Table))
        {
            var largest = group.MaxBy(t => t.Bytes)!;
            counted.Add((largest, await Binlog.CountRowsAsync(Pair.ReplicaBinlogPath(largest.File), largest, cancellationToken)));
        }
        return counted;
    }

    /// <summary>(a): the server limit, with the server's CPU around it and the binlog range it wrote.</summary>
    public async Task<(ServerLimitResult Result, BinlogPosition Start, BinlogPosition End)> MeasureServerLimitAsync(string schema, int throttle, CancellationToken cancellationToken)
    {
        var start = await Binlog.PositionAsync(Admin, cancellationToken);
        var cpu = Benchmark.ServerCpu(ReplicaProcess);
        var result = await ServerLimit.RunAsync(Settings, schema, throttle, cancellationToken);
        result.ServerCpuSeconds = Benchmark.ServerCpu(ReplicaProcess) - cpu;
        var end = await Binlog.PositionAsync(Admin, cancellationToken);
        return (result, start, end);
    }

    /// <summary>(b): the engine in a worker process, which measures the server's CPU around FlushAsync itself, the plan read left out.</summary>
    public Task<WorkerReport> MeasureEngineAsync(string schema, int throttle, int chunkSize, string stateFile, CancellationToken cancellationToken, bool warmUp = true) =>
        EngineFlush.RunAsync(Pair.Replica, schema, throttle, chunkSize, ChunkBytes, stateFile, ReplicaProcess, warmUp, cancellationToken);

    /// <summary>
    /// Between phases: InnoDB writes its dirty pages (the build's, mostly), the binlog moves to a new file and the OS
    /// writes its page cache, so no phase pays for the one before it.
    /// </summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var before = (await Dataset.QueryAsync(Admin, "SELECT @@GLOBAL.innodb_max_dirty_pages_pct, @@GLOBAL.innodb_io_capacity, @@GLOBAL.innodb_io_capacity_max", cancellationToken))[0]
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)).ToArray();
        // Write every dirty page now, fast (the default io_capacity of 200 takes minutes for the build's gigabyte).
        await Dataset.ExecuteAsync(Admin, "SET GLOBAL innodb_io_capacity_max = 50000; SET GLOBAL innodb_io_capacity = 20000; SET GLOBAL innodb_max_dirty_pages_pct = 0", cancellationToken);
        try
        {
            var lowest = long.MaxValue;
            var stalled = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && stalled.Elapsed < TimeSpan.FromSeconds(3))
            {
                var dirty = Convert.ToInt64((await Dataset.QueryAsync(Admin, "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'", cancellationToken))[0][1], CultureInfo.InvariantCulture);
                if (dirty < 500) break;
                if (dirty < lowest)
                {
                    lowest = dirty;
                    stalled.Restart();
                }
                await Task.Delay(200, cancellationToken);
            }
        }
        finally
        {
            await Dataset.ExecuteAsync(Admin, $"SET GLOBAL innodb_max_dirty_pages_pct = {before[0]}; SET GLOBAL innodb_io_capacity = {before[1]}; SET GLOBAL innodb_io_capacity_max = {before[2]}", cancellationToken);
        }
        // A new binlog file for the next phase; the ones before it are scanned already: purged, so a long run does not fill the disk.
        await Dataset.ExecuteAsync(Admin, "FLUSH BINARY LOGS", cancellationToken);
        var current = await Binlog.PositionAsync(Admin, cancellationToken);
        await Dataset.ExecuteAsync(Admin, $"PURGE BINARY LOGS TO '{current.File}'", cancellationToken);
        using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false }))
            if (sync is not null) await sync.WaitForExitAsync(cancellationToken);
    }
}
