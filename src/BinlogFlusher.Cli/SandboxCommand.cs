using System.CommandLine;
using System.Diagnostics;
using BinlogFlusher.Sandbox;

namespace BinlogFlusher.Cli;

/// <summary>
/// Runs a command against a throwaway local primary and replica with the sample schema demo_shop: the module's demo
/// (build.ps1 Demo runs Demo.ps1 in a fresh pwsh this way), or any script of the user's.
/// </summary>
static class SandboxCommand
{
    public const string HostVariable = "BINLOGFLUSHER_SANDBOX_HOST";
    public const string MyCnfVariable = "BINLOGFLUSHER_SANDBOX_MYCNF";

    public const string Notes = $"""
        The command runs with {HostVariable} set to the replica's host:port and {MyCnfVariable} to an option file whose
        [client] section logs in to it (readable by this user only). The exit code is the command's. Needs the MariaDB
        or MySQL server binaries (Debian/Ubuntu: apt-get install mariadb-server mariadb-client); both servers are
        stopped and deleted when the command ends.

        Example: binlog-flusher sandbox -- pwsh -NoProfile -File src/BinlogFlusher/Demo.ps1
        """;

    public static Command Build()
    {
        var rowsOption = Options.WholeNumber("--rows", "n", 1, 10_000_000, "Orders in the sample schema [default: 20000].");
        var commandArgument = new Argument<string[]>("command") { Description = "The command to run and its arguments (after --).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("sandbox", "Start a throwaway local primary and replica with sample data, run a command against the replica, then delete both.")
            .With(rowsOption);
        command.Arguments.Add(commandArgument);
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(rowsOption) ?? 20000, parse.GetValue(commandArgument)!, cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(int rows, string[] commandLine, CancellationToken cancellationToken)
    {
        Console.WriteLine("Starting a throwaway primary and replica (local server binaries)...");
        await using var pair = await LocalReplicaPair.StartAsync(cancellationToken: cancellationToken);
        await SampleShop.WriteAsync(pair.Primary, rows, cancellationToken);
        await pair.WaitForReplicaAsync(cancellationToken);
        var myCnf = Path.Combine(pair.RootDirectory, "replica-client.cnf");
        await File.WriteAllTextAsync(myCnf,
            $"[client]\nuser={pair.Replica.User}\npassword=\"{pair.Replica.Password}\"\nhost={pair.Replica.Host}\nport={pair.Replica.Port}\nprotocol=TCP\n", cancellationToken);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(myCnf, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var target = $"{pair.Replica.Host}:{pair.Replica.Port}";
        Console.WriteLine($"Replica {target} ({pair.Binaries.Version}) replicating schema demo_shop ({Counts.Of(rows, "order")}) from primary {pair.Primary.Host}:{pair.Primary.Port}.");
        Console.WriteLine($"{HostVariable}={target} {MyCnfVariable}={myCnf}");
        Console.WriteLine();

        var start = new ProcessStartInfo(commandLine[0]) { UseShellExecute = false };
        foreach (var argument in commandLine.Skip(1)) start.ArgumentList.Add(argument);
        start.Environment[HostVariable] = target;
        start.Environment[MyCnfVariable] = myCnf;
        Process child;
        try
        {
            child = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new UsageException($"cannot run '{commandLine[0]}': {exception.Message}. Give a command on PATH or a full path after --.");
        }
        using (child)
        {
            // Ctrl+C reaches the child too (same terminal): wait for it to put its tables back, then clean up.
            await child.WaitForExitAsync(CancellationToken.None);
            Console.WriteLine();
            Console.WriteLine($"The command exited with code {child.ExitCode}; the throwaway servers are stopped and deleted now.");
            return child.ExitCode;
        }
    }
}
