using System.Text.RegularExpressions;
using BinlogFlusher.Engine;
using EngineCommand = BinlogFlusher.Engine.FlushCommand;

namespace BinlogFlusher.Cli;

/// <summary>The engine's messages in the command line's syntax: --force, binlog-flusher recover, shell-quoted paths.</summary>
sealed partial class CliSyntax : IFrontEndSyntax
{
    public static readonly CliSyntax Instance = new();

    public string? Option(FlushOption option) => option switch
    {
        FlushOption.HostName => "--host",
        FlushOption.Port => "--port",
        FlushOption.Credential => null, // credentials come only from an option file here
        FlushOption.MyCnf => "--mycnf",
        FlushOption.StateFile => "--hashfile",
        FlushOption.Discover => "--discover",
        FlushOption.Database => "--db",
        FlushOption.Table => "--table",
        FlushOption.ExcludeDatabase => "--skip",
        FlushOption.ExcludeTable => "--skip-table",
        FlushOption.Force => "--force",
        FlushOption.NoReplicaStop => "--no-stop-slave",
        FlushOption.StartReplica => "--start-slave",
        FlushOption.GtidDomainId => "--gtid-domain-id",
        FlushOption.ChunkBytes => "--chunk-bytes",
        FlushOption.ResetBinaryLogs => "--reset-binary-logs",
        _ => throw new ArgumentOutOfRangeException(nameof(option), option, "an option the command line does not spell"),
    };

    public string Command(EngineCommand command) => command switch
    {
        EngineCommand.Flush => "binlog-flusher flush",
        EngineCommand.Restore => "binlog-flusher recover",
        _ => "binlog-flusher plan",
    };

    [GeneratedRegex(@"^[\w.:@,/+=-]+$")]
    private static partial Regex Bare();

    /// <summary>As a POSIX shell reads it: single quotes, with ' written as '\''.</summary>
    public string Value(string value) => Bare().IsMatch(value) ? value : "'" + value.Replace("'", @"'\''", StringComparison.Ordinal) + "'";
}
