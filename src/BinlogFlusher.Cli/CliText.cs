using System.Globalization;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Flushing;

namespace BinlogFlusher.Cli;

/// <summary>
/// The engine's messages name the fix in the cmdlets' words (-Force, -Table, Restore-BinlogFlushState); on the command
/// line the same fix is a flag or a command of binlog-flusher.
/// </summary>
static partial class CliWording
{
    static readonly (string From, string To)[] Phrases =
    [
        ("(-Credential or the [client] section of -MyCnf)", "(the [client] section of --mycnf)"),
        (", or use -Credential", ""),
        ("give -Credential, or -MyCnf with an option file", "give --mycnf with an option file"),
        ("Restore-BinlogFlushState -StateFile", "binlog-flusher recover --hashfile"),
        ("Restore-BinlogFlushState", "binlog-flusher recover"),
        ("Invoke-BinlogFlush", "binlog-flusher flush"),
        ("Test-BinlogFlushReadiness", "binlog-flusher plan"),
    ];

    static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["StateFile"] = "--hashfile",
        ["HashFile"] = "--hashfile",
        ["Discover"] = "--discover",
        ["Database"] = "--db",
        ["Table"] = "--table",
        ["ExcludeDatabase"] = "--skip",
        ["ExcludeTable"] = "--skip-table",
        ["HostName"] = "--host",
        ["Force"] = "--force",
        ["NoReplicaStop"] = "--no-stop-slave",
        ["StartReplica"] = "--start-slave",
        ["GtidDomainId"] = "--gtid-domain-id",
        ["MyCnf"] = "--mycnf",
        ["Port"] = "--port",
        ["ChunkSize"] = "--chunk-size",
        ["ChunkBytes"] = "--chunk-bytes",
        ["ThrottleLimit"] = "--threads",
        ["ResetBinaryLogs"] = "--reset-binary-logs",
        ["WhatIf"] = "--dry-run",
    };

    [GeneratedRegex(@"(?<![\w-])-(StateFile|HashFile|Discover|Database|Table|ExcludeDatabase|ExcludeTable|HostName|Force|NoReplicaStop|StartReplica|GtidDomainId|MyCnf|Port|ChunkSize|ChunkBytes|ThrottleLimit|ResetBinaryLogs|WhatIf)\b")]
    private static partial Regex CmdletParameter();

    public static string ForCli(string message)
    {
        foreach (var (from, to) in Phrases) message = message.Replace(from, to, StringComparison.Ordinal);
        return CmdletParameter().Replace(message, match => Flags[match.Groups[1].Value]);
    }
}

/// <summary>Messages to standard error, always in the command line's words.</summary>
static class Say
{
    public static void Error(string message) => Console.Error.WriteLine("binlog-flusher: " + CliWording.ForCli(message));
    public static void Warning(string message) => Console.Error.WriteLine("WARNING: " + CliWording.ForCli(message));
}

static class Report
{
    public static void Print(FlushResult result)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine($"Host:          {result.HostName}:{result.Port} ({result.ServerVersion})");
        Console.WriteLine($"Status:        {result.Status}");
        Console.WriteLine(string.Create(culture, $"Rows:          {result.Rows:N0} in {result.Duration.TotalSeconds:0.0}s"));
        Console.WriteLine($"Binlog start:  {result.BinlogStart}");
        Console.WriteLine($"Binlog end:    {result.BinlogEnd}");
        Console.WriteLine($"Replication:   {result.ReplicationBefore} -> {result.ReplicationAfter}");
        Console.WriteLine($"State file:    {result.StateFile}");
        Console.WriteLine();
        Console.WriteLine($"{"Table",-40} {"Status",-10} {"Rows",10} {"Chunks",7} {"Seconds",8}");
        foreach (var table in result.Tables)
            Console.WriteLine(string.Create(culture, $"{(table.Schema + "." + table.Table),-40} {table.Status,-10} {table.Rows,10} {table.Chunks,7} {table.Duration.TotalSeconds,8:0.00}"));
        foreach (var table in result.Tables.Where(t => t.MayRepeat.Count > 0))
            Console.WriteLine($"May appear twice: {string.Join("; ", table.MayRepeat)}");
    }
}
