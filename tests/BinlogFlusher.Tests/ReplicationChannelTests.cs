using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>-StartReplica starts what the run stopped, and nothing a DBA had stopped before it.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class ReplicationChannelTests(ReplicaPairFixture servers)
{
    async Task<(FlushResult Result, FlushJournal Journal)> FlushWithStartReplicaAsync(bool startReplica = true, WarningListener? listener = null)
    {
        var stateFile = Path.Combine(Path.GetTempPath(), $"bf-channels-{Guid.NewGuid():N}.json");
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" } }, StartReplica = startReplica, StateFile = stateFile };
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        var result = await new HostFlusher(plan, listener ?? new WarningListener()).FlushAsync(plan.Candidates, CancellationToken.None);
        var journal = FlushJournal.Load(stateFile);
        File.Delete(stateFile);
        return (result, journal);
    }

    [Fact]
    public async Task AChannelStoppedBeforeTheRunStaysStopped()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)", "INSERT INTO bf_shop.items VALUES (1), (2)");
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, servers.Dialect.StopReplicaSqlThread(""));

        var warnings = new WarningListener();
        var (result, journal) = await FlushWithStartReplicaAsync(listener: warnings);

        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Empty(journal.ChannelsStoppedByRun);
        Assert.Equal("SqlStopped", result.ReplicationAfter);
        // Asked to start replication, the run says why it did not, and how to.
        Assert.Contains(warnings.Warnings, w => w.Contains("the replication SQL thread was stopped before the run, and the StartReplica option starts only what the run stopped: it stays stopped; start it with " +
                                                          servers.Dialect.StartReplicaSqlThread(""), StringComparison.Ordinal));
        await servers.ResetAsync();
    }

    [Fact]
    public async Task AChannelTheRunStoppedIsStartedAgain()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)", "INSERT INTO bf_shop.items VALUES (1), (2)");

        var (result, journal) = await FlushWithStartReplicaAsync();

        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(new[] { "" }, journal.ChannelsStoppedByRun);
        Assert.Equal("Running", result.ReplicationAfter);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("left the replication SQL thread stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutStartReplicaTheResultSaysReplicationWasLeftStoppedAndHowToStartIt()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)", "INSERT INTO bf_shop.items VALUES (1), (2)");

        var (result, _) = await FlushWithStartReplicaAsync(startReplica: false);

        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal("SqlStopped", result.ReplicationAfter);
        Assert.Contains($"127.0.0.1:{servers.Replica.Port}: the run left the replication SQL thread stopped, so the replica falls behind its source: start it with {servers.Dialect.StartReplicaSqlThread("")}, or give the StartReplica option next time.", result.Warnings);
        await servers.ResetAsync();
    }

}
