using System.Globalization;
using System.Management.Automation;
using System.Xml.Linq;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// What an operator reads with Get-Help -Full, for every cmdlet the module exports: a synopsis, a description, two
/// real examples, inputs and outputs, and every parameter described, its default and its facts as the code has them.
/// Read through the real Get-Help from the MAML the build generates; no server needed.
/// </summary>
public sealed class HelpTests
{
    static readonly string HelpFile = Path.Combine(PowerShellRunner.RepoRoot, "out", "BinlogFlusher", "en-US", "BinlogFlusher.dll-Help.xml");

    /// <summary>Each exported cmdlet's help and metadata, flattened to strings in the hosted PowerShell.</summary>
    const string CollectHelp = """
        foreach ($command in Get-Command -Module BinlogFlusher) {
            $help = Get-Help $command.Name -Full
            $metadata = [System.Management.Automation.CommandMetadata]::new($command)
            $instance = [System.Activator]::CreateInstance($command.ImplementingType)
            $documented = @{}
            foreach ($entry in @($help.parameters.parameter)) { if ($entry) { $documented[[string]$entry.name] = $entry } }
            function Text($paragraphs) { (@($paragraphs) | ForEach-Object { [string]$_.Text }) -join "`n" }

            $parameters = foreach ($parameter in $metadata.Parameters.Values) {
                if ([System.Management.Automation.Cmdlet]::CommonParameters -contains $parameter.Name) { continue }
                $set = @($parameter.ParameterSets.Values)[0]
                $entry = $documented[$parameter.Name]
                [pscustomobject]@{
                    Name = $parameter.Name
                    Type = $parameter.ParameterType.Name
                    Mandatory = $set.IsMandatory
                    Position = $set.Position
                    ByValue = $set.ValueFromPipeline
                    ByPropertyName = $set.ValueFromPipelineByPropertyName
                    Aliases = (@($parameter.Aliases) | Where-Object { $_ }) -join ','
                    Wildcards = [bool](@($parameter.Attributes) | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                    CodeDefault = $instance.($parameter.Name)
                    Documented = $null -ne $entry
                    HelpDescription = if ($entry) { Text $entry.description } else { '' }
                    HelpType = if ($entry) { [string]$entry.type.name } else { '' }
                    HelpRequired = if ($entry) { [string]$entry.required } else { '' }
                    HelpPosition = if ($entry) { [string]$entry.position } else { '' }
                    HelpPipelineInput = if ($entry) { [string]$entry.pipelineInput } else { '' }
                    HelpGlobbing = if ($entry) { [string]$entry.globbing } else { '' }
                    HelpAliases = if ($entry) { [string]$entry.aliases } else { '' }
                    HelpDefault = if ($entry) { [string]$entry.defaultValue } else { '' }
                }
            }
            [pscustomobject]@{
                Name = $command.Name
                Synopsis = [string]$help.Synopsis
                Description = Text $help.description
                Examples = @($help.examples.example | Where-Object { $_ } | ForEach-Object {
                    [pscustomobject]@{ Title = [string]$_.title; Code = [string]$_.code; Remarks = Text $_.remarks }
                })
                Inputs = @($help.inputTypes.inputType | Where-Object { $_ } | ForEach-Object { [pscustomobject]@{ Type = [string]$_.type.name; Description = Text $_.description } })
                Outputs = @($help.returnValues.returnValue | Where-Object { $_ } | ForEach-Object { [pscustomobject]@{ Type = [string]$_.type.name; Description = Text $_.description } })
                OutputTypes = @($command.OutputType | ForEach-Object { $_.Name })
                SupportsShouldProcess = $metadata.SupportsShouldProcess
                Parameters = @($parameters)
                ShouldProcessHelp = @('WhatIf', 'Confirm' | ForEach-Object {
                    $entry = $documented[$_]
                    [pscustomobject]@{ Name = $_; Documented = $null -ne $entry; HelpDescription = if ($entry) { Text $entry.description } else { '' } }
                })
            }
        }
        """;

