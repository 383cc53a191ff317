using System.CommandLine;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Verifying;

namespace BinlogFlusher.Cli;

/// <summary>
/// binlog-flusher flush: the old tool's flush, with its flags and defaults (stop replication: yes; start it after: no),
/// over the same engine and preflight as Invoke-BinlogFlush.
/// </summary>
sealed class FlushCommand
{
    readonly ConnectionOptions connection = new();
    readonly SelectionOptions selection = new();
    readonly ReplicaOptions replica = new(
        "Stop the replication SQL thread before the first table (the default).",
        "Leave the replication SQL thread as it is: refused while it runs (replicated writes would be lost), unless --force.");
    readonly Option<string> stateFile = Options.Text("--state-file", "file", "Where the journal goes, for binlog-flusher recover [default: ./binlogflush-<host>-<port>-<time>.json].", "--hashfile");
    readonly Option<int?> threads = Options.WholeNumber("--threads", "n", 1, FlushOptions.MaxThrottleLimit, $"Tables flushed at once [default: {FlushOptions.DefaultThrottleLimit}].");
    readonly Option<int?> chunkSize = Options.WholeNumber("--chunk-size", "rows", 1, FlushOptions.MaxChunkSize, $"The most rows per INSERT ... SELECT chunk, each one binlog transaction [default: {FlushOptions.DefaultChunkSize}].");
    readonly Option<int?> chunkBytes = Options.WholeNumber("--chunk-bytes", "bytes", (int)FlushOptions.MinChunkBytes, (int)FlushOptions.MaxChunkBytes, $"The binlog bytes a chunk aims at: tables with wide rows get chunks of fewer rows than --chunk-size [default: {FlushOptions.DefaultChunkBytes}].");
    readonly Option<int?> reconnectTimeout = Options.WholeNumber("--reconnect-timeout", "seconds", 0, FlushOptions.MaxReconnectTimeoutSeconds,
        $"How long a lost connection is tried again before the tables are put back [default: {FlushOptions.DefaultReconnectTimeoutSeconds}].");
    readonly Option<int?> gtidDomainId = Options.WholeNumber("--gtid-domain-id", "n", 0, int.MaxValue, $"MariaDB: the GTID domain the flush writes in [default: {FlushOptions.DefaultGtidDomainId}].");
    readonly Option<bool> resetBinaryLogs = Options.Switch("--reset-binary-logs", "Delete every binary log first (RESET MASTER): binlog consumers lose their position. Asks y/N on a terminal; without one, only with --force.");
    readonly Option<bool> dryRun = Options.Switch("--dry-run", "Print per table what would happen, and change nothing (not even replication).");
    readonly Option<bool> force = Options.Switch("--force", "Flush where preflight would refuse for a fixable reason (no replication, downstream replicas, log_slave_updates OFF, --no-stop-slave while replication runs), and confirm --reset-binary-logs.");
    readonly Option<bool> verify = Options.Switch("--verify", "After a completed flush, read its binlog back over the replication protocol and check each table in it (needs REPLICATION SLAVE); exit 5 when they differ.");
    readonly Option<bool> verbose = Options.Switch("--verbose", "Print the account used and the option file it came from, then every statement sent to the server (on standard error).");

    public Command Build()
    {
        var command = new Command("flush", "Write a full snapshot of the replica's tables into its own binary log (the blackhole copy).");
        connection.AddTo(command);
        selection.AddTo(command);
        replica.AddTo(command);
        command.With(stateFile, threads, chunkSize, chunkBytes, gtidDomainId, reconnectTimeout, resetBinaryLogs, dryRun, force, verify, verbose);
        command.SetAction(RunAsync);
        return command;
    }

    public const string Notes = """
        Examples:
          binlog-flusher flush --host replica1 --db shop
          binlog-flusher flush --host replica1:3307 --mycnf /etc/binlog-flusher.cnf --db shop,billing --start-slave
          binlog-flusher flush --host replica1 --db shop --table orders,customers --dry-run

        Each table is renamed aside without logging, created again with logging, turned into a BLACKHOLE twin, filled
        with INSERT ... SELECT (its rows reach the binlog as row events) and put back. Every step is journaled in the
        state file; an interrupted run (Ctrl+C, SIGTERM) puts every table back before it exits, and after a crash
        binlog-flusher recover --host H --hashfile <state file> does.
        """;

    async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var settings = connection.Resolve(parse, parse.GetValue(verbose));
        var options = new FlushOptions
        {
            Selection = selection.Selection(parse),
            NoReplicaStop = !replica.StopReplica(parse),
            StartReplica = replica.StartReplica(parse),
            ResetBinaryLogs = parse.GetValue(resetBinaryLogs),
            Force = parse.GetValue(force),
            StateFile = parse.GetValue(stateFile) is { } file ? Path.GetFullPath(file) : null,
            ThrottleLimit = parse.GetValue(threads) ?? FlushOptions.DefaultThrottleLimit,
            ChunkSize = parse.GetValue(chunkSize) ?? FlushOptions.DefaultChunkSize,
            ChunkBytes = parse.GetValue(chunkBytes) ?? FlushOptions.DefaultChunkBytes,
            GtidDomainId = parse.GetValue(gtidDomainId),
            ReconnectTimeout = TimeSpan.FromSeconds(parse.GetValue(reconnectTimeout) ?? FlushOptions.DefaultReconnectTimeoutSeconds),
        };
        var listener = new ConsoleListener(parse.GetValue(verbose));
        var plan = await CannotConnectException.OnFirstConnectionAsync(() => HostPlan.ReadAsync(settings, options, listener.Verbose, cancellationToken));

