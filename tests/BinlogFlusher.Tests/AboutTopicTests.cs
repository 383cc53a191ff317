using System.Text.RegularExpressions;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// Get-Help about_BinlogFlusher: the module's conceptual help (what a flush does, the journal it leaves on the server,
/// recovery, safety), shipped in en-US/ beside the cmdlet help. No server needed.
/// </summary>
public sealed class AboutTopicTests
{
    static readonly string Topic = Path.Combine(PowerShellRunner.RepoRoot, "out", "BinlogFlusher", "en-US", "about_BinlogFlusher.help.txt");

    /// <summary>As a user reads it: a pwsh of its own that imports the built module by path and asks for the topic.</summary>
    [Fact]
    public async Task GetHelpShowsTheTopicOnceTheModuleIsImported()
    {
        var folder = Directory.CreateTempSubdirectory("bf-about-").FullName;
        try
        {
            var script = Path.Combine(folder, "about.ps1");
            File.WriteAllText(script, $"""
                Import-Module '{PowerShellRunner.ModuleManifest}' -ErrorAction Stop
                Get-Help about_BinlogFlusher | Out-String -Width 200
                'end of script'
                """);

            var outcome = await PwshProcess.RunFileAsync(script, Array.Empty<string>());

            Assert.True(outcome.ExitCode == 0 && outcome.Output.Contains("end of script"), outcome.ToString());
            Assert.Equal("", outcome.Errors);
            var text = outcome.Output;
            Assert.Matches(@"TOPIC\s+about_BinlogFlusher\s+SHORT DESCRIPTION", text);
            // What a flush does: the blackhole copy, step by step.
            Assert.Contains("renames the table aside", text);
            Assert.Contains("BLACKHOLE twin", text);
            Assert.Contains("INSERT ... SELECT", text);
            Assert.Contains("row event", text);
            // The journal: the state file, and the schema it leaves on the server, and how to remove that.
            Assert.Contains("./binlogflush-<host>-<port>-<UTC time>.json", text);
            Assert.Contains("_binlogflusher.journal", text);
            Assert.Contains("DROP DATABASE _binlogflusher;", text);
            Assert.Contains("Restore-BinlogFlushState -Discover must show nothing to do", text);
            // Recovery and safety.
            Assert.Contains("Restore-BinlogFlushState -HostName replica1 -StateFile <state file>", text);
            Assert.Contains("Invoke-BinlogFlush -HostName replica1 -StateFile <state file> -Resume", text);
            Assert.Contains("Never run a flush on a primary.", text);
            Assert.Contains("read_only ON", text);
            Assert.Contains("-WhatIf runs the checks", text);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The topic names commands and parameters the module has (a renamed parameter would leave it wrong), and reads in an
    /// 80-column console, as about topics are written.
    /// </summary>
    [Fact]
    public void EveryCommandAndParameterTheTopicNamesExists()
    {
        var text = File.ReadAllText(Topic);
        var run = PowerShellRunner.Run("Get-Command -Module BinlogFlusher | ForEach-Object { $_.Name; $_.Parameters.Keys }");
        Assert.Empty(run.Errors);
        var known = run.Output.Select(o => (string)o.BaseObject).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // ConvertTo-Json's, in the example of JSON output (the hosted engine here has no ConvertTo-Json; JsonOutputTests runs it).
        known.UnionWith(new[] { "Depth", "EnumsAsStrings" });

        var parameters = Regex.Matches(text, @"(?<![\w-])-([A-Z][A-Za-z]+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        var commands = Regex.Matches(text, @"\b(Invoke|Restore|Test|Get|ConvertTo)-[A-Z]\w+").Select(m => m.Value).Distinct().ToList();

        Assert.Contains("Discover", parameters);
        Assert.Contains("Resume", parameters);
        Assert.Contains("EnumsAsStrings", parameters);
        Assert.Equal(new[] { "Get-FlushCandidateTable", "Invoke-BinlogFlush", "Restore-BinlogFlushState", "Test-BinlogFlushReadiness", "Test-BinlogFlushResult" },
            commands.Where(c => c != "ConvertTo-Json").Order());
        Assert.Equal(new string[0], parameters.Where(p => !known.Contains(p)));
        var wide = text.Split('\n').Where(l => l.TrimEnd('\r').Length > 80).ToList();
        Assert.True(wide.Count == 0, "lines over 80 columns:\n" + string.Join("\n", wide));
    }
}