    static readonly Lazy<IReadOnlyList<CommandHelp>> Commands = new(ReadCommands);

    static IReadOnlyList<CommandHelp> ReadCommands()
    {
        var run = PowerShellRunner.Run(CollectHelp);
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var commands = run.Output.Select(CommandHelp.From).ToList();
        Assert.Equal(new[] { "Get-FlushCandidateTable", "Invoke-BinlogFlush", "Restore-BinlogFlushState", "Test-BinlogFlushReadiness", "Test-BinlogFlushResult" }, commands.Select(c => c.Name).Order());
        return commands;
    }

    [Fact]
    public void TheModuleShipsItsHelpFileBesideTheAssembly()
    {
        Assert.True(File.Exists(HelpFile), $"{HelpFile} is missing: the build (BuildHelp in src/BinlogFlusher/BinlogFlusher.csproj) generates it from src/BinlogFlusher/help/en-US.");
        var commands = XDocument.Load(HelpFile).Root!.Elements(XName.Get("command", "http://schemas.microsoft.com/maml/dev/command/2004/10"));
        Assert.Equal(5, commands.Count());
    }

    [Fact]
    public void EveryCmdletHasASynopsisADescriptionInputsAndOutputs()
    {
        var problems = new List<string>();
        foreach (var command in Commands.Value)
        {
            // Without a help file Get-Help makes the synopsis from the syntax: "Name [-HostName] <string[]> ...".
            if (command.Synopsis.Trim().Length == 0 || command.Synopsis.Contains("[-") || command.Synopsis.TrimStart().StartsWith(command.Name, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{command.Name}: the synopsis is missing or generated from the syntax: '{command.Synopsis.Trim()}'");
            if (command.Description.Trim().Length == 0) problems.Add($"{command.Name}: no description");
            if (command.Inputs.Count == 0) problems.Add($"{command.Name}: no INPUTS");
            if (command.Outputs.Count == 0) problems.Add($"{command.Name}: no OUTPUTS");
            foreach (var type in command.Inputs.Concat(command.Outputs).Where(t => t.Type.Length == 0 || t.Description.Trim().Length == 0))
                problems.Add($"{command.Name}: input or output '{type.Type}' has no type name or no description");
            foreach (var declared in command.OutputTypes.Where(t => !command.Outputs.Any(o => o.Type == t)))
                problems.Add($"{command.Name}: [OutputType] {declared} is not documented under OUTPUTS");
        }
        AssertNone(problems);
    }

    [Fact]
    public void EveryCmdletHasAtLeastTwoExamplesWithCodeAndRemarks()
    {
        var problems = new List<string>();
        foreach (var command in Commands.Value)
        {
            if (command.Examples.Count < 2) problems.Add($"{command.Name}: {command.Examples.Count} example(s)");
            foreach (var example in command.Examples)
            {
                if (!example.Code.Contains(command.Name, StringComparison.OrdinalIgnoreCase)) problems.Add($"{command.Name}: '{example.Title}' does not use {command.Name}");
                if (example.Remarks.Trim().Length == 0) problems.Add($"{command.Name}: '{example.Title}' has no remarks");
            }
        }
        AssertNone(problems);
    }

    [Fact]
    public void EveryParameterHasADescription()
    {
        var problems = new List<string>();
        foreach (var command in Commands.Value)
        {
            foreach (var parameter in command.Parameters.Where(p => !p.Documented || p.HelpDescription.Trim().Length == 0))
                problems.Add($"{command.Name} -{parameter.Name}: {(parameter.Documented ? "no description" : "not in the help")}");
            if (command.SupportsShouldProcess)
                foreach (var parameter in command.ShouldProcessHelp.Where(p => !p.Documented || p.HelpDescription.Trim().Length == 0))
                    problems.Add($"{command.Name} -{parameter.Name}: the cmdlet supports ShouldProcess, so say what -{parameter.Name} shows or asks");
        }
        AssertNone(problems);
    }

    [Fact]
    public void ParametersWithADefaultInTheCodeDocumentThatDefault()
    {
        var problems = new List<string>();
        var checkedDefaults = 0;
        foreach (var command in Commands.Value)
        {
            foreach (var parameter in command.Parameters.Where(p => p.Documented))
            {
                if (parameter.HelpDefault.Trim().Length == 0) problems.Add($"{command.Name} -{parameter.Name}: no default value (write None when there is none)");
                if (CodeDefault(parameter.CodeDefault) is not { } value) continue;
                checkedDefaults++;
                if (parameter.HelpDefault != value) problems.Add($"{command.Name} -{parameter.Name}: the code defaults to {value}, the help says '{parameter.HelpDefault}'");
            }
        }
        AssertNone(problems);
        Assert.True(checkedDefaults >= 3, "ThrottleLimit, ChunkSize and GtidDomainId have defaults in the code");
    }

    [Fact]
    public void TheDocumentedParameterFactsAgreeWithTheCode()
    {
        var problems = new List<string>();
        foreach (var command in Commands.Value)
        {
            foreach (var p in command.Parameters.Where(p => p.Documented))
            {
                void Expect(string what, string expected, string actual)
                {
                    if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase)) problems.Add($"{command.Name} -{p.Name}: {what} is '{expected}' in the code, '{actual}' in the help");
                }
                Expect("the type", p.Type, p.HelpType);
                Expect("Required", p.Mandatory ? "true" : "false", p.HelpRequired);
                Expect("Position", p.Position == int.MinValue ? "named" : p.Position.ToString(CultureInfo.InvariantCulture), p.HelpPosition);
                Expect("Accept pipeline input", (p.ByValue, p.ByPropertyName) switch
                {
                    (true, true) => "True (ByPropertyName, ByValue)",
                    (true, false) => "True (ByValue)",
                    (false, true) => "True (ByPropertyName)",
                    _ => "False",
                }, p.HelpPipelineInput);
                Expect("Accept wildcard characters", p.Wildcards ? "true" : "false", p.HelpGlobbing);
                Expect("Aliases", string.Join(", ", p.Aliases.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.OrdinalIgnoreCase)) is { Length: > 0 } a ? a : "none",
                    string.Join(", ", p.HelpAliases.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.OrdinalIgnoreCase)));
            }
        }
        AssertNone(problems);
    }

    static void AssertNone(List<string> problems) => Assert.True(problems.Count == 0, "Get-Help shows:\n" + string.Join("\n", problems));

    /// <summary>A default the cmdlet's constructor sets, as the help should state it; null when the code has none.</summary>
    static string? CodeDefault(object? value) => value switch
    {
        null => null,
        PSObject wrapped => CodeDefault(wrapped.BaseObject),
        SwitchParameter s => s.IsPresent ? "True" : null,
        bool b => b ? "True" : null,
        int i => i != 0 ? i.ToString(CultureInfo.InvariantCulture) : null,
        string s => s.Length > 0 ? s : null,
        Array a => a.Length > 0 ? string.Join(", ", a.Cast<object>()) : null,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    sealed record TypeHelp(string Type, string Description);
    sealed record ExampleHelp(string Title, string Code, string Remarks);
    sealed record ShouldProcessHelp(string Name, bool Documented, string HelpDescription);

    sealed record ParameterFacts(
        string Name, string Type, bool Mandatory, int Position, bool ByValue, bool ByPropertyName, string Aliases, bool Wildcards, object? CodeDefault,
        bool Documented, string HelpDescription, string HelpType, string HelpRequired, string HelpPosition, string HelpPipelineInput, string HelpGlobbing,
        string HelpAliases, string HelpDefault);

    sealed record CommandHelp(
        string Name, string Synopsis, string Description, IReadOnlyList<ExampleHelp> Examples, IReadOnlyList<TypeHelp> Inputs, IReadOnlyList<TypeHelp> Outputs,
        IReadOnlyList<string> OutputTypes, bool SupportsShouldProcess, IReadOnlyList<ParameterFacts> Parameters, IReadOnlyList<ShouldProcessHelp> ShouldProcessHelp)
    {
        public static CommandHelp From(PSObject o) => new(
            Text(o, "Name"), Text(o, "Synopsis"), Text(o, "Description"),
            Items(o, "Examples").Select(e => new ExampleHelp(Text(e, "Title"), Text(e, "Code"), Text(e, "Remarks"))).ToList(),
            Items(o, "Inputs").Select(t => new TypeHelp(Text(t, "Type"), Text(t, "Description"))).ToList(),
            Items(o, "Outputs").Select(t => new TypeHelp(Text(t, "Type"), Text(t, "Description"))).ToList(),
            Items(o, "OutputTypes").Select(t => t.BaseObject.ToString()!).ToList(),
            (bool)o.Properties["SupportsShouldProcess"].Value,
            Items(o, "Parameters").Select(p => new ParameterFacts(
                Text(p, "Name"), Text(p, "Type"), (bool)p.Properties["Mandatory"].Value, (int)p.Properties["Position"].Value, (bool)p.Properties["ByValue"].Value,
                (bool)p.Properties["ByPropertyName"].Value, Text(p, "Aliases"), (bool)p.Properties["Wildcards"].Value, p.Properties["CodeDefault"].Value,
                (bool)p.Properties["Documented"].Value, Text(p, "HelpDescription"), Text(p, "HelpType"), Text(p, "HelpRequired"), Text(p, "HelpPosition"),
                Text(p, "HelpPipelineInput"), Text(p, "HelpGlobbing"), Text(p, "HelpAliases"), Text(p, "HelpDefault"))).ToList(),
            Items(o, "ShouldProcessHelp").Select(p => new ShouldProcessHelp(Text(p, "Name"), (bool)p.Properties["Documented"].Value, Text(p, "HelpDescription"))).ToList());

        static string Text(PSObject o, string name) => o.Properties[name].Value?.ToString() ?? "";

        static IEnumerable<PSObject> Items(PSObject o, string name) => o.Properties[name].Value switch
        {
            null => Array.Empty<PSObject>(),
            PSObject { BaseObject: object[] array } => array.Select(PSObject.AsPSObject),
            object[] array => array.Select(PSObject.AsPSObject),
            var single => new[] { PSObject.AsPSObject(single) },
        };
    }
}

