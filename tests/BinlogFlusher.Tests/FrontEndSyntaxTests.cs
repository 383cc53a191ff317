using System.Reflection;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// The engine names options and commands by kind (FlushOption, FlushCommand); each front end spells every one, and
/// what it spells is a parameter or flag that front end takes. The engine's own text spells none.
/// </summary>
public class FrontEndSyntaxTests
{
    static IFrontEndSyntax SyntaxIn(string assemblyPath, string typeName)
    {
        var type = Assembly.LoadFrom(assemblyPath).GetType(typeName, throwOnError: true)!;
        return (IFrontEndSyntax)type.GetField("Instance", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    static IFrontEndSyntax Cmdlets => SyntaxIn(Path.Combine(Path.GetDirectoryName(PowerShellRunner.ModuleManifest)!, "BinlogFlusher.dll"), "BinlogFlusher.Commands.CmdletSyntax");

    static IFrontEndSyntax Cli => SyntaxIn(CliProcess.CliAssembly, "BinlogFlusher.Cli.CliSyntax");

    [Fact]
    public void EveryOptionAndCommandIsACmdletParameterOrCmdlet()
    {
        var syntax = Cmdlets;
        var run = PowerShellRunner.Run("Get-Command -Module BinlogFlusher | ForEach-Object { $_.Name; $_.Parameters.Keys | ForEach-Object { '-' + $_ } }");
        var known = run.Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var option in Enum.GetValues<FlushOption>())
            Assert.True(known.Contains(syntax.Option(option)!), $"{option} spelled {syntax.Option(option)}, which no cmdlet takes");
        foreach (var command in Enum.GetValues<FlushCommand>())
            Assert.True(known.Contains(syntax.Command(command)), $"{command} spelled {syntax.Command(command)}, which is no cmdlet");
    }

    [Fact]
    public async Task EveryOptionAndCommandIsACliFlagOrCommand()
    {
        var syntax = Cli;
        var helps = new List<string>();
        foreach (var command in new[] { "flush", "recover", "plan" })
        {
            var (exitCode, cli) = await CliProcess.RunAsync(command, "--help");
            using (cli)
            {
                Assert.Equal(0, exitCode);
                helps.Add(string.Join("\n", cli.Lines));
            }
        }
        var help = string.Join("\n", helps);
        foreach (var option in Enum.GetValues<FlushOption>())
        {
            var flag = syntax.Option(option);
            // Credentials come only from an option file on the command line: the messages leave the alternative out.
            if (option == FlushOption.Credential) { Assert.Null(flag); continue; }
            Assert.Matches($@"(^|[\s,]){Regex.Escape(flag!)}\b", help);
        }
        foreach (var command in Enum.GetValues<FlushCommand>())
        {
            var words = syntax.Command(command).Split(' ');
            Assert.Equal("binlog-flusher", words[0]);
            Assert.Contains(words[1] + " --help", new[] { "flush --help", "recover --help", "plan --help" });
        }
    }

    [Fact]
    public void AWholeCommandLineQuotesValuesForEachShell()
    {
        (FlushOption, string?)[] arguments = [(FlushOption.HostName, "db1:3306"), (FlushOption.StateFile, "/tmp/it's here.json"), (FlushOption.Discover, null)];
        using (FrontEnd.Use(Cmdlets))
            Assert.Equal("Restore-BinlogFlushState -HostName db1:3306 -StateFile '/tmp/it''s here.json' -Discover", FrontEnd.Run(FlushCommand.Restore, arguments));
        using (FrontEnd.Use(Cli))
            Assert.Equal(@"binlog-flusher recover --host db1:3306 --hashfile '/tmp/it'\''s here.json' --discover", FrontEnd.Run(FlushCommand.Restore, arguments));
        Assert.Equal("a restore with HostName 'db1:3306' and StateFile '/tmp/it''s here.json' and Discover", FrontEnd.Run(FlushCommand.Restore, arguments));
    }

    [Fact]
    public async Task TheSyntaxFlowsIntoTheEnginesTasksAndEndsWithItsScope()
    {
        using (FrontEnd.Use(Cli))
        {
            Assert.Equal("--force", await Task.Run(() => FrontEnd.Syntax.Option(FlushOption.Force)));
            using (FrontEnd.Use(Cmdlets)) Assert.Equal("-Force", FrontEnd.Syntax.Option(FlushOption.Force));
            Assert.Equal("--force", FrontEnd.Syntax.Option(FlushOption.Force));
        }
        Assert.IsType<PlainSyntax>(FrontEnd.Syntax);
    }

    /// <summary>A message that names an option must be an interpolated string: a plain one would show the code itself.</summary>
    [Fact]
    public void NoEngineStringHoldsAnOptionReferenceAsText()
    {
        // Interpolated strings compile to their literal pieces; a plain literal keeps "{FrontEnd." in the assembly's strings.
        var strings = File.ReadAllBytes(typeof(FrontEnd).Assembly.Location);
        Assert.True(strings.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes("{FrontEnd.")) < 0, "a string literal in the engine holds {FrontEnd. as text: it lacks its $");
    }

    /// <summary>Nothing in the engine's text spells a cmdlet, a cmdlet parameter or a CLI flag: they come from the front end.</summary>
    [Fact]
    public void TheEnginesMessagesSpellNoFrontEndsSyntax()
    {
        var cliFlags = Enum.GetValues<FlushOption>().Select(o => Cli.Option(o)).OfType<string>().Select(Regex.Escape);
        var spelled = new Regex(@"(?<![\w-])-(" + string.Join("|", Enum.GetNames<FlushOption>()) + @")\b|(" + string.Join("|", cliFlags) + @")\b|binlog-flusher |\b(Invoke|Restore|Test|Get)-(BinlogFlush|FlushCandidate)\w*");
        var engine = Path.Combine(PowerShellRunner.RepoRoot, "src", "BinlogFlusher.Engine");
        var found = Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//") && Regex.Matches(l.Text, "\"[^\"]*\"").Any(literal => spelled.IsMatch(literal.Value)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}").ToList();
        Assert.True(found.Count == 0, "engine text in a front end's syntax:\n" + string.Join("\n", found));
    }
}
