using System.CommandLine;
using BinlogFlusher.Engine.Restoring;

namespace BinlogFlusher.Cli;

/// <summary>
/// binlog-flusher recover: the old tool's db-recovery. Puts tables back from the old tool's rollback file
/// (_BKTB_n,table lines), from our state file, or from what the server itself records (--discover).
/// </summary>
sealed class RecoverCommand
{
    readonly ConnectionOptions connection = new();
    readonly SelectionOptions selection = new();
    readonly ReplicaOptions replica = new(
        "Stop the replication SQL thread before the first table is put back (the default).",
        "Leave the replication SQL thread running while tables are put back.");
    readonly Option<string> hashFile = Options.Text("--hashfile", "file", "What to restore from: the old tool's rollback file (_BKTB_1,table lines) or the state file binlog-flusher flush wrote.", "--state-file");
    readonly Option<bool> discover = Options.Switch("--discover", "Find what to restore on the server itself (its record of unfinished runs and the backup tables it holds), without a file.");
    readonly Option<bool> dryRun = Options.Switch("--dry-run", "Print per table what would be done, and change nothing.");
    readonly Option<bool> verbose = Options.Switch("--verbose", "Print the account used and the option file it came from, then every statement sent to the server (on standard error).");

    public Command Build()
    {
        var command = new Command("recover", "Put every table of an interrupted flush back (the old tool's db-recovery): drop BLACKHOLE twins, rename backups back, without logging.");
        connection.AddTo(command);
        command.With(hashFile, discover);
        selection.AddTo(command);
        replica.AddTo(command);
        command.With(dryRun, verbose);
        command.Validators.Add(result =>
        {
            var file = result.GetValue(hashFile);
            if (file is null && !result.GetValue(discover))
                result.AddError("Say what to restore: --hashfile F (the old tool's rollback file, or the state file binlog-flusher flush wrote), or --discover.");
        });
        command.SetAction(RunAsync);
        return command;
    }

    public const string Notes = """
        Examples:
          binlog-flusher recover --host replica1 --hashfile /var/tmp/flush-rollback.txt
          binlog-flusher recover --host replica1 --hashfile ./binlogflush-replica1-3306-20261124T101500Z.json --start-slave
          binlog-flusher recover --host replica1 --discover --dry-run

        A table that is in place already is left alone, so running recover twice is safe. A table whose backup and
        original both hold rows is a conflict: it is not touched, and the exit code is 1.
        """;

    async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var settings = connection.Resolve(parse, parse.GetValue(verbose));
        var request = new RestoreRequest
        {
            StateFile = parse.GetValue(hashFile) is { } file ? Path.GetFullPath(file) : null,
            Discover = parse.GetValue(discover),
            Selection = selection.Selection(parse),
        };
        var dryRunOnly = parse.GetValue(dryRun);
        var options = new RestoreOptions { StopReplica = replica.StopReplica(parse), StartReplica = replica.StartReplica(parse), DryRun = dryRunOnly };
        var listener = new ConsoleListener(parse.GetValue(verbose));
        await using var restore = await CannotConnectException.OnFirstConnectionAsync(() => HostRestore.OpenAsync(settings, listener.Verbose, cancellationToken));
        if (dryRunOnly) Console.WriteLine($"Dry run on {settings.Target}: nothing is changed.");
        var result = await restore.RunAsync(request, options, new CliRestoreListener(listener, dryRunOnly), cancellationToken);

        if (result.ReadOnly is { } readOnly) Console.WriteLine(readOnly.Message);
        if (dryRunOnly && result.Plan.NeedsChange && options.StopReplica) Console.WriteLine("Replication: the SQL thread would be stopped first.");
        foreach (var conflict in result.Conflicts) Say.Error($"{settings.Target}: {conflict.Message}");
        if (result.Interrupted)
        {
            Say.Error($"{settings.Target}: interrupted after {result.Done} of {result.Plan.Steps.Count} table(s); run the same recover again to finish.");
            return ExitCodes.FailedAndRestored;
        }
        return result.Conflicts.Count == 0 ? ExitCodes.Done : ExitCodes.FailedAndRestored;
    }

    /// <summary>The restore's questions and news on the console: --dry-run answers no to every change.</summary>
    sealed class CliRestoreListener(ConsoleListener console, bool dryRun) : IRestoreListener
    {
        public Task<bool> ConfirmAsync(RestoreConfirmation kind, string target, string action)
        {
            if (!dryRun && kind == RestoreConfirmation.StopRunConnections) Console.Error.WriteLine($"{target}: {action}.");
            return Task.FromResult(!dryRun);
        }

        public void Warning(string message) => console.Warning(message);

        public void Verbose(string message) => console.Verbose(message);

        public void Information(string message) => Console.WriteLine(message);

        public void Outcome(RestoreStep step, RestoreAction action, string message)
        {
            if (dryRun && step.NeedsChange) Print(step, "Would restore", step.Description + ".");
            else Print(step, action.ToString(), message);
        }
    }

    static void Print(RestoreStep step, string verdict, string message) =>
        Console.WriteLine($"{step.Entry.Schema + "." + step.Entry.Table,-40} {verdict,-16} {message}");
}
