using System.Globalization;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Benchmarks;

/// <summary>The command line: --rows N --tables N --small-tables N --throttle N --chunk-size N (and the worker's own options).</summary>
sealed class BenchOptions
{
    public const string Usage = """
        BinlogFlusher throughput benchmark: builds a dataset on a throwaway local replica and measures, in one run,
        (a) the server's own limit (one plain INSERT INTO <blackhole twin> SELECT * per table) and
        (b) the flush engine (what Invoke-BinlogFlush runs) on the same data, then many small tables.

        dotnet run --project tests/Benchmarks -c Release -- [options]
          --rows N           rows of the large dataset, spread over --tables (default 2000000, about 1 GB on disk)
          --tables N         tables of the large dataset, of eight mixed widths (default 8)
          --small-tables N   small tables for the many-tables run, 0 to skip it (default 1000)
          --small-rows N     rows per small table (default 100)
          --throttle N       tables copied at once, in (a) and (b) (default the engine's, 4)
          --chunk-size N     rows per chunk in (b) (default the engine's)
          --chunk-bytes N    the binlog bytes a chunk of (b) aims at (default the engine's)
          --chunk-sizes L    a sweep: in every round, also run (b) with each chunk size of the comma-separated list L
          --rounds N         measure (a) and (b) N times on the large dataset, in turns, and report the median (default 5)
          --state-dir DIR    where the engine writes its state file (default: the sandbox's folder)
        """;

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
    public bool Help { get; private set; }

    // The worker process (engine flush in a process of its own, so its memory is the client's alone).
    public bool Worker { get; private set; }
    public string Schema { get; private set; } = "";
    public string StateFile { get; private set; } = "";
    public string? WarmUpSchema { get; private set; }

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
                case "--rows": options.Rows = Number(1); break;
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
                case "--help" or "-h": options.Help = true; break;
                case "flush-worker": options.Worker = true; break;
                case "--schema": options.Schema = Next(); break;
                case "--state-file": options.StateFile = Next(); break;
                case "--warm-up-schema": options.WarmUpSchema = Next(); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        return options;
    }
}
