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
    readonly Option<bool> verbose = Options.Switch("--verbose", "Print every statement sent to the server (on standard error).");

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
        var settings = connection.Resolve(parse);
        var stateFile = parse.GetValue(hashFile) is { } file ? Path.GetFullPath(file) : null;
        var request = new RestoreRequest { StateFile = stateFile, Discover = parse.GetValue(discover), Selection = selection.Selection(parse) };
        var listener = new ConsoleListener(parse.GetValue(verbose));
        await using var restore = await HostRestore.OpenAsync(settings, listener.Verbose, cancellationToken);
        var plan = await restore.PlanAsync(request, cancellationToken);
        // A killed flush's statements can still be running on the server: stop them first, then look again.
        if (plan.RunConnections.Count > 0 && !parse.GetValue(dryRun))
        {
            Console.Error.WriteLine($"{settings.Target}: stopping {plan.RunConnections.Count} connection(s) the interrupted flush left running.");
            await restore.StopRunConnectionsAsync(plan, cancellationToken);
            plan = await restore.PlanAsync(request, cancellationToken);
        }

        foreach (var warning in plan.Warnings) Say.Warning($"{settings.Target}: {warning}");
        foreach (var orphan in plan.Orphans)
            Say.Warning($"{settings.Target}: {orphan} looks like a flush backup, but no record says which table it belongs to. It was not touched; rename it back by hand.");
        if (parse.GetValue(dryRun))
        {
            var planned = plan.Steps.Count(s => s.Verdict == RestoreAction.Conflict);
            Console.WriteLine($"Dry run on {settings.Target}: nothing is changed.");
            foreach (var step in plan.Steps)
                Print(step, step.NeedsChange ? "Would restore" : step.Verdict.ToString(), step.NeedsChange ? step.Description + "." : step.Message);
            if (plan.NeedsChange && replica.StopReplica(parse)) Console.WriteLine("Replication: the SQL thread would be stopped first.");
            if (!plan.NeedsChange) Console.WriteLine("Nothing to restore: every table is in place.");
            return planned == 0 ? ExitCodes.Done : ExitCodes.FailedAndRestored;
        }

        var done = new List<RestoreStep>();
        var stopped = false;
        var interrupted = false;
        foreach (var step in plan.Steps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
            if (step.NeedsChange)
            {
                if (!stopped && replica.StopReplica(parse)) await restore.StopReplicationAsync();
                stopped = true;
                await restore.ApplyAsync(step); // never cancelled half way; decided again if the server changed since the plan
                if (step.Verdict != RestoreAction.Conflict) done.Add(step);
            }
            else if (step.Verdict == RestoreAction.AlreadyRestored)
            {
                done.Add(step);
            }
            Print(step, step.Verdict.ToString(), step.Message);
        }
        if (await restore.FinishAsync(plan, done, stateFile) is { } readOnly) Console.WriteLine(readOnly.Message);
        if (replica.StartReplica(parse) && !interrupted) await restore.StartReplicationAsync();

        if (!plan.NeedsChange) Console.WriteLine("Nothing to restore: every table is in place.");
        var conflicts = plan.Steps.Where(s => s.Verdict == RestoreAction.Conflict).ToList();
        foreach (var conflict in conflicts) Say.Error($"{settings.Target}: {conflict.Message}");
        if (interrupted)
        {
            Say.Error($"{settings.Target}: interrupted after {done.Count} of {plan.Steps.Count} table(s); run the same recover again to finish.");
            return ExitCodes.FailedAndRestored;
        }
        return conflicts.Count == 0 ? ExitCodes.Done : ExitCodes.FailedAndRestored;
    }

    static void Print(RestoreStep step, string verdict, string message) =>
        Console.WriteLine($"{step.Entry.Schema + "." + step.Entry.Table,-40} {verdict,-16} {message}");
}
