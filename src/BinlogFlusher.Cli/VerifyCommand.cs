using System.CommandLine;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Engine.Verifying;

namespace BinlogFlusher.Cli;

/// <summary>binlog-flusher verify: a finished run checked later from its state file (Test-BinlogFlushResult). Reads only.</summary>
sealed class VerifyCommand
{
    readonly ConnectionOptions connection = new();
    readonly Option<string> hashFile = Options.Text("--hashfile", "file", "The state file binlog-flusher flush wrote: its binlog ranges and flushed tables are what is verified. Required.", "--state-file");

    public Command Build()
    {
        var command = new Command("verify", "Read a finished flush's binlog back over the replication protocol (needs REPLICATION SLAVE) and check each table it flushed; exit 5 when they differ.");
        connection.AddTo(command);
        command.With(hashFile);
        command.Validators.Add(result =>
        {
            if (result.GetValue(hashFile) is null)
                result.AddError("--hashfile is required: give the state file binlog-flusher flush wrote (binlogflush-<host>-<port>-<time>.json).");
        });
        command.SetAction(RunAsync);
        return command;
    }

    public const string Notes = """
        Examples:
          binlog-flusher verify --host replica1 --hashfile ./binlogflush-replica1-3306-20261124T101500Z.json

        The same checks as flush --verify, for each table the state file records as flushed: one line per table and
        the summary on stdout, each table that differs on stderr (exit 5). A binlog that cannot be read back (its files
        purged, no REPLICATION SLAVE) is exit 6; a state file of another server is refused (exit 3).
        """;

    async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var settings = connection.Resolve(parse);
        var path = Path.GetFullPath(parse.GetValue(hashFile)!);
        var journal = FlushJournal.Load(path);
        IReadOnlyList<TableVerification> verification;
        try
        {
            verification = await CannotConnectException.OnFirstConnectionAsync(() => new FlushVerifier(settings).VerifyRunAsync(journal, path, cancellationToken));
        }
        catch (Engine.FlushException failed) when (failed.Kind == Engine.FlushErrorKind.VerificationFailed)
        {
            Say.Error(failed.Message);
            return ExitCodes.VerifyFailed;
        }
        foreach (var table in verification) Console.WriteLine(table);
        return Summarize(verification);
    }

    /// <summary>The summary line on stdout, each table that differs on stderr, and the exit code (flush --verify and verify alike).</summary>
    public static int Summarize(IReadOnlyList<TableVerification> verification)
    {
        var verified = verification.Count(v => v.Status == VerificationStatus.Verified);
        Console.WriteLine($"Verify: {verified} of {verification.Count} tables verified");
        foreach (var mismatch in verification.Where(v => v.Status == VerificationStatus.Mismatch)) Say.Error("Verify: " + mismatch);
        return verified == verification.Count ? ExitCodes.Done : ExitCodes.VerifyMismatch;
    }
}
