using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>Invoke-BinlogFlush on a replica holding every hard case: the tables come back exactly, and the binlog holds each row once.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class FlushTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(HardCases.Statements(servers.IsMariaDb).ToArray());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryHardCaseComesBackExactlyAndReachesTheBinlogOnce()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        Assert.True(before.Count >= 20, "the hard-case schema was not created");

        var run = PowerShellRunner.Run(
            "Invoke-BinlogFlush -HostName $replica -Credential $cred -Database 'bf*' -ChunkSize 1000 -Confirm:$false -Verbose",
            Variables(servers));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.All(result.Tables, t => Assert.Equal(TableFlushStatus.Flushed, t.Status));
        Assert.Equal(before.Count, result.Tables.Count);
        Assert.Equal(before.Sum(t => t.Rows), result.Rows);
        Assert.True(result.Tables.Single(t => t.Table == "big").Chunks >= HardCases.BigRows / 1000, "the big table was not chunked");
        Assert.Contains(result.Tables, t => t.Schema == HardCases.Shop && t.Table == "parent");
        Assert.Contains(result.Tables, t => t.Schema == HardCases.Other && t.Table == "parent");

        var after = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        Assert.Equal(3L, await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT COUNT(*) FROM {HardCases.Shop}.parent_children"));
        Assert.False(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb), "replication must stay stopped without -StartReplica");
        Assert.Equal("Running", result.ReplicationBefore);
        Assert.Equal("SqlStopped", result.ReplicationAfter);

        await AssertBinlogHoldsExactlyOnceAsync(servers, result, after);

        // Verbose names every step's SQL, and never a password.
        Assert.Contains(run.Verbose, v => v.Message.Contains("RENAME TABLE"));
        Assert.DoesNotContain(run.Verbose, v => v.Message.Contains(servers.Replica.Password));
        Assert.DoesNotContain(servers.Replica.Password, File.ReadAllText(result.StateFile));
        File.Delete(result.StateFile);
    }

    [Fact]
    public async Task AStrictGtidReplicaKeepsReplicatingAfterAFlushWithStartReplica()
    {
        if (servers.IsMariaDb) Assert.Equal(1L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@gtid_strict_mode")));

        var run = PowerShellRunner.Run(
            "Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -Table parent,child,big -StartReplica -Confirm:$false",
            Variables(servers));
        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(3, result.Tables.Count);

        await servers.OnPrimaryAsync($"INSERT INTO {HardCases.Shop}.parent VALUES (99, 'after the flush')");

        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
        Assert.Equal("after the flush", await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT name FROM {HardCases.Shop}.parent WHERE id = 99"));
        Assert.Equal("Running", result.ReplicationAfter);
        if (servers.IsMariaDb) Assert.Contains("191-", result.BinlogEnd!.GtidPosition);
        File.Delete(result.StateFile);
    }

    [Fact]
    public async Task WhatIfTouchesNothingNotEvenReplication()
    {
        var run = PowerShellRunner.Run(
            "Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -WhatIf", Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Empty(run.Output);
        Assert.Contains(run.HostText, line => line.Contains("bf_shop.big") && line.Contains("Flush"));
        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }
}
