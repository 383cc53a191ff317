using System.Globalization;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Benchmarks;

/// <summary>The command line: --key-kinds L --kind-rows N --rows N --tables N --small-tables N --throttle N --chunk-size N ... (and the worker's own options).</summary>
sealed class BenchOptions
{
    public const int DefaultKindRows = 600_000;

    public const string Usage = """
        BinlogFlusher throughput benchmark: builds datasets on a throwaway local replica and measures on each, in one run,
        (a) the server's own limit (one plain INSERT INTO <blackhole twin> SELECT * per table) and
        (b) the flush engine (what Invoke-BinlogFlush runs) on the same data,
        in turns for --rounds rounds after a warm-up round, and reports the median round's ratio (b)/(a) in rows/s.
        tests/Benchmarks/README.md says what each figure means.

        The default run takes 4 to 5 minutes on 2 cores: the four key kinds (about 2 minutes: 4 kinds x 600,000 rows,
        6 rounds each), the mixed-shape dataset with a one-worker profile (about 2 minutes) and 1,000 small tables
        (about 1 minute). --key-kinds none, --rows 0 and --small-tables 0 skip a part.

        dotnet run --project tests/Benchmarks -c Release -- [options]
          --key-kinds L      key kinds to measure, comma-separated, each in a schema of its own (default all:
                             dense,gapped,random,composite; "none" skips them):
                               dense      integer key 1, 2, 3, ...
                               gapped     integer key 3, 6, 9, ... (every third value)
                               random     integer key in random steps of 1 to 5, plus a gap of 10^12 after half the rows
                               composite  VARCHAR(40) string keys and (BIGINT, SMALLINT) composite keys, in turns
                             every kind holds the same four tables (payloads of ~30 B, ~100 B, ~400 B and ~1.2 kB a row),
                             so the kinds differ in their keys alone; one summary line a kind
          --kind-rows N      rows of each key kind, spread over its four tables (default 600000: 4 x 150,000 rows,
                             about 380 MiB on disk a kind)
          --rows N           rows of the mixed-shape dataset (eight shapes: integer, composite, string and binary keys,
                             30 B to 1.2 kB rows), spread over --tables; it also gives the first flush of a fresh
                             process and a one-worker profile of where the time goes; 0 skips it (default 2000000,
                             about 1.1 GiB on disk)
          --tables N         tables of the mixed-shape dataset (default 8)
          --small-tables N   small tables for the many-tables run, 0 to skip it (default 1000)
          --small-rows N     rows per small table (default 100)
          --throttle N       tables copied at once, in (a) and (b) (default the engine's, 4)
          --chunk-size N     rows per chunk in (b) (default the engine's)
          --chunk-bytes N    the binlog bytes a chunk of (b) aims at (default the engine's)
          --chunk-sizes L    a sweep on the mixed-shape dataset (not with --rows 0): in every round, also run (b) with each
                             chunk size of the comma-separated list L
          --rounds N         rounds of (a) and (b) on each key kind and on the mixed-shape dataset (default 5)
          --state-dir DIR    where the engine writes its state files (default: the sandbox's folder)
          --client-cpus L    run the clients (this process and the engine's worker) on the CPUs of the comma-separated
                             list L and both servers on the others, as with a client on another host: the client's
                             CPU then takes nothing from the server's (Linux, needs taskset)
        """;

    public IReadOnlyList<KeyKind> KeyKinds { get; private set; } = KeyKind.All;
    public int KindRows { get; private set; } = DefaultKindRows;
    public int Rows { get; private set; } = 2_000_000;
    public int Tables { get; private set; } = 8;
    public int SmallTables { get; private set; } = 1000;
    public int SmallRows { get; private set; } = 100;
    public int Throttle { get; private set; } = FlushOptions.DefaultThrottleLimit;
    public int? ChunkSize { get; private set; }
    public long? ChunkBytes { get; private set; }
    public IReadOnlyList<int> ChunkSweep { get; private set; } = [];
    public int Rounds { get; private set; } = 5;
    public string? StateDirectory { get; private set; }
    public IReadOnlyList<int> ClientCpus { get; private set; } = [];
    public bool Help { get; private set; }

    // The worker process (engine flush in a process of its own, so its memory is the client's alone).
    public bool Worker { get; private set; }
    public string Schema { get; private set; } = "";
    public string StateFile { get; private set; } = "";
    public string? WarmUpSchema { get; private set; }

    /// <summary>A row for each of a kind's tables, at least.</summary>
    static readonly int KindRowsMinimum = Dataset.KindTables.Count;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number(int minimum)
            {
                var name = args[i];
                var text = Next().Replace("_", "");
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum)
                    throw new ArgumentException($"{name} needs a whole number of at least {minimum}, not '{text}'.");
                return value;
            }
            switch (args[i])
            {
                case "--key-kinds": options.KeyKinds = KeyKind.ParseList(Next()); break;
                case "--kind-rows": options.KindRows = Number(KindRowsMinimum); break;
                case "--rows": options.Rows = Number(0); break;
                case "--tables": options.Tables = Number(1); break;
                case "--small-tables": options.SmallTables = Number(0); break;
                case "--small-rows": options.SmallRows = Number(1); break;
                case "--throttle": options.Throttle = Number(1); break;
                case "--chunk-size": options.ChunkSize = Number(1); break;
                case "--chunk-bytes": options.ChunkBytes = Number(1024); break;
                case "--chunk-sizes":
                    var list = Next();
                    options.ChunkSweep = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(t => int.TryParse(t.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                            ? n : throw new ArgumentException($"--chunk-sizes takes whole numbers separated by commas, not '{list}'."))
                        .ToList();
                    break;
                case "--rounds": options.Rounds = Number(1); break;
                case "--state-dir": options.StateDirectory = Path.GetFullPath(Next()); break;
                case "--client-cpus":
                    var cpus = Next();
                    options.ClientCpus = cpus.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < Environment.ProcessorCount
                            ? n : throw new ArgumentException($"--client-cpus takes CPU numbers below {Environment.ProcessorCount} separated by commas, not '{cpus}'."))
                        .Distinct().ToList();
                    if (options.ClientCpus.Count >= Environment.ProcessorCount)
                        throw new ArgumentException($"--client-cpus must leave at least one of the {Environment.ProcessorCount} CPUs to the servers.");
                    break;
                case "--help" or "-h": options.Help = true; break;
                case "flush-worker": options.Worker = true; break;
                case "--schema": options.Schema = Next(); break;
                case "--state-file": options.StateFile = Next(); break;
                case "--warm-up-schema": options.WarmUpSchema = Next(); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        if (options.ChunkSweep.Count > 0 && options.Rows == 0 && !options.Worker)
            throw new ArgumentException("--chunk-sizes sweeps the mixed-shape dataset, which --rows 0 skips.");
        return options;
    }
}
