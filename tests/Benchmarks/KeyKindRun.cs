using System.Diagnostics;

namespace BinlogFlusher.Benchmarks;

/// <summary>
/// The key kinds (--key-kinds): each kind's dataset in a schema of its own, then rounds of (a) and (b) on every kind.
/// A round measures every kind, in an order that turns round by round, so a spell of load on the machine falls on the
/// kinds alike; round 0 warms each kind's tables and is not counted. One line a kind sums the run up.
/// </summary>
static class KeyKindRun
{
    /// <summary>A kind's dataset as built: its tables, their rows and bytes on disk.</summary>
    public sealed record Built(KeyKind Kind, IReadOnlyList<(string Table, TableShape Shape, long Rows)> Plan, long FileBytes)
    {
        public long Rows => Plan.Sum(t => t.Rows);
    }

    public static async Task<IReadOnlyList<Built>> BuildAsync(BenchRun run, CancellationToken cancellationToken)
    {
        var options = run.Options;
        if (options.KeyKinds.Count == 0) return [];
        Console.WriteLine($"Building the key kinds on the replica (sql_log_bin=0): {options.KindRows:N0} rows a kind, in tables " +
                          string.Join(", ", Dataset.KindTables.Select(t => $"{t.Table} ({t.Payload.Width})")) + "...");
        var built = new List<Built>();
        foreach (var kind in options.KeyKinds)
        {
            var clock = Stopwatch.StartNew();
            var plan = await Dataset.BuildKeyKindAsync(run.Pair.Replica, kind, options.KindRows, parallel: Environment.ProcessorCount, cancellationToken);
            var size = await Dataset.SizeAsync(run.Pair.Replica, run.DataDirectory, kind.Schema, cancellationToken);
            Console.WriteLine($"  {kind.Schema,-16} {Benchmark.Mib(size.FileBytes),10} on disk, built in {clock.Elapsed.TotalSeconds,3:F0} s: {kind.Description}");
            built.Add(new Built(kind, plan, size.FileBytes));
        }
        Console.WriteLine();
        return built;
    }

