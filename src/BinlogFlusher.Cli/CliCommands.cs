using System.Globalization;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Restoring;

namespace BinlogFlusher.Cli;

static class ExitCodes
{
    public const int Done = 0;
    public const int FailedAndRestored = 1;
    public const int BadUsage = 2;
    public const int Refused = 3;
}

sealed class UsageException(string message) : Exception(message);

static class CliCommands
{
    const string Help = """
        binlog-flusher: write a full snapshot of a MySQL/MariaDB replica's tables into its binary log.

        Commands:
          demo                     Start a throwaway local primary and replica with sample data, flush the replica, show the binlog range.
          flush   --host H [--port P] [--mycnf F] [--db a,b] [--table t1,db.t2] [--skip s1,s2]
                  [--stop-slave|--no-stop-slave] [--start-slave|--no-start-slave] [--state-file F]
                  [--threads N] [--chunk-size N] [--gtid-domain-id N] [--reset-binary-logs] [--dry-run] [--force] [--verbose]
          recover --host H [--port P] [--mycnf F] (--hashfile F | --discover) [--db ..] [--table ..] [--skip ..]
                  [--no-stop-slave] [--start-slave]

        Credentials come from --mycnf (default ~/.my.cnf, then ~/my.cnf), [client] section.
        Exit codes: 0 done, 1 failed (tables restored), 2 bad usage, 3 refused by preflight.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(Help);
            return args.Length == 0 ? ExitCodes.BadUsage : ExitCodes.Done;
        }
        var options = CliOptions.Parse(args.Skip(1));
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        return args[0] switch
        {
            "demo" => await Demo.RunAsync(options, cancel.Token),
            "flush" => await FlushAsync(options, cancel.Token),
            "recover" => await RecoverAsync(options, cancel.Token),
            _ => throw new UsageException($"unknown command '{args[0]}'."),
        };
    }

    static ConnectionSettings Connect(CliOptions options) =>
        ConnectionResolver.Resolve(options.Required("host"), options.Int("port"), null, null, options.Value("mycnf"));

    static FlushSelection Selection(CliOptions options) => new()
    {
        Databases = options.List("db"),
        Tables = options.List("table"),
        ExcludeDatabases = options.List("skip"),
    };

    static async Task<int> FlushAsync(CliOptions options, CancellationToken cancellationToken)
    {
        var settings = Connect(options);
        var flushOptions = new FlushOptions
        {
            Selection = Selection(options),
            NoReplicaStop = !options.Flag("stop-slave", defaultValue: true),
            StartReplica = options.Flag("start-slave", defaultValue: false),
            ResetBinaryLogs = options.Flag("reset-binary-logs", false),
            Force = options.Flag("force", false),
            StateFile = options.Value("state-file") is { } file ? Path.GetFullPath(file) : null,
            ThrottleLimit = options.Int("threads") ?? FlushOptions.DefaultThrottleLimit,
            ChunkSize = options.Int("chunk-size") ?? FlushOptions.DefaultChunkSize,
            GtidDomainId = options.Int("gtid-domain-id"),
        };
        var listener = new ConsoleListener(options.Flag("verbose", false));
        HostPlan plan;
        try
        {
            plan = await HostPlan.ReadAsync(settings, flushOptions, listener.Verbose, cancellationToken);
        }
        catch (FlushException exception)
        {
            Console.Error.WriteLine($"{settings.Target}: {exception.Message}");
            return ExitCodes.FailedAndRestored;
        }
        if (!plan.Ready)
        {
            Console.Error.WriteLine(plan.RefusalMessage);
            return ExitCodes.Refused;
        }
        if (options.Flag("dry-run", false))
        {
            foreach (var candidate in plan.Candidates)
                Console.WriteLine($"Would flush {candidate.Schema}.{candidate.Name} (about {candidate.Table.EstimatedRows} rows, chunk key {candidate.ChunkKeyText})");
            return ExitCodes.Done;
        }
        var flusher = new HostFlusher(plan, listener) { PhaseReached = TestStopHook.FromEnvironment() };
        var result = await flusher.FlushAsync(plan.Candidates, cancellationToken);
        listener.EndLine();
        Report.Print(result);
        return result.Status == FlushStatus.Completed ? ExitCodes.Done : ExitCodes.FailedAndRestored;
    }

    static async Task<int> RecoverAsync(CliOptions options, CancellationToken cancellationToken)
    {
        var settings = Connect(options);
        var stateFile = options.Value("hashfile") ?? options.Value("state-file");
        var request = new RestoreRequest
        {
            StateFile = stateFile is null ? null : Path.GetFullPath(stateFile),
            Discover = options.Flag("discover", false),
            Selection = Selection(options),
        };
        await using var restore = await HostRestore.OpenAsync(settings, null, cancellationToken);
        RestorePlan plan;
        try
        {
            plan = await restore.PlanAsync(request, cancellationToken);
            if (plan.RunConnections.Count > 0)
            {
                Console.Error.WriteLine($"Stopping {plan.RunConnections.Count} connection(s) the interrupted flush left running.");
                await restore.StopRunConnectionsAsync(plan, cancellationToken);
                plan = await restore.PlanAsync(request, cancellationToken);
            }
        }
        catch (FlushException exception)
        {
            Console.Error.WriteLine($"{settings.Target}: {exception.Message}");
            return exception.Kind == FlushErrorKind.InvalidInput ? ExitCodes.BadUsage : ExitCodes.FailedAndRestored;
        }
        foreach (var orphan in plan.Orphans) Console.Error.WriteLine($"WARNING: {orphan} looks like a flush backup without a record; not touched.");
        if (plan.NeedsChange && options.Flag("stop-slave", true)) await restore.StopReplicationAsync();
        var done = new List<RestoreStep>();
        var conflicts = 0;
        foreach (var step in plan.Steps)
        {
            if (step.NeedsChange) await restore.ApplyAsync(step);
            if (step.Verdict == RestoreAction.Conflict) conflicts++;
            else done.Add(step);
            Console.WriteLine($"{step.Entry.Schema}.{step.Entry.Table}\t{step.Verdict}\t{step.Message}");
        }
        await restore.FinishAsync(plan, done, request.StateFile);
        if (options.Flag("start-slave", false)) await restore.StartReplicationAsync();
        if (!plan.NeedsChange) Console.WriteLine("Nothing to restore: every table is in place.");
        return conflicts == 0 ? ExitCodes.Done : ExitCodes.FailedAndRestored;
    }
}

/// <summary>--name value, --name=value, --flag and --no-flag.</summary>
sealed class CliOptions
{
    readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);

    public static CliOptions Parse(IEnumerable<string> args)
    {
        var options = new CliOptions();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{arg}'.");
            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=');
            if (equals >= 0) { value = name[(equals + 1)..]; name = name[..equals]; }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
            options.values[name] = value;
        }
        return options;
    }

    public string? Value(string name) => values.TryGetValue(name, out var value) ? value : null;
    public string Required(string name) => Value(name) ?? throw new UsageException($"--{name} is required.");

    public int? Int(string name) => Value(name) is not { } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
        : throw new UsageException($"--{name} takes a whole number, not '{text}'.");

    public IReadOnlyList<string> List(string name) => Value(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public bool Flag(string name, bool defaultValue) =>
        values.ContainsKey("no-" + name) ? false : values.ContainsKey(name) ? Value(name) is not ("false" or "0" or "no") : defaultValue;
}

/// <summary>
/// Test-only: BINLOGFLUSHER_TEST_STOP_AT=&lt;point&gt; makes the flush print "STOPPED AT &lt;point&gt;" and hang there,
/// so a crash test can kill the process at a known phase.
/// </summary>
static class TestStopHook
{
    public static Func<string, Task>? FromEnvironment()
    {
        var point = Environment.GetEnvironmentVariable("BINLOGFLUSHER_TEST_STOP_AT");
        if (string.IsNullOrEmpty(point)) return null;
        return async reached =>
        {
            if (!string.Equals(reached, point, StringComparison.Ordinal)) return;
            Console.WriteLine("STOPPED AT " + reached);
            Console.Out.Flush();
            await Task.Delay(Timeout.Infinite);
        };
    }
}

static class Report
{
    public static void Print(FlushResult result)
    {
        Console.WriteLine($"Host:          {result.HostName}:{result.Port} ({result.ServerVersion})");
        Console.WriteLine($"Status:        {result.Status}");
        Console.WriteLine($"Rows:          {result.Rows:N0} in {result.Duration.TotalSeconds:0.0}s");
        Console.WriteLine($"Binlog start:  {result.BinlogStart}");
        Console.WriteLine($"Binlog end:    {result.BinlogEnd}");
        Console.WriteLine($"Replication:   {result.ReplicationBefore} -> {result.ReplicationAfter}");
        Console.WriteLine($"State file:    {result.StateFile}");
        Console.WriteLine();
        Console.WriteLine($"{"Table",-40} {"Status",-10} {"Rows",10} {"Chunks",7} {"Seconds",8}");
        foreach (var table in result.Tables)
            Console.WriteLine($"{(table.Schema + "." + table.Table),-40} {table.Status,-10} {table.Rows,10} {table.Chunks,7} {table.Duration.TotalSeconds,8:0.00}");
        foreach (var table in result.Tables.Where(t => t.MayRepeat.Count > 0))
            Console.WriteLine($"May appear twice: {string.Join("; ", table.MayRepeat)}");
        if (result.Error is not null) Console.WriteLine("Error: " + result.Error);
    }
}
