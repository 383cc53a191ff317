using System.Diagnostics;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>Tab completion of -Database, -Table and -ExcludeTable from the server, bounded in time and silent when the server is not there.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class CompletionTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE DATABASE bf_stock", "CREATE DATABASE `bf odd`",
            "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)", "CREATE TABLE bf_shop.invoices (id INT PRIMARY KEY)", "CREATE TABLE bf_stock.items (id INT PRIMARY KEY)",
            "CREATE TABLE `bf odd`.t (id INT PRIMARY KEY)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    static PowerShellRun Complete(string line, Dictionary<string, object?> variables) => PowerShellRunner.Run(
        "(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText",
        new Dictionary<string, object?>(variables) { ["line"] = line });

    [Fact]
    public void DatabaseNamesCompleteFromTheServer()
    {
        var run = Complete($"Get-FlushCandidateTable -HostName 127.0.0.1:{servers.Replica.Port} -Credential $cred -Database bf_s", Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Equal(new object[] { "bf_shop", "bf_stock" }, run.Output.Select(o => o.BaseObject));
        var quoted = Complete($"Invoke-BinlogFlush -HostName 127.0.0.1:{servers.Replica.Port} -Credential $cred -Database bf", Variables(servers));
        Assert.Contains("'bf odd'", quoted.Output.Select(o => (string)o.BaseObject));
    }

    [Fact]
    public void TableNamesCompleteWithinTheChosenDatabase()
    {
        var run = Complete($"Restore-BinlogFlushState -HostName 127.0.0.1:{servers.Replica.Port} -Credential $cred -Database bf_shop -Table i", Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Equal(new object[] { "invoices", "items" }, run.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void TablesToLeaveOutCompleteLikeTables()
    {
        var run = Complete($"Invoke-BinlogFlush -HostName 127.0.0.1:{servers.Replica.Port} -Credential $cred -Database bf_shop -ExcludeTable i", Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Equal(new object[] { "invoices", "items" }, run.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void DatabasesToLeaveOutCompleteLikeDatabases()
    {
        var run = Complete($"Invoke-BinlogFlush -HostName 127.0.0.1:{servers.Replica.Port} -Credential $cred -ExcludeDatabase bf_s", Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Equal(new object[] { "bf_shop", "bf_stock" }, run.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void AnUnreachableServerCompletesNothingQuicklyAndSilently()
    {
        var clock = Stopwatch.StartNew();
        var run = Complete("Get-FlushCandidateTable -HostName 127.0.0.1:1 -Credential $cred -Database bf", Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Empty(run.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"completion took {clock.Elapsed}");
    }
}