    public static async Task MeasureAsync(BenchRun run, IReadOnlyList<Built> kinds, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var rounds = kinds.ToDictionary(k => k.Kind, _ => new List<Round>());
        var readBacks = new Dictionary<KeyKind, string>();
        for (var round = 0; round <= options.Rounds; round++)
        {
            foreach (var built in kinds.Skip(round % kinds.Count).Concat(kinds.Take(round % kinds.Count)))
            {
                var kind = built.Kind;
                var label = $"Round {round} of {options.Rounds}{(round == 0 ? " (warm-up)" : "")}, key kind {kind.Name}";
                // mariadb-binlog counts the rows of the largest transactions in the first counted round only: it takes
                // seconds, and the chunks come out the same in every round (the same rows, the same statistics).
                var measured = await run.MeasureRoundAsync(kind.Schema, round, label, $"bench-{kind.Name}-state-{round}", countLargest: round == 1, cancellationToken);
                var (limit, engine) = (measured.Limit, measured.Engine);
                if (round == 0)
                {
                    Console.WriteLine($"  warm-up, not counted: (a) {limit.Seconds:F2} s; (b) {engine.FlushSeconds:F2} s");
                    continue;
                }
                rounds[kind].Add(measured);
                // What -Verify costs: the engine's own reader over the flush's range, once a kind (its files are purged between rounds).
                if (round == 1) readBacks[kind] = await ReadBackAsync(run, measured, cancellationToken);
                Console.WriteLine($"  {kind.Name}: (a) {limit.Seconds:F2} s, server CPU {limit.ServerCpuSeconds:F2} s; (b) {engine.FlushSeconds:F2} s, server CPU {engine.ServerCpuSeconds:F2} s, " +
                                  $"client CPU {engine.ClientCpuSeconds:F2} s, first copy at {engine.FirstCopySeconds * 1000:F0} ms, {engine.TableTimings.Sum(t => t.Chunks)} chunks, {engine.Statements.GetValueOrDefault(EngineFlush.BoundaryKind)} boundary queries; ratio {measured.Ratio:F3}; load average {Benchmark.LoadAverage()}");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"== Key kinds: {options.KindRows:N0} rows in {Dataset.KindTables.Count} tables a kind, throttle {options.Throttle}, {run.Chunking}; " +
                          $"rows/s of the median round (by ratio (b)/(a)) of {options.Rounds}; CPU ratio = (a) server CPU / (b) server + client CPU, median ==");
        foreach (var built in kinds)
        {
            Console.WriteLine(Summary(run, built, rounds[built.Kind]));
            // With one worker each statement's time is its own: where (b)'s time goes, kind by kind.
            if (run.Options.Throttle == 1) Benchmark.PrintStatements(rounds[built.Kind].OrderBy(r => r.Ratio).ElementAt(rounds[built.Kind].Count / 2).Engine, perChunk: true);
        }
        Console.WriteLine("== Reading a flush's range back (what -Verify reads): the engine's binlog reader, every event's CRC32 checked and every row decoded, round 1 ==");
        foreach (var built in kinds) Console.WriteLine($"key kind {built.Kind.Name,-10}: {readBacks[built.Kind]}");
    }

    /// <summary>
    /// The range read twice: the second read is the reader's rate; the first, for the kind read first, also pays for
    /// compiling the reader's code, as the first -Verify of a pwsh session does.
    /// </summary>
    static async Task<string> ReadBackAsync(BenchRun run, Round measured, CancellationToken cancellationToken)
    {
        var engine = measured.Engine;
        var start = new Engine.Server.BinlogCoordinates { File = engine.StartFile, Position = engine.StartPosition };
        var end = new Engine.Server.BinlogCoordinates { File = engine.EndFile, Position = engine.EndPosition };
        var megabytes = measured.EngineScan.Bytes / 1e6;
        async Task<(long Rows, double Seconds)> ReadAsync()
        {
            long rows = 0;
            var clock = Stopwatch.StartNew();
            await foreach (var binlogEvent in Engine.Binlog.BinlogReader.ReadAsync(run.Settings, start, end, cancellationToken))
                if (binlogEvent is Engine.Binlog.WriteRowsEvent written) rows += written.Rows.Count;
            return (rows, clock.Elapsed.TotalSeconds);
        }
        var first = await ReadAsync();
        var again = await ReadAsync();
        return $"{megabytes:N1} MB, {again.Rows:N0} rows in {again.Seconds:F2} s: {megabytes / again.Seconds:N0} MB/s (the first read {megabytes / first.Seconds:N0} MB/s)" +
               (again.Rows == engine.Rows && first.Rows == engine.Rows ? "" : $" (ROWS WRONG: {first.Rows:N0} and {again.Rows:N0} read, {engine.Rows:N0} flushed)");
    }

    /// <summary>
    /// The median of (b)'s rates over the median of (a)'s: (a) and (b) of one round run a second apart, and the machine's
    /// noise on each is its own, so this moves less from run to run than the median of the rounds' ratios.
    /// </summary>
    static double MedianRatesRatio(IReadOnlyList<Round> rounds) =>
        Benchmark.Median(rounds.Select(r => Benchmark.Rate(r.Engine.Rows, r.Engine.FlushSeconds))) / Benchmark.Median(rounds.Select(r => Benchmark.Rate(r.Limit.Rows, r.Limit.Seconds)));

    /// <summary>How many rounds the machine disturbed (Benchmark.SteadyRounds), and the median ratio of the others.</summary>
    static string Steady(IReadOnlyList<Round> rounds)
    {
        var steady = Benchmark.SteadyRounds(rounds);
        var disturbed = rounds.Count - steady.Count;
        return disturbed == 0 ? "no round disturbed"
            : steady.Count == 0 ? $"{disturbed} rounds disturbed"
            : $"{disturbed} disturbed, median ratio of the other {steady.Count} {Benchmark.Median(steady.Select(r => r.Ratio)):F2}";
    }

    /// <summary>One line a kind: the median round's rates and ratio, the spread, the work ratio, the chunks, the largest transaction and the client's memory.</summary>
    static string Summary(BenchRun run, Built built, IReadOnlyList<Round> rounds)
    {
        var median = rounds.OrderBy(r => r.Ratio).ElementAt(rounds.Count / 2);
        var mostRows = rounds.SelectMany(r => r.Largest).Select(l => l.Rows).DefaultIfEmpty().Max();
        var largestBytes = rounds.Max(r => r.EngineScan.Largest?.Bytes ?? 0);
        var peak = rounds.Max(r => r.Engine.PeakWorkingSetBytes);
        // Each side copies every row of the kind every round; anything else is a bug to see at once.
        var wrongRows = rounds.Where(r => r.Engine.Rows != built.Rows || r.Limit.Rows != built.Rows).ToList();
        return $"key kind {built.Kind.Name,-10}: engine {Benchmark.Rate(median.Engine.Rows, median.Engine.FlushSeconds):N0} rows/s, " +
               $"server limit {Benchmark.Rate(median.Limit.Rows, median.Limit.Seconds):N0} rows/s, ratio {median.Ratio:F2} (median of {rounds.Count}; " +
               $"rounds {rounds.Min(r => r.Ratio):F2}-{rounds.Max(r => r.Ratio):F2}; median rates' ratio {MedianRatesRatio(rounds):F2}; CPU ratio {Benchmark.Median(rounds.Select(r => r.CpuRatio)):F2}; " +
               Steady(rounds) + "); " +
               $"(b) {Benchmark.Median(rounds.Select(r => r.Engine.FirstCopySeconds)) * 1000:F0} ms to its first copy, {Benchmark.Median(rounds.Select(r => r.Engine.CloseSeconds)) * 1000:F0} ms to close; " +
               $"{median.Engine.TableTimings.Sum(t => t.Chunks)} chunks, most rows in a transaction {mostRows:N0}{(mostRows > run.ChunkSize ? " (OVER the chunk size)" : "")}, " +
               $"largest transaction {Benchmark.Mib(largestBytes)}; client peak {Benchmark.Mib(peak)}" +
               (wrongRows.Count == 0 ? "" : $"; ROWS WRONG in {wrongRows.Count} rounds: (a) {string.Join("/", wrongRows.Select(r => r.Limit.Rows))}, (b) {string.Join("/", wrongRows.Select(r => r.Engine.Rows))} of {built.Rows:N0}");
    }
}
