using System.CommandLine;
using System.Globalization;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Cli;

/// <summary>binlog-flusher plan: the readiness checks and the candidate tables as text (Test-BinlogFlushReadiness and Get-FlushCandidateTable). Reads only.</summary>
sealed class PlanCommand
{
    readonly ConnectionOptions connection = new();
    readonly SelectionOptions selection = new();
    readonly ReplicaOptions replica = new(
        "Plan a flush that stops the replication SQL thread (the default).",
        "Plan a flush that leaves replication as it is (refused while the SQL thread runs, unless --force).");
    readonly Option<int?> gtidDomainId = Options.WholeNumber("--gtid-domain-id", "n", 0, int.MaxValue, $"MariaDB: the GTID domain the flush would write in [default: {FlushOptions.DefaultGtidDomainId}].");
    readonly Option<bool> force = Options.Switch("--force", "Check as binlog-flusher flush --force would (fixable refusals become warnings).");

    public Command Build()
    {
        var command = new Command("plan", "Show the readiness checks and the tables a flush would take, and change nothing. Exit 0 when a flush would start, 3 when it would be refused.");
        connection.AddTo(command);
        selection.AddTo(command);
        replica.AddTo(command, withStart: false);
        command.With(gtidDomainId, force);
        command.SetAction(RunAsync);
        return command;
    }

    public const string Notes = """
        Examples:
          binlog-flusher plan --host replica1
          binlog-flusher plan --host replica1:3307 --db shop --no-stop-slave
        """;

    async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var settings = connection.Resolve(parse);
        var options = new FlushOptions
        {
            Selection = selection.Selection(parse),
            NoReplicaStop = !replica.StopReplica(parse),
            GtidDomainId = parse.GetValue(gtidDomainId),
            Force = parse.GetValue(force),
        };
        var plan = await CannotConnectException.OnFirstConnectionAsync(() => HostPlan.ReadAsync(settings, options, null, cancellationToken));
        Print(plan);
        return plan.Ready ? ExitCodes.Done : ExitCodes.Refused;
    }

    static void Print(HostPlan plan)
    {
        var culture = CultureInfo.InvariantCulture;
        var facts = plan.Facts;
        Console.WriteLine($"Host:         {plan.Settings.Target} ({facts.Dialect.VersionText}), server_id {facts.ServerId}, connected as {facts.CurrentUser}");
        Console.WriteLine($"Replication:  {facts.ReplicationState}" + (facts.Channels.Count > 0 ? " (" + string.Join("; ", facts.Channels) + ")" : ""));
        Console.WriteLine($"Binlog:       {(facts.LogBin ? "on" : "off")}, format {facts.BinlogFormat}, row image {facts.BinlogRowImage}" + (facts.Binlog is { } position ? $", at {position}" : ""));
        Console.WriteLine($"Ready:        {(plan.Ready ? "yes: a flush with these flags would start" : "no: a flush with these flags would be refused")}");
        Console.WriteLine();
        Console.WriteLine("Checks:");
        var width = plan.Checks.Max(c => c.Name.Length);
        foreach (var check in plan.Checks)
            Console.WriteLine($"  {check.Status.ToString().ToUpperInvariant(),-4}  {check.Name.PadRight(width)}  {check.Message}");
        Console.WriteLine();
        Console.WriteLine(string.Create(culture, $"Tables: {plan.Candidates.Count}, about {plan.EstimatedRows:N0} rows, {plan.EstimatedBytes / 1024.0 / 1024.0:N1} MiB"));
        if (plan.Candidates.Count == 0) return;
        var nameWidth = Math.Max(5, plan.Candidates.Max(c => c.Schema.Length + 1 + c.Name.Length));
        Console.WriteLine($"  {"Table".PadRight(nameWidth)}  {"Engine",-8}  {"~Rows",12}  Chunk key");
        foreach (var candidate in plan.Candidates)
        {
            var name = candidate.Schema + "." + candidate.Name;
            Console.WriteLine(string.Create(culture, $"  {name.PadRight(nameWidth)}  {candidate.Table.Engine ?? "?",-8}  {candidate.Table.EstimatedRows,12:N0}  {candidate.ChunkKeyText}"));
            if (candidate.Blocker is not null) Console.WriteLine($"  {"".PadRight(nameWidth)}  BLOCKED: {candidate.Blocker}");
            foreach (var adjustment in candidate.Adjustments) Console.WriteLine($"  {"".PadRight(nameWidth)}  twin: {adjustment}");
        }
    }
}
