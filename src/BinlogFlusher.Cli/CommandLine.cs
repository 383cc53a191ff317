using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Runtime.InteropServices;
using BinlogFlusher.Engine;

namespace BinlogFlusher.Cli;

/// <summary>
/// The command line: System.CommandLine parses it, a usage error exits 2 with a message that names the fix, each
/// command runs with one cancellation token that Ctrl+C and SIGTERM trip (a flush then puts every table back before
/// the process exits), and each expected failure maps to its exit code.
/// </summary>
static class CommandLine
{
    const string Name = "binlog-flusher";

    /// <summary>host:port of the server the command talks to, once known: the prefix of server errors.</summary>
    public static string? Target { get; set; }

    const string RootNotes = """
        Credentials come only from an option file: the [client] section of --mycnf F (default ~/.my.cnf, then
        ~/my.cnf), with user= and password=. Passwords are never taken on the command line, and never printed.
        Without user= the login is this process's login name, as for the mysql client: that, and root without a
        password, print a warning. --verbose names the account and the option file it came from.

        Run 'binlog-flusher <command> --help' for a command's flags.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        // Numbers read the same whatever the locale (20,000), in the engine's messages as in ours: scripts parse them.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        // The engine's messages name options and commands as this command line spells them.
        using var syntax = FrontEnd.Use(CliSyntax.Instance);
        var (root, help) = BuildCommands();
        // No @response files: an argument that starts with @ means what it says, as it did for the old tool.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            UsageErrors(parse, args);
            return ExitCodes.BadUsage;
        }
        return await InvokeAsync(parse);
    }

    /// <summary>The commands, each with its notes under --help; no command shows the overview as a usage error.</summary>
    static (RootCommand Root, HelpWithNotes Help) BuildCommands()
    {
        var notes = new Dictionary<Command, string>();
        var root = new RootCommand("binlog-flusher: write a full snapshot of a MySQL/MariaDB replica's tables into its own binary log, for CDC consumers (the blackhole copy).");
        notes[root] = RootNotes;
        void Add(Command command, string text)
        {
            root.Subcommands.Add(command);
            notes[command] = text;
        }
        Add(Demo.Build(), Demo.Notes);
        Add(SandboxCommand.Build(), SandboxCommand.Notes);
        Add(new PlanCommand().Build(), PlanCommand.Notes);
        Add(new FlushCommand().Build(), FlushCommand.Notes);
        Add(new RecoverCommand().Build(), RecoverCommand.Notes);
        Add(new VerifyCommand().Build(), VerifyCommand.Notes);

        var helpOption = root.Options.OfType<HelpOption>().Single();
        var help = new HelpWithNotes((HelpAction)helpOption.Action!, notes);
        helpOption.Action = help;
        // No command: the overview, as a usage error (a cron line that lost its command must not look done).
        root.SetAction(parse =>
        {
            help.Invoke(parse);
            return ExitCodes.BadUsage;
        });
        return (root, help);
    }

    /// <summary>Runs the parsed command; Ctrl+C and SIGTERM let it put every table back; each failure kind has its exit code.</summary>
    static async Task<int> InvokeAsync(ParseResult parse)
    {
        using var cancel = new CancellationTokenSource();
        void Interrupt()
        {
            if (cancel.IsCancellationRequested) return;
            Console.Error.WriteLine();
            Console.Error.WriteLine("binlog-flusher: interrupted; finishing the current step and putting every table back before exiting.");
            cancel.Cancel();
        }
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Interrupt();
        };
        using var terminate = RegisterTerminate(Interrupt);

        try
        {
            // System.CommandLine's own Ctrl+C handling would end the process two seconds after the first signal,
            // possibly in the middle of putting a table back: ours waits for the engine.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, cancel.Token);
        }
        catch (UsageException exception)
        {
            Say.Error(exception.Message);
            Console.Error.WriteLine($"Run '{CommandPath(parse.CommandResult.Command)} --help' for its flags.");
            return ExitCodes.BadUsage;
        }
        catch (CannotConnectException exception)
        {
            Say.Error(exception.Message);
            return ExitCodes.CannotConnect;
        }
        catch (Exception exception) when (FlushException.Classify(exception) is { } failure)
        {
            Say.Error(WithTarget(failure.Message));
            return failure.Kind switch
            {
                FlushErrorKind.InvalidInput => ExitCodes.BadUsage,
                FlushErrorKind.PreflightRefused or FlushErrorKind.StateFileInvalid or FlushErrorKind.StateFileMismatch or FlushErrorKind.AlreadyRunning => ExitCodes.Refused,
                _ => ExitCodes.FailedAndRestored,
            };
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Say.Error("interrupted before anything was changed.");
            return ExitCodes.FailedAndRestored;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Say.Error(exception.Message);
            return ExitCodes.FailedAndRestored;
        }
    }

    static string WithTarget(string message) =>
        Target is null || message.Contains(Target, StringComparison.Ordinal) ? message : Target + ": " + message;

    static IDisposable? RegisterTerminate(Action interrupt)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                interrupt();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    static string CommandPath(Command command) => command is RootCommand ? Name : Name + " " + command.Name;

    /// <summary>
    /// Each parse error on its own line, a guess for a mistyped flag, and where the flags are listed. Unknown flags
    /// are named without their values: a value could be a password.
    /// </summary>
    static void UsageErrors(ParseResult parse, string[] args)
    {
        var command = parse.CommandResult.Command;
        var path = CommandPath(command);
        var unmatched = parse.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        foreach (var error in parse.Errors.Where(e => !unmatched.Any(t => e.Message.Contains("'" + t + "'", StringComparison.Ordinal))))
            Console.Error.WriteLine($"{path}: {error.Message}");

        string? previousFlag = null;
        foreach (var token in args)
        {
            if (!unmatched.Contains(token))
            {
                previousFlag = null;
                continue;
            }
            if (token.StartsWith('-'))
            {
                var flag = token.Split('=', 2)[0];
                previousFlag = token.Contains('=') ? null : flag;
                if (IsPasswordFlag(flag))
                    Console.Error.WriteLine($"{path}: there is no {(flag.StartsWith("--", StringComparison.Ordinal) ? flag : "-p")} flag: binlog-flusher takes user and password only from the [client] section of an option file (--mycnf F, default ~/.my.cnf), so that no password is on a command line.");
                else
                {
                    Console.Error.WriteLine($"{path}: unknown flag '{flag}'.");
                    if (Suggestion(command, flag) is { } suggestion) Console.Error.WriteLine($"  Did you mean {suggestion}?");
                }
                continue;
            }
            // The value of an unknown flag: already reported with its flag (and never repeated after a password flag).
            if (previousFlag is not null)
            {
                previousFlag = null;
                continue;
            }
            Console.Error.WriteLine(command is RootCommand ? $"{path}: unknown command '{token}'." : $"{path}: unexpected argument '{token}'.");
            if (command is RootCommand && Suggestion(command, token) is { } guess) Console.Error.WriteLine($"  Did you mean {guess}?");
        }
        Console.Error.WriteLine(command is RootCommand
            ? $"Commands: {string.Join(", ", command.Subcommands.Select(c => c.Name))}. Run '{path} --help' for what each does."
            : $"Run '{path} --help' for every flag.");
    }

    static bool IsPasswordFlag(string flag) =>
        flag.StartsWith("--password", StringComparison.Ordinal) || flag.StartsWith("--pass", StringComparison.Ordinal)
        || (flag.StartsWith("-p", StringComparison.Ordinal) && !flag.StartsWith("--", StringComparison.Ordinal));

    static string? Suggestion(Command command, string name)
    {
        var known = command is RootCommand
            ? command.Subcommands.Select(c => c.Name)
            : command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
        var best = known.Select(k => (Name: k, Distance: Distance(k, name))).OrderBy(p => p.Distance).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, name.Length / 3) ? best.Name : null;
    }

    static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    /// <summary>The library's help, then the command's examples and notes, then the exit codes.</summary>
    sealed class HelpWithNotes(HelpAction help, IReadOnlyDictionary<Command, string> notes) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            help.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            if (notes.TryGetValue(parseResult.CommandResult.Command, out var text))
            {
                output.WriteLine(text.TrimEnd());
                output.WriteLine();
            }
            output.WriteLine(ExitCodes.HelpText.TrimEnd());
            return ExitCodes.Done;
        }
    }
}
