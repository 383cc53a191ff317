using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

public sealed class ModuleTests
{
    static readonly string[] Cmdlets = { "Get-FlushCandidateTable", "Invoke-BinlogFlush", "Restore-BinlogFlushState", "Test-BinlogFlushReadiness", "Test-BinlogFlushResult" };

    [Fact]
    public void TheBuiltModuleImportsAndListsItsCmdlets()
    {
        var run = PowerShellRunner.Run("Get-Command -Module BinlogFlusher | ForEach-Object Name");

        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        Assert.Equal(Cmdlets, run.Output.Select(o => o.BaseObject).Cast<string>().Order());
    }

    [Fact]
    public void TheManifestIsForBothEditionsAndExportsExplicitly()
    {
        var run = PowerShellRunner.Run(
            "$m = Test-ModuleManifest -Path $manifest; $m.CompatiblePSEditions -join ','; $m.PowerShellVersion.ToString(); $m.ExportedCmdlets.Count; $m.ExportedFunctions.Count; $m.ExportedAliases.Count",
            new Dictionary<string, object?> { ["manifest"] = PowerShellRunner.ModuleManifest }, importModule: false);

        Assert.Null(run.Terminating);
        Assert.Equal(new object[] { "Desktop,Core", "5.1", 5, 0, 0 }, run.Output.Select(o => o.BaseObject));
    }

