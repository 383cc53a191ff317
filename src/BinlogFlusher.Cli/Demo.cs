using System.CommandLine;
using System.Globalization;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;

namespace BinlogFlusher.Cli;

/// <summary>A real flush against a throwaway local primary and replica with sample data (the tests' own launcher).</summary>
static class Demo
{
    public static Command Build()
    {
        var rowsOption = Options.WholeNumber("--rows", "n", 1, 10_000_000, "Orders in the sample schema [default: 20000].");
        var verboseOption = Options.Switch("--verbose", "Print every statement sent to the server (on standard error).");
        var command = new Command("demo", "Start a throwaway local primary and replica with sample data, flush the replica, and decode the binlog range it wrote.")
            .With(rowsOption, verboseOption);
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(rowsOption) ?? 20000, parse.GetValue(verboseOption), cancellationToken));
        return command;
    }

    public const string Notes = """
        Needs the MariaDB or MySQL server binaries on this machine (Debian/Ubuntu: apt-get install mariadb-server
        mariadb-client). Both servers are stopped and deleted at the end.
        """;

    static async Task<int> RunAsync(int rows, bool verbose, CancellationToken cancellationToken)
    {
        Console.WriteLine("Starting a throwaway primary and replica (local server binaries)...");
        await using var pair = await LocalReplicaPair.StartAsync(cancellationToken: cancellationToken);
        Console.WriteLine($"Primary 127.0.0.1:{pair.Primary.Port}, replica 127.0.0.1:{pair.Replica.Port} ({pair.Binaries.Version})");

        await SampleShop.WriteAsync(pair.Primary, rows, cancellationToken);
        await pair.WaitForReplicaAsync(cancellationToken);
        Console.WriteLine($"Sample data written on the primary and replicated: schema demo_shop, {Counts.Of(rows, "order")}.");

        var settings = new ConnectionSettings(pair.Replica.Host, pair.Replica.Port, pair.Replica.User, pair.Replica.Password);
        var flushOptions = new FlushOptions { Selection = new FlushSelection { Databases = ["demo_shop"] }, StartReplica = true, ChunkSize = 2000, StateFile = Path.Combine(pair.RootDirectory, "demo-state.json") };
        var listener = new ConsoleListener(verbose);
        var plan = await HostPlan.ReadAsync(settings, flushOptions, listener.Verbose, cancellationToken);
        if (!plan.Ready)
        {
            Console.Error.WriteLine(plan.RefusalMessage);
            return ExitCodes.Refused;
        }
        Console.WriteLine("Flushing the replica into its binary log...");
        var result = await new HostFlusher(plan, listener).FlushAsync(plan.Candidates, cancellationToken);
        listener.EndLine();
        Report.Print(result);
        if (result.Status != FlushStatus.Completed) return ExitCodes.FailedAndRestored;

        var decoded = await BinlogTools.DecodeAsync(pair.Replica, result.BinlogStart!.File, result.BinlogStart.Position, result.BinlogEnd!.File, result.BinlogEnd.Position, cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"Decoded with {Path.GetFileName(BinlogTools.ClientBinary)} between {result.BinlogStart} and {result.BinlogEnd}:");
        foreach (var (table, count) in BinlogTools.CountInserts(decoded).OrderBy(p => p.Key))
            Console.WriteLine($"  {count.ToString("N0", CultureInfo.InvariantCulture),8} row inserts into {table}");
        Console.WriteLine($"  {decoded.Split('\n').Count(l => l.StartsWith("CREATE TABLE", StringComparison.Ordinal)),8} CREATE TABLE statements");
        Console.WriteLine("The throwaway servers are stopped and deleted now.");
        return ExitCodes.Done;
    }
}
