using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using MySqlConnector;

namespace BinlogFlusher.Benchmarks;

/// <summary>The whole run: a throwaway replica, the large dataset with (a) and (b), the optional chunk-size sweep, then many small tables.</summary>
static class Benchmark
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var chunkSize = options.ChunkSize ?? FlushOptions.DefaultChunkSize;
        var chunkBytes = options.ChunkBytes ?? FlushOptions.DefaultChunkBytes;
        var chunking = $"chunks of at most {chunkSize:N0} rows, sized to {Mib(chunkBytes)}";
        Console.WriteLine("BinlogFlusher throughput benchmark");
        Console.WriteLine($"Machine: {Machine()}");
        Console.WriteLine($"Options: --rows {options.Rows} --tables {options.Tables} --small-tables {options.SmallTables} --small-rows {options.SmallRows} " +
                          $"--throttle {options.Throttle} --chunk-size {chunkSize} --chunk-bytes {chunkBytes}" + (options.ChunkSweep.Count > 0 ? " --chunk-sizes " + string.Join(",", options.ChunkSweep) : ""));

        // A buffer pool that holds the whole dataset (about 600 bytes a row on disk, and room to spare), so (a) and (b)
        // measure the binlog path, not the disk; at most a third of the memory, for the two servers and the page cache.
        var bufferPool = (int)Math.Clamp(options.Rows * 900L / 1048576, 1024, Math.Max(1024, MemoryBytes() / 3 / 1048576));
        await using var pair = await LocalReplicaPair.StartAsync(new LocalReplicaPairOptions
        {
            BufferPoolMegabytes = bufferPool,
            // A redo log that holds the whole build, so the build does not stall on checkpoints.
            ExtraSettings = ["innodb_log_file_size=1G"],
        }, cancellationToken);
        var settings = new ConnectionSettings(pair.Replica.Host, pair.Replica.Port, pair.Replica.User, pair.Replica.Password);
        var dataDirectory = Path.GetDirectoryName(pair.ReplicaBinlogPath("x"))!;
        var replicaProcess = pair.ServerProcessIds[1];
        await using var admin = await Dataset.OpenAsync(pair.Replica, cancellationToken);
        Console.WriteLine($"Server: {pair.Binaries.Version}, local throwaway primary + replica; replica settings: {await ServerSettingsAsync(admin, cancellationToken)}");
        Console.WriteLine();

        // ---- Large tables ----
        Console.WriteLine($"Building {options.Rows:N0} rows in {options.Tables} tables on the replica (sql_log_bin=0)...");
        var clock = Stopwatch.StartNew();
        var plan = await Dataset.BuildLargeAsync(pair.Replica, options.Rows, options.Tables, parallel: Environment.ProcessorCount, cancellationToken);
        var buildSeconds = clock.Elapsed.TotalSeconds;
        var size = await Dataset.SizeAsync(pair.Replica, dataDirectory, Dataset.Schema, cancellationToken);
        Console.WriteLine($"Built in {buildSeconds:F0} s: {Mib(size.FileBytes)} on disk (.ibd files; InnoDB data {Mib(size.DataBytes)}, indexes {Mib(size.IndexBytes)}).");
        foreach (var table in plan) Console.WriteLine($"  {table.Table,-14} {table.Rows,12:N0} rows  {table.Shape.Width}");

        var stateDirectory = options.StateDirectory ?? pair.RootDirectory;
        string StateFile(string name) => Path.Combine(stateDirectory, name + ".json");
        var rounds = new List<Round>();
        var sweep = new List<(int Round, WorkerReport Report, BinlogScan Scan)>();
        // Round 0 warms the server (its first copy after the build runs slow, every time) and is not counted.
        for (var round = 0; round <= options.Rounds; round++)
        {
            // (a) first in odd rounds, (b) first in even ones, so neither always runs on a machine the other just warmed or loaded.
            ServerLimitResult limit = null!;
            BinlogScan limitScan = null!;
            WorkerReport engine = null!;
            BinlogScan engineScan = null!;
            IReadOnlyList<(BinlogTransaction Transaction, long Rows)> largest = [];
            foreach (var engineNow in round % 2 == 1 ? new[] { false, true } : new[] { true, false })
            {
                await SettleAsync(admin, cancellationToken);
                if (!engineNow)
                {
                    Console.WriteLine($"Round {round} of {options.Rounds}{(round == 0 ? " (warm-up)" : "")}: (a) server limit, one INSERT INTO <blackhole twin> SELECT * per table, {options.Throttle} at a time...");
                    var (result, start, end) = await MeasureServerLimitAsync(admin, settings, Dataset.Schema, options.Throttle, replicaProcess, cancellationToken);
                    (limit, limitScan) = (result, await Binlog.ScanAsync(admin, pair.ReplicaBinlogPath, start, end, cancellationToken));
                }
                else
                {
                    Console.WriteLine($"Round {round} of {options.Rounds}{(round == 0 ? " (warm-up)" : "")}: (b) engine flush (HostPlan + HostFlusher, as Invoke-BinlogFlush), {chunking}, {options.Throttle} at a time, in a worker process...");
                    engine = await MeasureEngineAsync(pair.Replica, Dataset.Schema, options.Throttle, chunkSize, chunkBytes, StateFile($"bench-state-{round}"), replicaProcess, cancellationToken);
                    engineScan = await Binlog.ScanAsync(admin, pair.ReplicaBinlogPath, engine.Start, engine.End, cancellationToken);
                    largest = await CountLargestAsync(pair, engineScan, cancellationToken);
                }
            }
            if (round == 0)
            {
                Console.WriteLine($"  warm-up, not counted: (a) {limit.Seconds:F2} s; (b) {engine.FlushSeconds:F2} s");
                continue;
            }
            rounds.Add(new Round(limit, limitScan, engine, engineScan, largest));
            Console.WriteLine($"  (a) {limit.Seconds:F2} s, server CPU {limit.ServerCpuSeconds:F2} s; (b) {engine.FlushSeconds:F2} s, server CPU {engine.ServerCpuSeconds:F2} s, client CPU {engine.ClientCpuSeconds:F2} s; ratio {rounds[^1].Ratio:F3}; load average {LoadAverage()}");
            // The sweep runs in every round, against that round's (a), in an order that turns round by round.
            foreach (var sweepSize in options.ChunkSweep.Skip(round % Math.Max(1, options.ChunkSweep.Count)).Concat(options.ChunkSweep.Take(round % Math.Max(1, options.ChunkSweep.Count))))
            {
                await SettleAsync(admin, cancellationToken);
                var report = await MeasureEngineAsync(pair.Replica, Dataset.Schema, options.Throttle, sweepSize, chunkBytes, StateFile($"bench-state-{round}-{sweepSize}"), replicaProcess, cancellationToken);
                sweep.Add((round, report, await Binlog.ScanAsync(admin, pair.ReplicaBinlogPath, report.Start, report.End, cancellationToken)));
                Console.WriteLine($"  (b) chunks of {sweepSize:N0}: {report.FlushSeconds:F2} s, server CPU {report.ServerCpuSeconds:F2} s, client CPU {report.ClientCpuSeconds:F2} s; ratio {Rate(report.Rows, report.FlushSeconds) / Rate(limit.Rows, limit.Seconds):F3}");
            }
        }
        // The rounds' worker flushed the warm-up schema first; this one does not: the first flush in a process, as a
        // PowerShell session's first Invoke-BinlogFlush, compiles the engine's code while it runs.
        await SettleAsync(admin, cancellationToken);
        Console.WriteLine($"(b) once more as the first flush of a fresh process (no warm-up flush before it)...");
        var cold = await MeasureEngineAsync(pair.Replica, Dataset.Schema, options.Throttle, chunkSize, chunkBytes, StateFile("bench-state-cold"), replicaProcess, cancellationToken, warmUp: false);

        // The round whose ratio is the median stands for the run; every round is listed.
        var median = rounds.OrderBy(r => r.Ratio).ElementAt(rounds.Count / 2);
        var (limitResult, limitBinlog, engineResult, engineBinlog) = (median.Limit, median.LimitScan, median.Engine, median.EngineScan);

        var largestRows = median.Largest;

        Console.WriteLine();
        Console.WriteLine($"== Large tables: {options.Tables} tables, {options.Rows:N0} rows, {Mib(size.FileBytes)} on disk, throttle {options.Throttle} ==");
        Console.WriteLine($"Rounds (ratio (b)/(a) in rows/s): {string.Join(", ", rounds.Select(r => $"{r.Ratio:F3} ({r.Limit.Seconds:F2} s / {r.Engine.FlushSeconds:F2} s)"))}; the median round:");
        PrintHeader();
        PrintRow("(a) server limit, INSERT ... SELECT", limitResult.Seconds, limitResult.Rows, limitBinlog, $"{limitBinlog.Largest?.Table}, one statement");
        var biggest = largestRows.MaxBy(r => r.Transaction.Bytes);
        PrintRow($"(b) engine, {Mib(chunkBytes)} chunks", engineResult.FlushSeconds, engineResult.Rows, engineBinlog, $"{biggest.Transaction?.Table}, {biggest.Rows:N0} rows");
        var bytesRatio = Rate(engineBinlog.Bytes, engineResult.FlushSeconds) / Rate(limitBinlog.Bytes, limitResult.Seconds);
        Console.WriteLine($"Ratio (b)/(a): {median.Ratio:F3} in rows/s, {bytesRatio:F3} in binlog bytes/s (the median round).");
        var bestLimit = rounds.Min(r => r.Limit.Seconds);
        var bestEngine = rounds.Min(r => r.Engine.FlushSeconds);
        Console.WriteLine($"Best of {rounds.Count} rounds (what other load on the machine slowed least): (a) {bestLimit:F2} s, {Rate(limitResult.Rows, bestLimit):N0} rows/s; " +
                          $"(b) {bestEngine:F2} s, {Rate(engineResult.Rows, bestEngine):N0} rows/s; ratio {bestLimit / bestEngine:F3}.");
        // Each side does the same work every round, so its server CPU should not move; on a shared VM it sometimes
        // doubles (system time under the host's memory reclaim), and such a round's ratio says nothing about the tool.
        var leastLimitCpu = rounds.Min(r => r.Limit.ServerCpuSeconds);
        var leastEngineCpu = rounds.Min(r => r.Engine.ServerCpuSeconds);
        var steady = rounds.Where(r => r.Limit.ServerCpuSeconds <= DisturbedCpu * leastLimitCpu && r.Engine.ServerCpuSeconds <= DisturbedCpu * leastEngineCpu).ToList();
        Console.WriteLine($"Rounds the machine disturbed (a side's server CPU over {DisturbedCpu:P0} of its least, for the same work): {rounds.Count - steady.Count} of {rounds.Count}" +
                          (steady.Count == 0 || steady.Count == rounds.Count ? "." : $"; the median ratio of the other {steady.Count}: {Median(steady.Select(r => r.Ratio)):F3}."));
        Console.WriteLine($"CPU seconds, medians of the rounds (less disturbed by other load than wall time): (a) server {Median(rounds.Select(r => r.Limit.ServerCpuSeconds)):F2}; " +
                          $"(b) server {Median(rounds.Select(r => r.Engine.ServerCpuSeconds)):F2} + client {Median(rounds.Select(r => r.Engine.ClientCpuSeconds)):F2}. " +
                          $"Server work (a)/(b): {Median(rounds.Select(r => r.Limit.ServerCpuSeconds / r.Engine.ServerCpuSeconds)):F3}; with the client's: {Median(rounds.Select(r => r.Limit.ServerCpuSeconds / (r.Engine.ServerCpuSeconds + r.Engine.ClientCpuSeconds))):F3}.");
        var medianLimitRate = Median(rounds.Select(r => Rate(r.Limit.Rows, r.Limit.Seconds)));
        Console.WriteLine($"(b) measured in a worker that flushed {Dataset.WarmUpSchema} ({engineResult.WarmUpRows:N0} rows) first, so its code was compiled: that first flush took " +
                          $"{engineResult.WarmUpSeconds:F2} s and {engineResult.WarmUpClientCpuSeconds:F2} client CPU s. The same flush as the first of a fresh process: " +
                          $"{cold.FlushSeconds:F2} s, {Rate(cold.Rows, cold.FlushSeconds):N0} rows/s, server CPU {cold.ServerCpuSeconds:F2} s + client {cold.ClientCpuSeconds:F2} s; " +
                          $"ratio {Rate(cold.Rows, cold.FlushSeconds) / medianLimitRate:F3} against the median (a).");
        var maxRows = largestRows.Count == 0 ? 0 : largestRows.Max(r => r.Rows);
        Console.WriteLine($"Largest transaction of (b): {Mib(engineBinlog.Largest?.Bytes ?? 0)}; most rows in one transaction: {maxRows:N0} " +
                          $"({(maxRows <= chunkSize ? "within" : "OVER")} the chunk size of {chunkSize:N0}), against the chunk bytes of {Mib(chunkBytes)}; {engineBinlog.RowTransactions.Count():N0} row transactions for {engineResult.TableTimings.Sum(t => t.Chunks):N0} chunks.");
        Console.WriteLine($"Reading the plan before (b): {engineResult.PlanSeconds:F2} s in {engineResult.PlanStatements} statements (not in the (b) time).");
        PrintMemory(engineResult);
        PrintStatements(engineResult, perChunk: true);
        Console.WriteLine("Per table:              rows      (a) s    (b) s  chunks  chunk rows  (b) largest transaction");
        foreach (var table in engineResult.TableTimings.OrderBy(t => t.Table, StringComparer.Ordinal))
        {
            var a = limitResult.Tables.FirstOrDefault(t => t.Table == table.Table);
            var b = largestRows.FirstOrDefault(r => r.Transaction.Table == Dataset.Schema + "." + table.Table);
            Console.WriteLine($"  {table.Table,-14} {table.Rows,12:N0} {a?.Seconds ?? 0,9:F2} {table.Seconds,8:F2} {table.Chunks,7:N0} {table.ChunkRows,11:N0}  " +
                              (b.Transaction is null ? "" : $"{Mib(b.Transaction.Bytes)}, {b.Rows:N0} rows"));
        }
        if (sweep.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"Chunk size sweep (b), medians over {options.Rounds} rounds, each run against its round's (a):");
            Console.WriteLine("   chunk size  seconds     rows/s  ratio to (a)  server CPU s  client CPU s  transactions  largest transaction  peak memory");
            var all = sweep.Concat(rounds.Select((r, i) => (Round: i + 1, Report: r.Engine, Scan: r.EngineScan)));
            foreach (var group in all.GroupBy(s => s.Report.ChunkSize).OrderBy(g => g.Key))
            {
                double Median(Func<(int Round, WorkerReport Report, BinlogScan Scan), double> value) => group.Select(value).OrderBy(v => v).ElementAt(group.Count() / 2);
                var ratio = Median(s => Rate(s.Report.Rows, s.Report.FlushSeconds) / Rate(rounds[s.Round - 1].Limit.Rows, rounds[s.Round - 1].Limit.Seconds));
                var any = group.First();
                Console.WriteLine($"  {group.Key,11:N0} {Median(s => s.Report.FlushSeconds),8:F2} {Median(s => Rate(s.Report.Rows, s.Report.FlushSeconds)),10:N0} {ratio,13:F3} " +
                                  $"{Median(s => s.Report.ServerCpuSeconds),13:F2} {Median(s => s.Report.ClientCpuSeconds),13:F2} {any.Scan.RowTransactions.Count(),13:N0} {Mib(any.Scan.Largest?.Bytes ?? 0),20} {Mib((long)Median(s => s.Report.PeakWorkingSetBytes)),12}");
            }
        }

        // ---- Where the time of the large tables goes: one worker, so each statement's time is its own ----
        {
            await SettleAsync(admin, cancellationToken);
            Console.WriteLine();
            Console.WriteLine("(a) and (b) once more with one worker (throttle 1), to see where the time goes...");
            var (serialLimit, _, _) = await MeasureServerLimitAsync(admin, settings, Dataset.Schema, 1, replicaProcess, cancellationToken);
            await SettleAsync(admin, cancellationToken);
            var profile = await MeasureEngineAsync(pair.Replica, Dataset.Schema, 1, chunkSize, chunkBytes, StateFile("bench-profile"), replicaProcess, cancellationToken);
            Console.WriteLine($"== Large tables, one worker: (a) {serialLimit.Seconds:F2} s (server CPU {serialLimit.ServerCpuSeconds:F2} s); " +
                              $"(b) {profile.FlushSeconds:F2} s (server CPU {profile.ServerCpuSeconds:F2} s, client CPU {profile.ClientCpuSeconds:F2} s); ratio {serialLimit.Seconds / profile.FlushSeconds:F3} ==");
            PrintStatements(profile, perChunk: true);
        }

        // ---- Many small tables ----
        if (options.SmallTables > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"Building {options.SmallTables:N0} tables of {options.SmallRows:N0} rows...");
            clock.Restart();
            await Dataset.BuildSmallAsync(pair.Replica, options.SmallTables, options.SmallRows, cancellationToken);
            Console.WriteLine($"Built in {clock.Elapsed.TotalSeconds:F0} s.");

            await SettleAsync(admin, cancellationToken);
            Console.WriteLine($"(a) server limit on the small tables, {options.Throttle} at a time...");
            var (smallLimit, smallStart, smallEnd) = await MeasureServerLimitAsync(admin, settings, Dataset.SmallSchema, options.Throttle, replicaProcess, cancellationToken);
            var smallLimitScan = await Binlog.ScanAsync(admin, pair.ReplicaBinlogPath, smallStart, smallEnd, cancellationToken);

            await SettleAsync(admin, cancellationToken);
            Console.WriteLine($"(b) engine on the small tables, {options.Throttle} at a time...");
            var small = await MeasureEngineAsync(pair.Replica, Dataset.SmallSchema, options.Throttle, chunkSize, chunkBytes, StateFile("bench-small-state"), replicaProcess, cancellationToken);
            var smallScan = await Binlog.ScanAsync(admin, pair.ReplicaBinlogPath, small.Start, small.End, cancellationToken);

            await SettleAsync(admin, cancellationToken);
            Console.WriteLine("(b) engine on the small tables again, one worker (throttle 1), to see where the time goes...");
            var profile = await MeasureEngineAsync(pair.Replica, Dataset.SmallSchema, 1, chunkSize, chunkBytes, StateFile("bench-small-profile"), replicaProcess, cancellationToken);

            Console.WriteLine();
            Console.WriteLine($"== Small tables: {options.SmallTables:N0} tables of {options.SmallRows:N0} rows, throttle {options.Throttle} ==");
            Console.WriteLine("                                        seconds   tables/s     rows/s  round trips a table");
            Console.WriteLine($"  (a) server limit, plain statements   {smallLimit.Seconds,8:F1} {options.SmallTables / smallLimit.Seconds,10:F1} {Rate(smallLimit.Rows, smallLimit.Seconds),10:N0} {(double)smallLimit.Statements / options.SmallTables,20:F1}");
            Console.WriteLine($"  (b) engine                           {small.FlushSeconds,8:F1} {small.Tables / small.FlushSeconds,10:F1} {Rate(small.Rows, small.FlushSeconds),10:N0} {(double)small.Statements.Values.Sum() / small.Tables,20:F1}");
            Console.WriteLine($"  (b) engine, throttle 1 (the profile) {profile.FlushSeconds,8:F1} {profile.Tables / profile.FlushSeconds,10:F1} {Rate(profile.Rows, profile.FlushSeconds),10:N0} {(double)profile.Statements.Values.Sum() / profile.Tables,20:F1}");
            Console.WriteLine($"Ratio (b)/(a): {(small.Tables / small.FlushSeconds) / (options.SmallTables / smallLimit.Seconds):F3} in tables/s. Binlog: (a) {Mib(smallLimitScan.Bytes)}, (b) {Mib(smallScan.Bytes)}; largest transaction of (b) {Mib(smallScan.Largest?.Bytes ?? 0)}.");
            Console.WriteLine($"CPU seconds: (a) server {smallLimit.ServerCpuSeconds:F2}; (b) server {small.ServerCpuSeconds:F2} + client {small.ClientCpuSeconds:F2}.");
            Console.WriteLine($"Reading the plan (information_schema, once for all tables): {small.PlanSeconds:F2} s in {small.PlanStatements} statements.");
            PrintMemory(small);
            PrintStatements(profile, perChunk: false);
        }

        Console.WriteLine();
        Console.WriteLine($"Benchmark finished in {total.Elapsed.TotalMinutes:F1} min (dataset build {buildSeconds:F0} s).");
        return 0;
    }

    /// <summary>A round whose server CPU is above this share of the least for the same work was slowed by the machine.</summary>
    const double DisturbedCpu = 1.25;

    sealed record Round(ServerLimitResult Limit, BinlogScan LimitScan, WorkerReport Engine, BinlogScan EngineScan, IReadOnlyList<(BinlogTransaction Transaction, long Rows)> Largest)
    {
        public double Ratio => Rate(Engine.Rows, Engine.FlushSeconds) / Rate(Limit.Rows, Limit.Seconds);
    }

    /// <summary>Each table's largest transaction of a range, its rows counted by mariadb-binlog (the binlog is purged at the next settle).</summary>
    static async Task<IReadOnlyList<(BinlogTransaction Transaction, long Rows)>> CountLargestAsync(LocalReplicaPair pair, BinlogScan scan, CancellationToken cancellationToken)
    {
        var counted = new List<(BinlogTransaction, long)>();
        foreach (var group in scan.RowTransactions.GroupBy(t => t.Table))
        {
            var largest = group.MaxBy(t => t.Bytes)!;
            counted.Add((largest, await Binlog.CountRowsAsync(pair.ReplicaBinlogPath(largest.File), largest, cancellationToken)));
        }
        return counted;
    }

    static async Task<(ServerLimitResult Result, BinlogPosition Start, BinlogPosition End)> MeasureServerLimitAsync(MySqlConnection admin, ConnectionSettings settings, string schema, int throttle, int serverProcess, CancellationToken cancellationToken)
    {
        var start = await Binlog.PositionAsync(admin, cancellationToken);
        var cpu = ServerCpu(serverProcess);
        var result = await ServerLimit.RunAsync(settings, schema, throttle, cancellationToken);
        result.ServerCpuSeconds = ServerCpu(serverProcess) - cpu;
        var end = await Binlog.PositionAsync(admin, cancellationToken);
        return (result, start, end);
    }

    // The worker measures the server's CPU around FlushAsync itself, the plan read left out.
    static Task<WorkerReport> MeasureEngineAsync(ServerEndpoint replica, string schema, int throttle, int chunkSize, long chunkBytes, string stateFile, int serverProcess, CancellationToken cancellationToken, bool warmUp = true) =>
        EngineFlush.RunAsync(replica, schema, throttle, chunkSize, chunkBytes, stateFile, serverProcess, warmUp, cancellationToken);

    /// <summary>CPU seconds the server process has used so far (user + system), from /proc.</summary>
    public static double ServerCpu(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>
    /// Between phases: InnoDB writes its dirty pages (the build's, mostly), the binlog moves to a new file and the OS
    /// writes its page cache, so no phase pays for the one before it.
    /// </summary>
    static async Task SettleAsync(MySqlConnection admin, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var before = (await Dataset.QueryAsync(admin, "SELECT @@GLOBAL.innodb_max_dirty_pages_pct, @@GLOBAL.innodb_io_capacity, @@GLOBAL.innodb_io_capacity_max", cancellationToken))[0]
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)).ToArray();
        // Write every dirty page now, fast (the default io_capacity of 200 takes minutes for the build's gigabyte).
        await Dataset.ExecuteAsync(admin, "SET GLOBAL innodb_io_capacity_max = 50000; SET GLOBAL innodb_io_capacity = 20000; SET GLOBAL innodb_max_dirty_pages_pct = 0", cancellationToken);
        try
        {
            var lowest = long.MaxValue;
            var stalled = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && stalled.Elapsed < TimeSpan.FromSeconds(3))
            {
                var dirty = Convert.ToInt64((await Dataset.QueryAsync(admin, "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'", cancellationToken))[0][1], CultureInfo.InvariantCulture);
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
            await Dataset.ExecuteAsync(admin, $"SET GLOBAL innodb_max_dirty_pages_pct = {before[0]}; SET GLOBAL innodb_io_capacity = {before[1]}; SET GLOBAL innodb_io_capacity_max = {before[2]}", cancellationToken);
        }
        // A new binlog file for the next phase; the ones before it are scanned already: purged, so a long run does not fill the disk.
        await Dataset.ExecuteAsync(admin, "FLUSH BINARY LOGS", cancellationToken);
        var current = await Binlog.PositionAsync(admin, cancellationToken);
        await Dataset.ExecuteAsync(admin, $"PURGE BINARY LOGS TO '{current.File}'", cancellationToken);
        using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false }))
            if (sync is not null) await sync.WaitForExitAsync(cancellationToken);
    }

    static void PrintHeader() =>
        Console.WriteLine("                                        seconds       rows/s   binlog MiB   binlog MiB/s  transactions  largest transaction");

    static void PrintRow(string name, double seconds, long rows, BinlogScan scan, string largest) =>
        Console.WriteLine($"  {name,-36} {seconds,8:F1} {Rate(rows, seconds),12:N0} {scan.Bytes / 1048576.0,12:F1} {scan.Bytes / 1048576.0 / seconds,14:F1} {scan.RowTransactions.Count(),13:N0}  {Mib(scan.Largest?.Bytes ?? 0)} ({largest})");

    static void PrintMemory(WorkerReport report) =>
        Console.WriteLine($"Client process (b): peak working set {Mib(report.PeakWorkingSetBytes)} (at start {Mib(report.StartWorkingSetBytes)}), managed heap peak {Mib(report.PeakManagedHeapBytes)}, " +
                          $"allocated {Mib(report.AllocatedBytes)} in all, GCs gen0/1/2 {report.Gen0}/{report.Gen1}/{report.Gen2}.");

    static void PrintStatements(WorkerReport report, bool perChunk)
    {
        var statements = report.Statements.Values.Sum();
        var chunks = report.TableTimings.Sum(t => t.Chunks);
        Console.WriteLine($"Round trips of (b){(report.Throttle == 1 ? ", one worker" : "")}: {statements:N0} for {report.Tables:N0} tables and {chunks:N0} chunks ({(double)statements / Math.Max(1, report.Tables):F1} a table), plus {report.PlanStatements} to read the plan.");
        var timed = report.Throttle == 1;
        foreach (var (kind, count) in report.Statements.OrderByDescending(p => report.StatementSeconds.GetValueOrDefault(p.Key)).ThenByDescending(p => p.Value))
        {
            var seconds = report.StatementSeconds.GetValueOrDefault(kind);
            Console.WriteLine($"  {kind,-34} {count,8:N0}" + (perChunk ? $"  {(double)count / Math.Max(1, chunks),5:F2} a chunk" : $"  {(double)count / Math.Max(1, report.Tables),5:F2} a table") +
                              (timed ? $"  {seconds,7:F2} s ({seconds * 1000 / Math.Max(1, count),6:F2} ms each, {seconds / report.FlushSeconds,4:P0})" : ""));
        }
        if (timed)
            Console.WriteLine("  (time from each statement's start to the next one's: the statement's round trip and the client work after it, the journal writes included)");
        if (report.JournalWrites > 0)
            Console.WriteLine($"Journal (state file): {report.JournalWrites:N0} writes; the last one {report.JournalBytes / 1024.0:F0} KiB, written again in {report.JournalWriteMilliseconds:F2} ms (serialize, fsync, rename): about {report.JournalWrites * report.JournalWriteMilliseconds / 1000:F1} s of client time, under the journal's lock.");
    }

    static async Task<string> ServerSettingsAsync(MySqlConnection admin, CancellationToken cancellationToken)
    {
        var names = new[] { "innodb_buffer_pool_size", "innodb_flush_log_at_trx_commit", "sync_binlog", "binlog_format", "binlog_row_image", "binlog_checksum", "binlog_stmt_cache_size", "max_binlog_size" };
        var rows = await Dataset.QueryAsync(admin, $"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({string.Join(", ", names.Select(n => "'" + n + "'"))})", cancellationToken);
        return string.Join(", ", rows.Select(r => $"{r[0]}={(r[0] is "innodb_buffer_pool_size" or "max_binlog_size" ? Mib(Convert.ToInt64(r[1], CultureInfo.InvariantCulture)) : r[1])}"));
    }

    static long MemoryBytes() =>
        File.Exists("/proc/meminfo") && File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line &&
        long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb) ? kb * 1024 : 8L << 30;

    static string Machine()
    {
        string? Read(string path, string key) => File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        var memory = Read("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], out var k) ? $"{k / 1048576.0:F1} GiB RAM" : "RAM unknown";
        var cpu = Read("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        return $"{Environment.ProcessorCount} cores ({cpu}), {memory}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    static double Rate(long count, double seconds) => seconds <= 0 ? 0 : count / seconds;

    public static string Mib(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F2} GiB" : $"{bytes / 1048576.0:F1} MiB";
}
