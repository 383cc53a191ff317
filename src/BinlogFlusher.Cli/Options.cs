using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

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
