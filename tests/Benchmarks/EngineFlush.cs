using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Sandbox;

namespace BinlogFlusher.Benchmarks;

/// <summary>What the worker process reports back: the flush, its statements, and its own memory.</summary>
sealed class WorkerReport
{
    public string Status { get; set; } = "";
    public string? Error { get; set; }
    public int ChunkSize { get; set; }
    public long ChunkBytes { get; set; }
    public int Throttle { get; set; }
    public long Rows { get; set; }
    public int Tables { get; set; }
    public double PlanSeconds { get; set; }
    /// <summary>The warm-up flush before the measured one (0 when none ran): what the first flush in a process costs.</summary>
    public double WarmUpSeconds { get; set; }
    public double WarmUpClientCpuSeconds { get; set; }
    public long WarmUpRows { get; set; }
    public double FlushSeconds { get; set; }
    /// <summary>From the flush's start to its first copy statement: the run's checks and each table's DDL before its rows.</summary>
    public double FirstCopySeconds { get; set; }
    /// <summary>From the last table's put-back to the flush's end: the end coordinates, read_only and replication as they were.</summary>
    public double CloseSeconds { get; set; }
    public string StartFile { get; set; } = "";
    public long StartPosition { get; set; }
    public string EndFile { get; set; } = "";
    public long EndPosition { get; set; }
    public List<TableTiming> TableTimings { get; set; } = [];
    public double ClientCpuSeconds { get; set; }
    public double ServerCpuSeconds { get; set; }
    public long PeakWorkingSetBytes { get; set; }
    public long StartWorkingSetBytes { get; set; }
    public long PeakManagedHeapBytes { get; set; }
    public long AllocatedBytes { get; set; }
    public int Gen0 { get; set; }
    public int Gen1 { get; set; }
    public int Gen2 { get; set; }
    public int PlanStatements { get; set; }
    public Dictionary<string, int> Statements { get; set; } = [];
    /// <summary>Client-observed seconds per statement kind: from one statement's start to the next one's on the same worker (only exact with one worker).</summary>
    public Dictionary<string, double> StatementSeconds { get; set; } = [];
    public int JournalWrites { get; set; }
    public long JournalBytes { get; set; }
    public double JournalWriteMilliseconds { get; set; }

    public BinlogPosition Start => new(StartFile, StartPosition);
    public BinlogPosition End => new(EndFile, EndPosition);
}

