using System.Diagnostics;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// The replica's binlog lives on a 4 MiB disk (a tmpfs) and the flush writes more than that: the server waits for
/// someone to free space instead of failing. The flush warns, stops once the wait outlasts its timeout, puts the table
/// back, does not start replication onto the full disk, and says where the binlog may hold a truncated event.
/// A pair of its own: the shared pair's disk is never filled.
/// </summary>
public sealed class DiskFullTests
{
    [Fact]
    public async Task AFullBinlogDiskStopsTheRunPutsTheTableBackAndLeavesReplicationStopped()
    {
        await using var disk = await Tmpfs.MountAsync("4m");
        await using var pair = await LocalReplicaPair.StartAsync(new LocalReplicaPairOptions { ReplicaSettings = new[] { $"log-bin={disk.Path}/binlog" } });
        // On the replica alone, unlogged: 8 MiB of rows that its 4 MiB binlog disk cannot take.
        await ReplicaPairFixture.ExecuteAsync(pair.Replica, "SET SESSION sql_log_bin = 0", "CREATE DATABASE bf_disk",
            "CREATE TABLE bf_disk.wide (id INT PRIMARY KEY, payload VARCHAR(1000) NOT NULL)",
            "INSERT INTO bf_disk.wide SELECT seq, REPEAT('d', 1000) FROM bf_disk.seq_1_to_8000");
        var before = await TableState.ReadAsync(pair.Replica, "bf_disk", "wide");
        var settings = new ConnectionSettings(pair.Replica.Host, pair.Replica.Port, pair.Replica.User, pair.Replica.Password);
        var options = new FlushOptions
        {
            Selection = new FlushSelection { Databases = new[] { "bf_disk" } },
            ChunkSize = 1000,
            StateFile = Path.Combine(pair.RootDirectory, "disk.json"),
            DiskFullTimeout = TimeSpan.FromSeconds(3),
            StartReplica = true,
        };
        var plan = await HostPlan.ReadAsync(settings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        var listener = new WarningListener();

        var clock = Stopwatch.StartNew();
        var result = await new HostFlusher(plan, listener).FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(50), $"the run took {clock.Elapsed} to give up on the full disk");
        Assert.Equal(FlushStatus.Failed, result.Status);
        Assert.True(result.ErrorKind == FlushErrorKind.DiskFull, result.Error + " //// " + string.Join(" // ", listener.Warnings));
        Assert.Contains("the binlog disk is full", result.Error);
        Assert.Contains("Every table was put back", result.Error);
        Assert.Contains($"truncated event after {result.BinlogEnd}", result.Error);
        Assert.Contains(listener.Warnings, w => w.Contains("the server waits for disk space") && w.Contains("Waiting for someone to free space"));
        Assert.Contains(listener.Warnings, w => w.Contains("replication was not started"));
        Assert.Empty(result.LeftAside);

        Assert.Equal(before, await TableState.ReadAsync(pair.Replica, "bf_disk", "wide"));
        Assert.Empty(await TableState.LeftoversAsync(pair.Replica));
        Assert.False(await FlushAssertions.SqlThreadRunningAsync(pair.Replica, pair.Binaries.IsMariaDb), "replication must not start onto a full binlog disk");
        Assert.Equal(0L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(pair.Replica, "SELECT @@GLOBAL.read_only")));
    }
}
