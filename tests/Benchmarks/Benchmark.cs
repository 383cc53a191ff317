using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using MySqlConnector;

namespace BinlogFlusher.Benchmarks;

/// <summary>
/// The whole run: a throwaway replica and its datasets, then the key kinds (KeyKindRun), the mixed-shape tables with
/// (a) and (b), the optional chunk-size sweep and a one-worker profile, then many small tables.
/// </summary>
static class Benchmark
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine("BinlogFlusher throughput benchmark");
        Console.WriteLine($"Machine: {Machine()}");
        Console.WriteLine($"Options: --key-kinds {(options.KeyKinds.Count == 0 ? "none" : string.Join(",", options.KeyKinds.Select(k => k.Name)))} --kind-rows {options.KindRows} " +
                          $"--rows {options.Rows} --tables {options.Tables} --small-tables {options.SmallTables} --small-rows {options.SmallRows} --rounds {options.Rounds} " +
                          $"--throttle {options.Throttle} --chunk-size {options.ChunkSize ?? FlushOptions.DefaultChunkSize} --chunk-bytes {options.ChunkBytes ?? FlushOptions.DefaultChunkBytes}" +
                          (options.ChunkSweep.Count > 0 ? " --chunk-sizes " + string.Join(",", options.ChunkSweep) : "") +
                          (options.ClientCpus.Count > 0 ? " --client-cpus " + string.Join(",", options.ClientCpus) : ""));

        // A buffer pool that holds every dataset (about 600 bytes a row on disk, and room to spare), so (a) and (b)
        // measure the binlog path, not the disk; at most a third of the memory, for the two servers and the page cache.
        var rows = options.Rows + (long)options.KeyKinds.Count * options.KindRows;
        var bufferPool = (int)Math.Clamp(rows * 900L / 1048576, 1024, Math.Max(1024, MemoryBytes() / 3 / 1048576));
        await using var pair = await LocalReplicaPair.StartAsync(new LocalReplicaPairOptions
        {
            BufferPoolMegabytes = bufferPool,
            // A redo log that holds the whole build, so the build does not stall on checkpoints.
            ExtraSettings = ["innodb_log_file_size=1G"],
        }, cancellationToken);
        if (options.ClientCpus.Count > 0) await PinAsync(options.ClientCpus, pair.ServerProcessIds, cancellationToken);
        await using var admin = await Dataset.OpenAsync(pair.Replica, cancellationToken);
        Console.WriteLine($"Server: {pair.Binaries.Version}, local throwaway primary + replica; replica settings: {await ServerSettingsAsync(admin, cancellationToken)}");
        Console.WriteLine();
        var run = new BenchRun(options, pair, admin);

        var clock = Stopwatch.StartNew();
        await Dataset.PrepareAsync(pair.Replica, cancellationToken);
        var kinds = await KeyKindRun.BuildAsync(run, cancellationToken);
        var mixedBytes = options.Rows > 0 ? await BuildMixedAsync(run, cancellationToken) : (long?)null;
        await Dataset.DropGeneratorAsync(pair.Replica, cancellationToken);
        var buildSeconds = clock.Elapsed.TotalSeconds;

        if (kinds.Count > 0) await KeyKindRun.MeasureAsync(run, kinds, cancellationToken);
        if (mixedBytes is { } fileBytes) await MixedShapesAsync(run, fileBytes, cancellationToken);
        if (options.SmallTables > 0) await SmallTablesAsync(run, cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"Benchmark finished in {total.Elapsed.TotalMinutes:F1} min (dataset build {buildSeconds:F0} s).");
        return 0;
    }

    /// <summary>
    /// The clients on their own CPUs and the servers on the rest, every thread of each (taskset -a); the engine's
    /// workers start later from this process and inherit its CPUs, the servers' new threads theirs.
    /// </summary>
    static async Task PinAsync(IReadOnlyList<int> clientCpus, IReadOnlyList<int> serverProcesses, CancellationToken cancellationToken)
    {
        var serverCpus = Enumerable.Range(0, Environment.ProcessorCount).Except(clientCpus).ToList();
        async Task SetAsync(IEnumerable<int> cpus, int processId)
        {
            var start = new ProcessStartInfo("taskset") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-a", "-p", "-c", string.Join(",", cpus), processId.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0) throw new InvalidOperationException($"taskset failed for process {processId}: {await error}");
        }
        foreach (var server in serverProcesses) await SetAsync(serverCpus, server);
        await SetAsync(clientCpus, Environment.ProcessId);
        Console.WriteLine($"CPUs: clients (this process and the engine's workers) on {string.Join(",", clientCpus)}, both servers on {string.Join(",", serverCpus)}.");
    }

    /// <summary>The mixed-shape dataset (<c>--rows</c> in <c>--tables</c> tables of the eight shapes), in schema bench; its bytes on disk.</summary>
    static async Task<long> BuildMixedAsync(BenchRun run, CancellationToken cancellationToken)
    {
        var options = run.Options;
        Console.WriteLine($"Building {options.Rows:N0} rows in {options.Tables} tables of mixed shapes on the replica (sql_log_bin=0)...");
        var clock = Stopwatch.StartNew();
        var plan = await Dataset.BuildLargeAsync(run.Pair.Replica, options.Rows, options.Tables, parallel: Environment.ProcessorCount, cancellationToken);
        var size = await Dataset.SizeAsync(run.Pair.Replica, run.DataDirectory, Dataset.Schema, cancellationToken);
        Console.WriteLine($"Built in {clock.Elapsed.TotalSeconds:F0} s: {Mib(size.FileBytes)} on disk (.ibd files; InnoDB data {Mib(size.DataBytes)}, indexes {Mib(size.IndexBytes)}).");
        foreach (var table in plan) Console.WriteLine($"  {table.Table,-14} {table.Rows,12:N0} rows  {table.Shape.Width}");
        return size.FileBytes;
    }

    /// <summary>The mixed-shape tables: rounds of (a) and (b) with the optional sweep, the first flush of a fresh process, the report, and a one-worker profile.</summary>
    static async Task MixedShapesAsync(BenchRun run, long fileBytes, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var (chunkSize, chunkBytes) = (run.ChunkSize, run.ChunkBytes);
        var rounds = new List<Round>();
        var sweep = new List<(int Round, WorkerReport Report, BinlogScan Scan)>();
        // Round 0 warms the server (its first copy after the build runs slow, every time) and is not counted.
        for (var round = 0; round <= options.Rounds; round++)
        {
            var measured = await run.MeasureRoundAsync(Dataset.Schema, round, $"Round {round} of {options.Rounds}{(round == 0 ? " (warm-up)" : "")}",
                $"bench-state-{round}", countLargest: true, cancellationToken);
            var (limit, engine) = (measured.Limit, measured.Engine);
            if (round == 0)
            {
                Console.WriteLine($"  warm-up, not counted: (a) {limit.Seconds:F2} s; (b) {engine.FlushSeconds:F2} s");
                continue;
            }
            rounds.Add(measured);
            Console.WriteLine($"  (a) {limit.Seconds:F2} s, server CPU {limit.ServerCpuSeconds:F2} s; (b) {engine.FlushSeconds:F2} s, server CPU {engine.ServerCpuSeconds:F2} s, client CPU {engine.ClientCpuSeconds:F2} s; ratio {rounds[^1].Ratio:F3}; load average {LoadAverage()}");
            // The sweep runs in every round, against that round's (a), in an order that turns round by round.
            foreach (var sweepSize in options.ChunkSweep.Skip(round % Math.Max(1, options.ChunkSweep.Count)).Concat(options.ChunkSweep.Take(round % Math.Max(1, options.ChunkSweep.Count))))
            {
                await run.SettleAsync(cancellationToken);
                var report = await run.MeasureEngineAsync(Dataset.Schema, options.Throttle, sweepSize, run.StateFile($"bench-state-{round}-{sweepSize}"), cancellationToken);
                sweep.Add((round, report, await Binlog.ScanAsync(run.Admin, run.Pair.ReplicaBinlogPath, report.Start, report.End, cancellationToken)));
                Console.WriteLine($"  (b) chunks of {sweepSize:N0}: {report.FlushSeconds:F2} s, server CPU {report.ServerCpuSeconds:F2} s, client CPU {report.ClientCpuSeconds:F2} s; ratio {Rate(report.Rows, report.FlushSeconds) / Rate(limit.Rows, limit.Seconds):F3}");
            }
        }
        // The rounds' worker flushed the warm-up schema first; this one does not: the first flush in a process, as a
        // PowerShell session's first Invoke-BinlogFlush, compiles the engine's code while it runs.
        await run.SettleAsync(cancellationToken);
        Console.WriteLine($"(b) once more as the first flush of a fresh process (no warm-up flush before it)...");
        var cold = await run.MeasureEngineAsync(Dataset.Schema, options.Throttle, chunkSize, run.StateFile("bench-state-cold"), cancellationToken, warmUp: false);

        // The round whose ratio is the median stands for the run; every round is listed.
        var median = rounds.OrderBy(r => r.Ratio).ElementAt(rounds.Count / 2);
        var (limitResult, limitBinlog, engineResult, engineBinlog) = (median.Limit, median.LimitScan, median.Engine, median.EngineScan);

        var largestRows = median.Largest;

        Console.WriteLine();
        Console.WriteLine($"== Large tables: {options.Tables} tables, {options.Rows:N0} rows, {Mib(fileBytes)} on disk, throttle {options.Throttle} ==");
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
        var steady = SteadyRounds(rounds);
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
            await run.SettleAsync(cancellationToken);
            Console.WriteLine();
            Console.WriteLine("(a) and (b) once more with one worker (throttle 1), to see where the time goes...");
            var (serialLimit, _, _) = await run.MeasureServerLimitAsync(Dataset.Schema, 1, cancellationToken);
            await run.SettleAsync(cancellationToken);
            var profile = await run.MeasureEngineAsync(Dataset.Schema, 1, chunkSize, run.StateFile("bench-profile"), cancellationToken);
            Console.WriteLine($"== Large tables, one worker: (a) {serialLimit.Seconds:F2} s (server CPU {serialLimit.ServerCpuSeconds:F2} s); " +
                              $"(b) {profile.FlushSeconds:F2} s (server CPU {profile.ServerCpuSeconds:F2} s, client CPU {profile.ClientCpuSeconds:F2} s); ratio {serialLimit.Seconds / profile.FlushSeconds:F3} ==");
            PrintStatements(profile, perChunk: true);
        }
    }

    /// <summary>Many small tables: (a), (b), and (b) again with one worker, to see where their time goes.</summary>
    static async Task SmallTablesAsync(BenchRun run, CancellationToken cancellationToken)
    {
        var options = run.Options;
        Console.WriteLine();
        Console.WriteLine($"Building {options.SmallTables:N0} tables of {options.SmallRows:N0} rows...");
        var clock = Stopwatch.StartNew();
        await Dataset.BuildSmallAsync(run.Pair.Replica, options.SmallTables, options.SmallRows, cancellationToken);
        Console.WriteLine($"Built in {clock.Elapsed.TotalSeconds:F0} s.");

        await run.SettleAsync(cancellationToken);
        Console.WriteLine($"(a) server limit on the small tables, {options.Throttle} at a time...");
        var (smallLimit, smallStart, smallEnd) = await run.MeasureServerLimitAsync(Dataset.SmallSchema, options.Throttle, cancellationToken);
        var smallLimitScan = await Binlog.ScanAsync(run.Admin, run.Pair.ReplicaBinlogPath, smallStart, smallEnd, cancellationToken);

        await run.SettleAsync(cancellationToken);
        Console.WriteLine($"(b) engine on the small tables, {options.Throttle} at a time...");
        var small = await run.MeasureEngineAsync(Dataset.SmallSchema, options.Throttle, run.ChunkSize, run.StateFile("bench-small-state"), cancellationToken);
        var smallScan = await Binlog.ScanAsync(run.Admin, run.Pair.ReplicaBinlogPath, small.Start, small.End, cancellationToken);

        await run.SettleAsync(cancellationToken);
        Console.WriteLine("(b) engine on the small tables again, one worker (throttle 1), to see where the time goes...");
        var profile = await run.MeasureEngineAsync(Dataset.SmallSchema, 1, run.ChunkSize, run.StateFile("bench-small-profile"), cancellationToken);

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

    /// <summary>A round whose server CPU is above this share of the least for the same work was slowed by the machine.</summary>
    public const double DisturbedCpu = 1.25;

    /// <summary>
    /// The rounds the machine did not disturb. Each side does the same work every round, so its server CPU should not
    /// move; on a shared VM it sometimes doubles (system time under the host's memory reclaim, a huge transaction's
    /// cache file written out), and such a round's ratio says nothing about the tool.
    /// </summary>
    public static List<Round> SteadyRounds(IReadOnlyList<Round> rounds)
    {
        var leastLimitCpu = rounds.Min(r => r.Limit.ServerCpuSeconds);
        var leastEngineCpu = rounds.Min(r => r.Engine.ServerCpuSeconds);
        return rounds.Where(r => r.Limit.ServerCpuSeconds <= DisturbedCpu * leastLimitCpu && r.Engine.ServerCpuSeconds <= DisturbedCpu * leastEngineCpu).ToList();
    }

    /// <summary>CPU seconds the server process has used so far (user + system), from /proc.</summary>
    public static double ServerCpu(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.TotalProcessorTime.TotalSeconds;
    }

    static void PrintHeader() =>
        Console.WriteLine("                                        seconds       rows/s   binlog MiB   binlog MiB/s  transactions  largest transaction");

    static void PrintRow(string name, double seconds, long rows, BinlogScan scan, string largest) =>
        Console.WriteLine($"  {name,-36} {seconds,8:F1} {Rate(rows, seconds),12:N0} {scan.Bytes / 1048576.0,12:F1} {scan.Bytes / 1048576.0 / seconds,14:F1} {scan.RowTransactions.Count(),13:N0}  {Mib(scan.Largest?.Bytes ?? 0)} ({largest})");

    public static void PrintMemory(WorkerReport report) =>
        Console.WriteLine($"Client process (b): peak working set {Mib(report.PeakWorkingSetBytes)} (at start {Mib(report.StartWorkingSetBytes)}), managed heap peak {Mib(report.PeakManagedHeapBytes)}, " +
                          $"allocated {Mib(report.AllocatedBytes)} in all, GCs gen0/1/2 {report.Gen0}/{report.Gen1}/{report.Gen2}.");

    public static void PrintStatements(WorkerReport report, bool perChunk)
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

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static double Rate(long count, double seconds) => seconds <= 0 ? 0 : count / seconds;

    public static string Mib(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F2} GiB" : $"{bytes / 1048576.0:F1} MiB";
}
