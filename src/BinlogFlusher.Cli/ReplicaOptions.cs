using System.CommandLine;
using System.CommandLine.Parsing;

namespace BinlogFlusher.Cli;

/// <summary>The old tool's replication switches, each with its --no- form: stop the SQL thread (default yes), start it after (default no).</summary>
sealed class ReplicaOptions(string stopDescription, string noStopDescription)
{
    public Option<bool> Stop { get; } = Options.Switch("--stop-slave", stopDescription, "--stop-replica");
    public Option<bool> NoStop { get; } = Options.Switch("--no-stop-slave", noStopDescription, "--no-stop-replica");
    public Option<bool> Start { get; } = Options.Switch("--start-slave", "Start the replication SQL thread again when done.", "--start-replica");
    public Option<bool> NoStart { get; } = Options.Switch("--no-start-slave", "Leave the replication SQL thread stopped when done (the default).", "--no-start-replica");

    public void AddTo(Command command, bool withStart = true)
    {
        command.With(Stop, NoStop);
        if (withStart) command.With(Start, NoStart);
        command.Validators.Add(result =>
        {
            if (result.Given(Stop) && result.Given(NoStop))
                result.AddError("--stop-slave and --no-stop-slave contradict each other: give one of them.");
            if (withStart && result.Given(Start) && result.Given(NoStart))
                result.AddError("--start-slave and --no-start-slave contradict each other: give one of them.");
        });
    }

    /// <summary>Stop replication first: yes unless --no-stop-slave (or --stop-slave false).</summary>
    public bool StopReplica(ParseResult result) =>
        result.Given(NoStop) ? !result.GetValue(NoStop) : !result.Given(Stop) || result.GetValue(Stop);

    /// <summary>Start replication after: no unless --start-slave.</summary>
    public bool StartReplica(ParseResult result) =>
        result.Given(NoStart) ? !result.GetValue(NoStart) : result.Given(Start) && result.GetValue(Start);
}