    /// <summary>
    /// Importing has no side effects: in a pwsh of its own, the option file a cmdlet would read keeps its access time
    /// through the import, and a cmdlet call then reads it (the control: the file system records reads).
    /// </summary>
    [Fact]
    public async Task ImportingTheModuleReadsNoOptionFileOnlyACmdletCallDoes()
    {
        var home = Directory.CreateTempSubdirectory("bf-home-").FullName;
        var cnf = Path.Combine(home, ".my.cnf");
        File.WriteAllText(cnf, "[client]\nuser=nobody\npassword=nothing\n");
        DateTime Touched()
        {
            // Under relatime a read updates the access time when it is older than the last write.
            File.SetLastAccessTimeUtc(cnf, DateTime.UtcNow.AddDays(-2));
            File.SetLastWriteTimeUtc(cnf, DateTime.UtcNow);
            return File.GetLastAccessTimeUtc(cnf);
        }
        async Task<PwshProcess.Outcome> RunAsync(string body)
        {
            var script = Path.Combine(home, "run.ps1");
            File.WriteAllText(script, $"$env:HOME = '{home}'\nImport-Module '{PowerShellRunner.ModuleManifest}' -ErrorAction Stop\n{body}\n'end of script'\n");
            return await PwshProcess.RunFileAsync(script, Array.Empty<string>());
        }
        try
        {
            var before = Touched();
            var imported = await RunAsync("(Get-Module BinlogFlusher).Name");
            Assert.Contains("BinlogFlusher", imported.Output);
            Assert.Equal(before, File.GetLastAccessTimeUtc(cnf));

            before = Touched();
            var called = await RunAsync("Get-FlushCandidateTable -HostName 127.0.0.1:1 -Database x -ErrorAction SilentlyContinue");
            Assert.Contains("end of script", called.Output);
            Assert.True(File.GetLastAccessTimeUtc(cnf) > before, "the cmdlet call did not read ~/.my.cnf, so the file system does not show reads and the import check above proves nothing");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void HostNameBindsFromThePipelineByValueAndByPropertyName()
    {
        var run = PowerShellRunner.Run(
            "$p = [System.Management.Automation.CommandMetadata]::new((Get-Command Invoke-BinlogFlush)).Parameters['HostName']; " +
            "$a = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }; " +
            "$a.ValueFromPipeline; $a.ValueFromPipelineByPropertyName; $p.Aliases -join ','");
        Assert.Empty(run.Errors);

        Assert.Equal(new object[] { true, true }, run.Output.Take(2).Select(o => o.BaseObject));
        Assert.Equal(new[] { "ComputerName", "Server", "SqlInstance" }, ((string)run.Output[2].BaseObject).Split(',').Order());
    }

    [Theory]
    [InlineData("Invoke-BinlogFlush -HostName 127.0.0.1:1 -Credential $cred -Confirm:$false")]
    [InlineData("Get-FlushCandidateTable -HostName 127.0.0.1:1 -Credential $cred -Database x")]
    [InlineData("Restore-BinlogFlushState -HostName 127.0.0.1:1 -Credential $cred -Discover")]
    [InlineData("Test-BinlogFlushReadiness -HostName 127.0.0.1:1 -Credential $cred -Detailed")]
    public void EveryCmdletBindsItsParametersAndReportsAnUnreachableHostAsAConnectionError(string script)
    {
        // Binding covers the common parameters too (an alias that clashes with -Debug's 'db' breaks every call).
        var run = PowerShellRunner.Run(script, new Dictionary<string, object?> { ["cred"] = PowerShellRunner.Credential("nobody", "secret-pw") });

        Assert.Null(run.Terminating);
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("ConnectionFailed,BinlogFlusher.Commands.", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Equal("127.0.0.1:1", error.TargetObject);
        Assert.DoesNotContain("secret-pw", error.ToString());
        // The source of the credentials actually used, not the list of every possible one.
        Assert.EndsWith(". Check the host and port, and the user name and password of -Credential.", error.ErrorDetails.Message);
        Assert.DoesNotContain("-MyCnf", error.ErrorDetails.Message);
    }

    [Fact]
    public void AConnectionErrorNamesTheOptionFileItsCredentialsCameFrom()
    {
        var cnf = Path.Combine(Path.GetTempPath(), $"bf-module-{Guid.NewGuid():N}.cnf");
        File.WriteAllText(cnf, "[client]\nuser=nobody\npassword=secret-pw\n");
        try
        {
            var run = PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName 127.0.0.1:1 -MyCnf $cnf -Detailed -Verbose", new Dictionary<string, object?> { ["cnf"] = cnf });

            var error = Assert.Single(run.Errors);
            Assert.Equal("ConnectionFailed,BinlogFlusher.Commands.TestBinlogFlushReadinessCommand", error.FullyQualifiedErrorId);
            Assert.StartsWith("Cannot connect to nobody@127.0.0.1:1: ", error.ErrorDetails.Message);
            Assert.EndsWith($". Check the host and port, and the user and password in the [client] section of {cnf}.", error.ErrorDetails.Message);
            Assert.Contains(run.Verbose, v => v.Message == $"127.0.0.1:1: credentials: user 'nobody' from {cnf}");
            Assert.Empty(run.Warnings);
            Assert.DoesNotContain("secret-pw", error.ToString() + string.Join("\n", run.Verbose.Select(v => v.Message)));
        }
        finally
        {
            File.Delete(cnf);
        }
    }
}

/// <summary>
/// The load-context boundary: the module assembly loads in PowerShell's default context, where only the BCL, PowerShell
/// and (through the module's resolver) the engine can be found. A reference to anything else (MySqlConnector, say)
/// fails to load in a fresh pwsh, or binds to another module's copy.
/// </summary>
public sealed class ModuleReferenceTests
{
    [Fact]
    public void TheModuleAssemblyReferencesOnlyTheFrameworkPowerShellAndTheEngine()
    {
        var path = Path.Combine(PowerShellRunner.RepoRoot, "out", "BinlogFlusher", "BinlogFlusher.dll");
        using var stream = File.OpenRead(path);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).Order().ToList();

        static bool Allowed(string name) =>
            name is "netstandard" or "mscorlib" or "System.Management.Automation" or "BinlogFlusher.Engine" || name.StartsWith("System.", StringComparison.Ordinal);
        Assert.True(references.All(Allowed), "out/BinlogFlusher/BinlogFlusher.dll references: " + string.Join(", ", references));
        Assert.Contains("BinlogFlusher.Engine", references);
    }
}
