using System.Management.Automation;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// The example runbook (tests/Pester/Invoke-ReplicaSnapshot.ps1) against the real test replica: the same logic its Pester
/// tests check with mocks (readiness first, stop at the first failure, -WhatIf passed on), proven on a server.
/// </summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class RunbookTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    static readonly string Runbook = Path.Combine(PowerShellRunner.RepoRoot, "tests", "Pester", "Invoke-ReplicaSnapshot.ps1");

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO bf_shop.items VALUES (1, 'a'), (2, 'b')");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryReadyHostIsFlushedInOrder()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        var run = PowerShellRunner.Run("& $runbook -HostName $replica, $replica -Credential $cred -Database bf_shop", Variables(servers, ("runbook", Runbook)));

        Assert.True(run.Terminating is null, run.Terminating?.ToString());
        Assert.Empty(run.Errors);
        var results = run.Output.Select(o => (FlushResult)o.BaseObject).ToList();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(FlushStatus.Completed, r.Status));
        Assert.True(BinlogOrder(results[0].BinlogEnd!, results[1].BinlogStart!) <= 0, $"{results[0].BinlogEnd} is after {results[1].BinlogStart}");
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        foreach (var result in results) File.Delete(result.StateFile);
    }

    [Fact]
    public async Task TheFirstHostThatIsNotReadyStopsTheRunbookAndTheHostsAfterItAreNotTouched()
    {
        // The second host refuses (downstream replicas, no replication of its own): the primary of the pair.
        var position = (await servers.BinlogStatusAsync(servers.Replica))[0][1];
        var run = PowerShellRunner.Run("& $runbook -HostName $primary, $replica -Credential $cred -Database bf_shop",
            Variables(servers, ("runbook", Runbook), ("primary", $"127.0.0.1:{servers.Primary.Port}")));

        var thrown = Assert.IsAssignableFrom<RuntimeException>(run.Terminating);
        Assert.Contains($"Host 127.0.0.1:{servers.Primary.Port} is not ready for a flush", thrown.Message);
        Assert.Empty(run.Output);
        Assert.Equal(position, (await servers.BinlogStatusAsync(servers.Replica))[0][1]);
    }

    [Fact]
    public async Task WhatIfChecksReadinessAndChangesNothing()
    {
        var position = (await servers.BinlogStatusAsync(servers.Replica))[0][1];
        var run = PowerShellRunner.Run("& $runbook -HostName $replica -Credential $cred -Database bf_shop -WhatIf", Variables(servers, ("runbook", Runbook)));

        Assert.True(run.Terminating is null, run.Terminating?.ToString());
        Assert.Empty(run.Output);
        Assert.Contains(run.HostText, line => line.Contains("bf_shop.items"));
        Assert.Equal(position, (await servers.BinlogStatusAsync(servers.Replica))[0][1]);
        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
    }
}