/// <summary>The generator refuses, at the page's line, what would ship broken help; it writes MAML for pages that are whole.</summary>
public sealed class HelpBuilderTests : IDisposable
{
    static readonly string Pages = Path.Combine(PowerShellRunner.RepoRoot, "src", "BinlogFlusher", "help", "en-US");
    static readonly string ModuleAssembly = Path.Combine(PowerShellRunner.RepoRoot, "out", "BinlogFlusher", "BinlogFlusher.dll");
    readonly string folder = Directory.CreateTempSubdirectory("bf-help-").FullName;

    public HelpBuilderTests()
    {
        foreach (var page in Directory.GetFiles(Pages, "*.md")) File.Copy(page, Path.Combine(folder, Path.GetFileName(page)));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Output => Path.Combine(folder, "out", "BinlogFlusher.dll-Help.xml");

    (int ExitCode, string Text) Build()
    {
        var text = new StringWriter();
        var exitCode = HelpBuilder.Program.Run(new[] { "--markdown", folder, "--assembly", ModuleAssembly, "--output", Output }, text);
        return (exitCode, text.ToString());
    }

    void Edit(string cmdlet, Func<string, string> change)
    {
        var path = Path.Combine(folder, cmdlet + ".md");
        var before = File.ReadAllText(path);
        var after = change(before);
        Assert.NotEqual(before, after);
        File.WriteAllText(path, after);
    }

    static string Cut(string text, string from, string to) => text[..text.IndexOf(from, StringComparison.Ordinal)] + text[text.IndexOf(to, StringComparison.Ordinal)..];

    [Fact]
    public void TheRepositoryPagesMakeOneMamlCommandPerCmdlet()
    {
        var (exitCode, text) = Build();

        Assert.True(exitCode == 0, text);
        var command = XName.Get("command", "http://schemas.microsoft.com/maml/dev/command/2004/10");
        Assert.Equal(new[] { "Get-FlushCandidateTable", "Invoke-BinlogFlush", "Restore-BinlogFlushState", "Test-BinlogFlushReadiness", "Test-BinlogFlushResult" },
            XDocument.Load(Output).Root!.Elements(command).Select(c => c.Element(XName.Get("details", command.NamespaceName))!.Element(XName.Get("name", command.NamespaceName))!.Value));
    }

    [Fact]
    public void APageWithoutSynopsisDescriptionOrTwoExamplesFailsNamingEach()
    {
        Edit("Test-BinlogFlushReadiness", page => Cut(Cut(page, "Tells whether", "## SYNTAX"), "Test-BinlogFlushReadiness runs the preflight", "## EXAMPLES"));
        Edit("Get-FlushCandidateTable", page => Cut(page, "### Example 2", "## PARAMETERS"));
        Directory.CreateDirectory(Path.GetDirectoryName(Output)!);
        File.WriteAllText(Output, "help from an earlier build");

        var (exitCode, text) = Build();

        Assert.Equal(1, exitCode);
        Assert.Contains("Test-BinlogFlushReadiness.md(8): error BFHELP001: Test-BinlogFlushReadiness has no synopsis", text);
        Assert.Contains("Test-BinlogFlushReadiness has no description", text);
        Assert.Contains("Get-FlushCandidateTable has 1 example(s); a cmdlet needs at least 2", text);
        Assert.False(File.Exists(Output), "a failed build leaves no stale help behind");
    }

    [Fact]
    public void APageThatDocumentsAParameterTheCmdletLacksFailsAtThatLine()
    {
        Edit("Invoke-BinlogFlush", page => page.Replace("### -ChunkSize\n", "### -BatchSize\n").Replace("### -StateFile\n", "### -HashFile\n"));

        var (exitCode, text) = Build();

        Assert.Equal(1, exitCode);
        var lines = File.ReadAllLines(Path.Combine(folder, "Invoke-BinlogFlush.md"));
        Assert.Contains($"Invoke-BinlogFlush.md({Array.IndexOf(lines, "### -BatchSize") + 1}): error BFHELP001: Invoke-BinlogFlush has no parameter -BatchSize", text);
        Assert.Contains("-HashFile is an alias of -StateFile: document it under '### -StateFile'", text);
    }

    [Fact]
    public void ACmdletWithoutAPageAndAPageWithoutACmdletFail()
    {
        File.Move(Path.Combine(folder, "Restore-BinlogFlushState.md"), Path.Combine(folder, "Restore-BinlogFlushStates.md"));
        Edit("Restore-BinlogFlushStates", page => page.Replace("# Restore-BinlogFlushState\n", "# Restore-BinlogFlushStates\n"));

        var (exitCode, text) = Build();

        Assert.Equal(1, exitCode);
        Assert.Contains("Restore-BinlogFlushState has no help page: write Restore-BinlogFlushState.md", text);
        Assert.Contains("The module has no cmdlet Restore-BinlogFlushStates", text);
    }

    [Fact]
    public void AMalformedParameterBlockFailsInsteadOfShippingWrongFacts()
    {
        Edit("Get-FlushCandidateTable", page => page.Replace("Required: True\nPosition: 0", "Required: yes\nPosition: first"));

        var (exitCode, text) = Build();

        Assert.Equal(1, exitCode);
        Assert.Contains("-HostName: 'Required: yes' is neither True nor False.", text);
        Assert.Contains("-HostName: 'Position: first' is neither Named nor a number.", text);
    }
}
