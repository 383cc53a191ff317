using System.Diagnostics;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// BinlogFlusher beside another module that ships an older MySqlConnector, in a PowerShell 7 process of its own (this
/// test process has loaded MySqlConnector already, so the collision can only be shown in a fresh one).
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class IsolationTests(ReplicaPairFixture servers)
{
    static string Built(string project, string framework, string file)
    {
        var folder = Path.Combine(PowerShellRunner.RepoRoot, "tests", project, "bin");
        return new[] { "Release", "Debug" }.Select(c => Path.Combine(folder, c, framework, file)).Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new InvalidOperationException($"{project} is not built: run dotnet build BinlogFlusher.sln.");
    }

    [Fact]
    public async Task TheModuleWorksAfterAnotherModuleLoadedAnOlderMySqlConnector()
    {
        await servers.ResetAsync();
        var script = $$"""
            Import-Module '{{Built("OldMySqlModule", "netstandard2.0", "OldMySqlModule.dll")}}' -ErrorAction Stop
            Get-OldMySqlVersion -ConnectionString $env:BF_OLD_CONNECTION
            Import-Module '{{PowerShellRunner.ModuleManifest}}' -ErrorAction Stop
            $secure = [System.Security.SecureString]::new()
            $env:BF_PASSWORD.ToCharArray() | ForEach-Object { $secure.AppendChar($_) }
            $cred = [System.Management.Automation.PSCredential]::new($env:BF_USER, $secure)
            "ready: " + (Test-BinlogFlushReadiness -HostName $env:BF_HOST -Credential $cred)
            (Get-FlushCandidateTable -HostName $env:BF_HOST -Credential $cred | ForEach-Object { 1 }).Count
            [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MySqlConnector' } | ForEach-Object { 'loaded: MySqlConnector ' + $_.GetCustomAttributes([System.Reflection.AssemblyInformationalVersionAttribute], $false)[0].InformationalVersion.Split('+')[0] + ' in ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).GetType().Name }
            """;
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Built("BinlogFlusher.IsolationHost", "net10.0", "BinlogFlusher.IsolationHost.dll"));
        start.Environment["BF_OLD_CONNECTION"] = servers.Replica.ConnectionString();
        start.Environment["BF_HOST"] = $"127.0.0.1:{servers.Replica.Port}";
        start.Environment["BF_USER"] = servers.Replica.User;
        start.Environment["BF_PASSWORD"] = servers.Replica.Password;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output + errors);
        Assert.Contains("old module: MySqlConnector 2.4.0 talked to", output);
        Assert.Contains("ready: True", output);
        Assert.Contains("\n1\n", output);
        // Both side by side: the other module's in the default context, ours in BinlogFlusher's own.
        Assert.Contains("loaded: MySqlConnector 2.4.0 in DefaultAssemblyLoadContext", output);
        Assert.Contains("loaded: MySqlConnector 2.6.2 in DependencyLoadContext", output);
    }
}
