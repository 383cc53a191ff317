using System.CommandLine;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using MySqlConnector;

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

        await using (var primary = new MySqlConnection(pair.Primary.ConnectionString()))
        {
            await primary.OpenAsync(cancellationToken);
            foreach (var sql in SampleSchema(rows))
                await new MySqlCommand(sql, primary) { CommandTimeout = 600 }.ExecuteNonQueryAsync(cancellationToken);
            foreach (var sql in SampleRows(rows))
                await new MySqlCommand(sql, primary) { CommandTimeout = 600 }.ExecuteNonQueryAsync(cancellationToken);
        }
        await pair.WaitForReplicaAsync(cancellationToken);
        Console.WriteLine($"Sample data written on the primary and replicated: schema demo_shop, {rows} orders.");

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
            Console.WriteLine($"  {count,8} row inserts into {table}");
        Console.WriteLine($"  {decoded.Split('\n').Count(l => l.StartsWith("CREATE TABLE", StringComparison.Ordinal)),8} CREATE TABLE statements");
        Console.WriteLine("The throwaway servers are stopped and deleted now.");
        return ExitCodes.Done;
    }

    static IEnumerable<string> SampleSchema(int orders)
    {
        yield return "CREATE DATABASE demo_shop";
        yield return "CREATE TABLE demo_shop.customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200) UNIQUE, created DATETIME(6) NOT NULL) ENGINE=InnoDB";
        yield return "CREATE TABLE demo_shop.orders (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, " +
                     "amount_with_tax DECIMAL(12,2) AS (amount * 1.2) STORED, note JSON, " +
                     "CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES demo_shop.customers (id)) ENGINE=InnoDB";
        yield return "CREATE TABLE demo_shop.audit_log (at DATETIME NOT NULL, message TEXT) ENGINE=InnoDB";
    }

    // Plain multi-row INSERTs: the same on MySQL and MariaDB.
    static IEnumerable<string> SampleRows(int orders)
    {
        yield return "INSERT INTO demo_shop.customers VALUES " + string.Join(", ", Enumerable.Range(1, 500).Select(i => $"({i}, 'Customer {i}', 'c{i}@example.com', NOW(6))"));
        for (var start = 1; start <= orders; start += 1000)
            yield return "INSERT INTO demo_shop.orders (customer_id, amount, note) VALUES " +
                         string.Join(", ", Enumerable.Range(start, Math.Min(1000, orders - start + 1)).Select(i => $"({1 + i % 500}, {i} / 7, JSON_OBJECT('n', {i}))"));
        yield return "INSERT INTO demo_shop.audit_log VALUES " + string.Join(", ", Enumerable.Repeat("(NOW(), 'same line')", 50));
    }
}