/// <summary>
/// (b) The engine, exactly as Invoke-BinlogFlush drives it (HostPlan.ReadAsync, then HostFlusher.FlushAsync), in a
/// process of its own started from this program: its peak memory is the flush client's alone, not the dataset builder's.
/// </summary>
static class EngineFlush
{
    const string HostVariable = "BF_BENCH_HOST", PortVariable = "BF_BENCH_PORT", UserVariable = "BF_BENCH_USER", PasswordVariable = "BF_BENCH_PASSWORD",
        ServerProcessVariable = "BF_BENCH_SERVER_PID";
    const string ResultPrefix = "RESULT ";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Starts this program again as a worker and returns its report. The password travels in the environment, never on a command line.</summary>
    /// <remarks>
    /// With <paramref name="warmUp"/>, the worker first flushes the small warm-up schema: the measured flush then runs in a
    /// process whose code is compiled already, as every host after the first one piped to Invoke-BinlogFlush does.
    /// </remarks>
    public static async Task<WorkerReport> RunAsync(ServerEndpoint replica, string schema, int throttle, int chunkSize, long chunkBytes, string stateFile, int serverProcess, bool warmUp, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's executable to start the flush worker.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(EngineFlush).Assembly.Location);
        foreach (var argument in new[]
                 {
                     "flush-worker", "--schema", schema, "--throttle", throttle.ToString(CultureInfo.InvariantCulture),
                     "--chunk-size", chunkSize.ToString(CultureInfo.InvariantCulture), "--chunk-bytes", chunkBytes.ToString(CultureInfo.InvariantCulture),
                     "--state-file", stateFile,
                 })
            start.ArgumentList.Add(argument);
        if (warmUp)
        {
            start.ArgumentList.Add("--warm-up-schema");
            start.ArgumentList.Add(Dataset.WarmUpSchema);
        }
        start.Environment[HostVariable] = replica.Host;
        start.Environment[PortVariable] = replica.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment[UserVariable] = replica.User;
        start.Environment[PasswordVariable] = replica.Password;
        start.Environment[ServerProcessVariable] = serverProcess.ToString(CultureInfo.InvariantCulture);

        using var process = Process.Start(start)!;
        var errors = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(cancellationToken) is { } line) Console.WriteLine("    | " + line);
        }, cancellationToken);
        WorkerReport? report = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal)) report = JsonSerializer.Deserialize<WorkerReport>(line[ResultPrefix.Length..], Json);
            else Console.WriteLine("    | " + line);
        }
        await process.WaitForExitAsync(cancellationToken);
        await errors;
        if (report is null) throw new InvalidOperationException($"The flush worker exited with code {process.ExitCode} without a result.");
        if (report.Status != nameof(FlushStatus.Completed)) throw new InvalidOperationException($"The engine flush did not complete: {report.Status}: {report.Error}");
        return report;
    }

    /// <summary>The worker process: one engine flush of one schema; prints its report as one JSON line.</summary>
    public static async Task<int> WorkerAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        string Env(string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set: the worker is started by the benchmark itself.");
        using var sampler = new MemorySampler();
        var settings = new ConnectionSettings(Env(HostVariable), int.Parse(Env(PortVariable), CultureInfo.InvariantCulture), Env(UserVariable), Env(PasswordVariable));
        FlushOptions Options(string schema, string stateFile) => new()
        {
            Selection = new FlushSelection { Databases = [schema] },
            ThrottleLimit = options.Throttle,
            ChunkSize = options.ChunkSize ?? FlushOptions.DefaultChunkSize,
            ChunkBytes = options.ChunkBytes ?? FlushOptions.DefaultChunkBytes,
            StartReplica = true,
            StateFile = stateFile,
        };
        var flushOptions = Options(options.Schema, options.StateFile);
        var report = new WorkerReport { ChunkSize = flushOptions.ChunkSize, ChunkBytes = flushOptions.ChunkBytes, Throttle = flushOptions.ThrottleLimit, StartWorkingSetBytes = Environment.WorkingSet };
        var listener = new StatementListener(settings.Target);
        var planStatements = 0;

        var clock = Stopwatch.StartNew();
        if (options.WarmUpSchema is not null)
        {
            var warmUpCpu = Environment.CpuUsage.TotalTime;
            var warmUpPlan = await HostPlan.ReadAsync(settings, Options(options.WarmUpSchema, options.StateFile + ".warm-up.json"), _ => { }, cancellationToken);
            var warmUp = warmUpPlan.Ready ? await new HostFlusher(warmUpPlan, new StatementListener(settings.Target)).FlushAsync(warmUpPlan.Candidates, cancellationToken) : null;
            if (warmUp?.Status != FlushStatus.Completed)
                throw new InvalidOperationException($"The warm-up flush of {options.WarmUpSchema} did not complete: {warmUp?.Status.ToString() ?? warmUpPlan.RefusalMessage}: {warmUp?.Error}");
            report.WarmUpSeconds = clock.Elapsed.TotalSeconds;
            report.WarmUpClientCpuSeconds = (Environment.CpuUsage.TotalTime - warmUpCpu).TotalSeconds;
            report.WarmUpRows = warmUp.Rows;
            clock.Restart();
        }
        var plan = await HostPlan.ReadAsync(settings, flushOptions, _ => planStatements++, cancellationToken);
        report.PlanSeconds = clock.Elapsed.TotalSeconds;
        report.PlanStatements = planStatements;
        if (!plan.Ready)
        {
            report.Status = "Refused";
            report.Error = plan.RefusalMessage;
        }
        else
        {
            var serverProcess = int.Parse(Env(ServerProcessVariable), CultureInfo.InvariantCulture);
            var serverCpu = Benchmark.ServerCpu(serverProcess);
            var cpu = Environment.CpuUsage.TotalTime;
            clock.Restart();
            listener.StartFlush();
            var flusher = new HostFlusher(plan, listener);
            var result = await flusher.FlushAsync(plan.Candidates, cancellationToken);
            report.FlushSeconds = clock.Elapsed.TotalSeconds;
            (report.FirstCopySeconds, report.CloseSeconds) = listener.Edges(report.FlushSeconds);
            report.ClientCpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
            report.ServerCpuSeconds = Benchmark.ServerCpu(serverProcess) - serverCpu;
            sampler.Sample();
            sampler.Stop();
            RecordMemory(report, sampler);
            report.Status = result.Status.ToString();
            report.Error = result.Error;
            report.Rows = result.Rows;
            report.Tables = result.Tables.Count(t => t.Status == TableFlushStatus.Flushed);
            report.StartFile = result.BinlogStart?.File ?? "";
            report.StartPosition = result.BinlogStart?.Position ?? 0;
            report.EndFile = result.BinlogEnd?.File ?? "";
            report.EndPosition = result.BinlogEnd?.Position ?? 0;
            report.TableTimings = result.Tables.Select(t => new TableTiming { Table = t.Table, Rows = t.Rows, Chunks = t.Chunks, ChunkRows = t.ChunkRows, Seconds = t.Duration.TotalSeconds }).ToList();
            report.Statements = listener.Counts();
            report.StatementSeconds = listener.Seconds();
            // What the journal costs: the final state file, written again the way the engine writes it (serialized, fsync'd, renamed over).
            report.JournalWrites = flusher.JournalWrites;
            if (File.Exists(result.StateFile))
            {
                var journal = FlushJournal.Load(result.StateFile);
                var copy = new JournalFile(result.StateFile + ".bench", journal);
                copy.Write();
                var writes = Stopwatch.StartNew();
                const int samples = 20;
                for (var i = 0; i < samples; i++) copy.Write();
                report.JournalWriteMilliseconds = writes.Elapsed.TotalMilliseconds / samples;
                report.JournalBytes = new FileInfo(copy.Path).Length;
                File.Delete(copy.Path);
            }
        }
        if (report.PeakWorkingSetBytes == 0) RecordMemory(report, sampler);
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(report, Json));
        return report.Status == nameof(FlushStatus.Completed) ? 0 : 1;
    }

    /// <summary>The client's memory, right after the flush (before the journal is written again to time it).</summary>
    static void RecordMemory(WorkerReport report, MemorySampler sampler)
    {
        report.PeakWorkingSetBytes = sampler.PeakWorkingSet;
        report.PeakManagedHeapBytes = sampler.PeakManagedHeap;
        report.AllocatedBytes = GC.GetTotalAllocatedBytes();
        report.Gen0 = GC.CollectionCount(0);
        report.Gen1 = GC.CollectionCount(1);
        report.Gen2 = GC.CollectionCount(2);
    }

    public const string BoundaryKind = "chunk boundary (SELECT key)";
    public const string CopyKind = "copy (INSERT ... SELECT)";

    /// <summary>Counts the engine's statements (each one round trip) by kind, and the time from each to the next one.</summary>
    sealed class StatementListener(string target) : IFlushListener
    {
        readonly object gate = new();
        readonly Dictionary<string, int> counts = [];
        readonly Dictionary<string, double> seconds = [];
        readonly Stopwatch clock = Stopwatch.StartNew();
        string? lastKind;
        double lastAt;
        long lastProgress;
        double flushStart, firstCopy = -1, closeStart = -1;

        /// <summary>The measured flush starts now (the plan's statements came before it).</summary>
        public void StartFlush() { lock (gate) flushStart = clock.Elapsed.TotalSeconds; }

        /// <summary>Seconds from the flush's start to its first copy statement, and from its close phase to its end.</summary>
        public (double FirstCopy, double Close) Edges(double flushSeconds)
        {
            lock (gate) return (firstCopy < 0 ? 0 : firstCopy - flushStart, closeStart < 0 ? 0 : flushStart + flushSeconds - closeStart);
        }

        public void Verbose(string message)
        {
            var prefix = target + ": ";
            if (!message.StartsWith(prefix, StringComparison.Ordinal)) return;
            var text = message[prefix.Length..];
            // The engine names its closing phase before it reads the end coordinates (FlushRun.CloseRunAsync).
            if (text.StartsWith("phase CloseRun", StringComparison.Ordinal)) lock (gate) closeStart = clock.Elapsed.TotalSeconds;
            var kind = Kind(text);
            if (kind is null) return;
            lock (gate)
            {
                var now = clock.Elapsed.TotalSeconds;
                if (kind == CopyKind && firstCopy < 0 && flushStart > 0) firstCopy = now;
                if (lastKind is not null) seconds[lastKind] = seconds.GetValueOrDefault(lastKind) + (now - lastAt);
                counts[kind] = counts.GetValueOrDefault(kind) + 1;
                lastKind = kind;
                lastAt = now;
            }
        }

        public void Warning(string message) => Console.Error.WriteLine("WARNING: " + message);

        public void HostProgress(HostProgress progress)
        {
            // A line every five seconds, so a long run shows it is alive.
            var now = (long)clock.Elapsed.TotalSeconds / 5;
            if (progress.Completed || Interlocked.Exchange(ref lastProgress, now) == now) return;
            Console.Error.WriteLine($"{progress.Elapsed.TotalSeconds,6:F1}s  {progress.TablesDone}/{progress.TablesTotal} tables, {progress.RowsCopied:N0} rows");
        }

        public void TableProgress(TableProgress progress) { }

        public Dictionary<string, int> Counts() { lock (gate) return new(counts); }

        public Dictionary<string, double> Seconds()
        {
            lock (gate)
            {
                var copy = new Dictionary<string, double>(seconds);
                if (lastKind is not null) copy[lastKind] = copy.GetValueOrDefault(lastKind) + (clock.Elapsed.TotalSeconds - lastAt);
                return copy;
            }
        }

        /// <summary>What a statement (often several joined with ';') is for; null for messages that are not statements.</summary>
        static string? Kind(string sql)
        {
            if (sql.Contains("RENAME TABLE", StringComparison.Ordinal)) return "rename";
            if (sql.Contains("ENGINE=BLACKHOLE", StringComparison.Ordinal)) return "twin (drop + create BLACKHOLE)";
            if (sql.Contains("INSERT INTO", StringComparison.Ordinal) && sql.Contains("SELECT", StringComparison.Ordinal) && sql.Contains("sql_log_bin = 1; INSERT", StringComparison.Ordinal)) return CopyKind;
            if (sql.StartsWith("SELECT", StringComparison.Ordinal) && sql.Contains("LIMIT 1 OFFSET", StringComparison.Ordinal)) return EngineFlush.BoundaryKind;
            if (sql.Contains("SELECT COUNT(*)", StringComparison.Ordinal)) return "row count";
            if (sql.Contains(") AS probe", StringComparison.Ordinal)) return "density probe (SELECT MIN, MAX)";
            if (sql.StartsWith("SELECT MIN(", StringComparison.Ordinal)) return "key range (MIN, MAX)";
            if (sql.StartsWith("SHOW CREATE TABLE", StringComparison.Ordinal)) return "SHOW CREATE TABLE";
            if (sql.Contains("sql_log_bin = 1; USE", StringComparison.Ordinal)) return "logged CREATE TABLE";
            if (sql.Contains("DROP TABLE", StringComparison.Ordinal)) return "drop twin";
            if (sql.Contains("UPDATE `_binlogflusher`", StringComparison.Ordinal)) return "server journal phase";
            var first = sql.Split(' ', 2)[0];
            return first.Length > 0 && first.All(c => char.IsUpper(c) || c == '_') ? "host (" + first + " ...)" : null;
        }
    }
}

/// <summary>
/// The peak working set is the kernel's high-water mark (VmHWM, Process.PeakWorkingSet64), exact without sampling; the
/// managed heap is sampled every 100 ms. (A 20 ms sampler cost 2-5% of a core by itself: measured, and left out.)
/// </summary>
sealed class MemorySampler : IDisposable
{
    readonly Timer timer;
    long peakManagedHeap;

    public MemorySampler() => timer = new Timer(_ => Sample(), null, 0, 100);

    public long PeakWorkingSet
    {
        get
        {
            using var process = Process.GetCurrentProcess();
            return process.PeakWorkingSet64;
        }
    }

    public long PeakManagedHeap => Interlocked.Read(ref peakManagedHeap);

    public void Sample()
    {
        var heap = GC.GetTotalMemory(false);
        long seen;
        while (heap > (seen = Interlocked.Read(ref peakManagedHeap)) && Interlocked.CompareExchange(ref peakManagedHeap, heap, seen) != seen) { }
    }

    public void Stop() => timer.Change(Timeout.Infinite, Timeout.Infinite);

    public void Dispose() => timer.Dispose();
}
