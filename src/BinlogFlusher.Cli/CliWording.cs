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