        if (parse.GetValue(dryRun)) return DryRun(plan);
        if (!plan.Ready)
        {
            Say.Error(plan.RefusalMessage + " Nothing was changed.");
            return ExitCodes.Refused;
        }
        if (options.ResetBinaryLogs && !ConfirmReset(plan)) return ExitCodes.Refused;
        cancellationToken.ThrowIfCancellationRequested();

        var flusher = new HostFlusher(plan, listener) { PhaseReached = TestStopHook.FromEnvironment() };
        var result = await flusher.FlushAsync(plan.Candidates, cancellationToken);
        listener.EndLine();
        Report.Print(result);
        if (result.Status == FlushStatus.Completed) return parse.GetValue(verify) ? await VerifyAsync(settings, result, cancellationToken) : ExitCodes.Done;
        // Once, on stderr: it ends with the host's state and the command to run next (recover, when a table is aside).
        Say.Error($"{settings.Target}: {(result.Status == FlushStatus.Interrupted ? "" : "the flush failed: ")}{result.Error}");
        return ExitCodes.FailedAndRestored;
    }

    /// <summary>--verify: the summary line on stdout, each table that differs on stderr; the flush's own result stays as it is.</summary>
    static async Task<int> VerifyAsync(Engine.Connection.ConnectionSettings settings, FlushResult result, CancellationToken cancellationToken)
    {
        try
        {
            result.Verification = await new FlushVerifier(settings).VerifyAsync(result.BinlogRanges, TableExpectation.Of(result), cancellationToken);
        }
        catch (Engine.FlushException failed) when (failed.Kind == Engine.FlushErrorKind.VerificationFailed)
        {
            Say.Error(failed.Message);
            return ExitCodes.VerifyFailed;
        }
        catch (OperationCanceledException)
        {
            // The flush completed and its summary is printed: a stop during the check leaves it unverified, not failed.
            Say.Error($"{settings.Target}: the flush completed, but the check of its binlog was stopped.");
            return ExitCodes.VerifyFailed;
        }
        return VerifyCommand.Summarize(result.Verification);
    }

    /// <summary>--reset-binary-logs deletes every binlog: --force, or a y on a terminal; never on a guess.</summary>
    static bool ConfirmReset(HostPlan plan)
    {
        var what = $"{plan.Facts.Dialect.ResetBinaryLogs} deletes every binary log of {plan.Settings.Target}: binlog consumers lose their position";
        if (plan.Options.Force) return true;
        if (Console.IsInputRedirected)
        {
            Say.Error($"Refusing --reset-binary-logs: {what}, and standard input is not a terminal to confirm it. Add --force to confirm it on the command line. Nothing was changed.");
            return false;
        }
        Console.Error.Write($"{what}. Continue? [y/N] ");
        var answer = Console.ReadLine()?.Trim();
        if (answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase))) return true;
        Say.Error("Not confirmed: nothing was changed.");
        return false;
    }

    /// <summary>What the flush would do, per table, from the plan alone: reading the plan changes nothing.</summary>
    static int DryRun(HostPlan plan)
    {
        var options = plan.Options;
        var facts = plan.Facts;
        Console.WriteLine($"Dry run on {plan.Settings.Target} ({facts.Dialect.VersionText}): nothing is changed, not even replication.");
        foreach (var check in plan.Checks.Where(c => c.Status == CheckStatus.Warn)) Say.Warning(check.Message);

        if (!facts.IsReplica) Console.WriteLine("Replication: not configured.");
        else if (options.NoReplicaStop) Console.WriteLine($"Replication: would be left as it is ({facts.ReplicationState}).");
        else
            Console.WriteLine(facts.SqlThreadRunning
                ? $"Replication: would stop the SQL thread ({facts.ReplicationState} now)" + (options.StartReplica ? ", and start it again when done." : "; it stays stopped after the flush (--start-slave starts it).")
                // --start-slave starts only what the run stopped: a thread stopped before it is its owner's to start.
                : $"Replication: the SQL thread is already stopped ({facts.ReplicationState} now), and stays stopped after the flush" + (options.StartReplica ? " (--start-slave starts only what the flush stopped)." : "."));
        if (options.ResetBinaryLogs)
            Console.WriteLine($"Binary logs: would all be deleted first ({facts.Dialect.ResetBinaryLogs}), once confirmed (y on a terminal, or --force).");

        foreach (var candidate in plan.Candidates)
        {
            var name = candidate.Schema + "." + candidate.Name;
            if (candidate.Blocker is not null)
            {
                Console.WriteLine($"Cannot flush {name}: {candidate.Blocker}");
                continue;
            }
            var chunkRows = options.ChunkRows(candidate.Table);
            var copy = candidate.ChunkKey.Count == 0 ? $"in one statement (no chunk key: {candidate.NoChunkKeyReason})"
                : candidate.Table.EstimatedRows <= chunkRows ? $"in one chunk on ({candidate.ChunkKeyText})"
                : $"in chunks of {Counts.Of(chunkRows, "row")} on ({candidate.ChunkKeyText})";
            Console.WriteLine($"Would flush {name}: about {Counts.Of(candidate.Table.EstimatedRows, "row")}, {copy}"
                + (candidate.Adjustments.Count > 0 ? "; the BLACKHOLE twin: " + string.Join("; ", candidate.Adjustments) : "") + ".");
        }
        Console.WriteLine($"State file: {options.StateFile ?? HostFlusher.DefaultStateFile(plan.Settings.Host, plan.Settings.Port, DateTimeOffset.UtcNow)} (not written by a dry run).");

        if (!plan.Ready)
        {
            Say.Error(plan.RefusalMessage);
            return ExitCodes.Refused;
        }
        Console.WriteLine("Ready: a flush with these flags would start. Nothing was changed.");
        return ExitCodes.Done;
    }
}
