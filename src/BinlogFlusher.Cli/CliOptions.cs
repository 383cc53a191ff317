using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Cli;

/// <summary>Options of the old tool's shapes: whole numbers with a range, comma-separated lists, switches.</summary>
static class Options
{
    public static Option<bool> Switch(string name, string description, params string[] aliases) => new(name, aliases) { Description = description };

    public static Option<string> Text(string name, string helpName, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = helpName };

    /// <summary>A whole number in [min, max]; a bad value is a usage error that names the option and the range.</summary>
    public static Option<int?> WholeNumber(string name, string helpName, int min, int max, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max) return number;
            result.AddError($"{name} takes a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
            return null;
        },
    };

    /// <summary>
    /// Comma-separated names; the option may also be given more than once. Given with no name at all (an empty
    /// variable in a cron line) it is a usage error: it must not widen the selection to every table.
    /// </summary>
    public static Option<string[]> List(string name, string helpName, string description, params string[] aliases)
    {
        var option = new Option<string[]>(name, aliases) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            if (Split(result.Tokens.Select(t => t.Value)).Count == 0)
                result.AddError($"{name} was given without a name: name at least one ({name} {helpName}), or leave {name} out.");
        });
        return option;
    }

    public static IReadOnlyList<string> Values(this ParseResult result, Option<string[]> option) => Split(result.GetValue(option) ?? []);

    static List<string> Split(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    /// <summary>Whether the command line names the option (a switch's default is an implicit result, not a given one).</summary>
    public static bool Given(this SymbolResult result, Option option) => result.GetResult(option) is { Implicit: false };

    public static bool Given(this ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    public static T With<T>(this T command, params Option[] options) where T : Command
    {
        foreach (var option in options) command.Options.Add(option);
        return command;
    }
}

/// <summary>--host, --port, --mycnf: how to reach the replica. Credentials come only from the option file.</summary>
sealed class ConnectionOptions
{
    public Option<string> Host { get; } = Options.Text("--host", "host[:port]", "The replica: a host name or address, with :port if not 3306. Required.");
    public Option<int?> Port { get; } = Options.WholeNumber("--port", "port", 1, 65535, "The port, when --host does not say it [default: the option file's port, else 3306].");
    public Option<string> MyCnf { get; } = Options.Text("--mycnf", "file", "An option file whose [client] section gives user and password (and port, socket, ssl-*) [default: ~/.my.cnf, then ~/my.cnf].", "--defaults-file");

    public void AddTo(Command command)
    {
        command.With(Host, Port, MyCnf);
        command.Validators.Add(result =>
        {
            if (!result.Given(Host))
                result.AddError("--host is required: name the replica, as --host replica1 or --host replica1:3307.");
        });
    }

    /// <summary>The connection settings; a bad host:port or option file is a usage error.</summary>
    public ConnectionSettings Resolve(ParseResult result)
    {
        var cnf = result.GetValue(MyCnf);
        try
        {
            var settings = ConnectionResolver.Resolve(result.GetValue(Host)!, result.GetValue(Port), null, null, cnf is null ? null : Path.GetFullPath(cnf));
            CommandLine.Target = settings.Target;
            return settings;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or FileNotFoundException or InvalidDataException)
        {
            throw new UsageException(exception.Message);
        }
    }
}

/// <summary>--db, --table, --skip, --skip-table: which tables a command takes.</summary>
sealed class SelectionOptions
{
    public Option<string[]> Databases { get; } = Options.List("--db", "db1,db2", "Only these databases, comma-separated; * and ? are wildcards [default: every database but the system schemas].", "--database");
    public Option<string[]> Tables { get; } = Options.List("--table", "t1,db.t2", "Only these tables, as table or db.table, comma-separated; * and ? are wildcards.");
    public Option<string[]> Skip { get; } = Options.List("--skip", "db1,db2", "Leave these databases out, comma-separated (the system schemas are always left out).");
    public Option<string[]> SkipTables { get; } = Options.List("--skip-table", "t1,db.t2", "Leave these tables out, as table or db.table, comma-separated; * and ? are wildcards; applied after --db and --table.");

    public void AddTo(Command command) => command.With(Databases, Tables, Skip, SkipTables);

    public FlushSelection Selection(ParseResult result) => new()
    {
        Databases = result.Values(Databases),
        Tables = result.Values(Tables),
        ExcludeDatabases = result.Values(Skip),
        ExcludeTables = result.Values(SkipTables),
    };
}

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
