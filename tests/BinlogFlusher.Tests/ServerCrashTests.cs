using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// The replica's server crashes in the middle of a copy: when it comes back in time, the flush waits for it, stops the
/// replication the restart started again and finishes; when it does not, the flush names what is aside and how to put
/// it back. A pair of its own each: the shared pair is never crashed.
/// </summary>
public sealed class ServerCrashTests
{
    sealed record Crash(ConnectionSettings Settings, string StateFile, TableState Before, FlushResult Result, IReadOnlyList<string> Warnings);

    /// <summary>A 30,000-row table flushed in chunks of 1,000; at the third chunk the replica crashes and is down for <paramref name="downtime"/>.</summary>
    static async Task<Crash> FlushThroughACrashAsync(LocalReplicaPair pair, TimeSpan downtime, TimeSpan reconnectTimeout)
    {
        await ReplicaPairFixture.ExecuteAsync(pair.Primary, "CREATE DATABASE bf_crash",
            "CREATE TABLE bf_crash.rows (id INT PRIMARY KEY, payload VARCHAR(200) NOT NULL)",
            "INSERT INTO bf_crash.rows SELECT seq, REPEAT('p', 100) FROM bf_crash.seq_1_to_30000");
        await pair.WaitForReplicaAsync();
        var before = await TableState.ReadAsync(pair.Replica, "bf_crash", "rows");
        var settings = new ConnectionSettings(pair.Replica.Host, pair.Replica.Port, pair.Replica.User, pair.Replica.Password);
        var stateFile = Path.Combine(pair.RootDirectory, "crash.json");
        var options = new FlushOptions
        {
            Selection = new FlushSelection { Databases = new[] { "bf_crash" } },
            ChunkSize = 1000,
            StateFile = stateFile,
            ReconnectTimeout = reconnectTimeout,
        };
        var plan = await HostPlan.ReadAsync(settings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        Task? crash = null;
        var listener = new WarningListener();
        var flusher = new HostFlusher(plan, listener)
        {
            PhaseReached = point =>
            {
                if (point == "Chunk3") crash ??= pair.CrashAndRestartReplicaAsync(downtime);
                return Task.CompletedTask;
            },
        };
        try
        {
            var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);
            return new Crash(settings, stateFile, before, result, listener.Warnings);
        }
        finally
        {
            // The server is up again before the test looks at it.
            if (crash is not null) await crash;
        }
    }

    [Fact]
    public async Task AReplicaThatCrashesAndRestartsMidCopyIsWaitedForAndTheFlushCompletes()
    {
        await using var pair = await LocalReplicaPair.StartAsync();
        var crash = await FlushThroughACrashAsync(pair, downtime: TimeSpan.FromSeconds(3), reconnectTimeout: TimeSpan.FromSeconds(60));

        Assert.True(crash.Result.Status == FlushStatus.Completed, crash.Result.Error + "\n" + string.Join("\n", crash.Warnings));
        Assert.Contains(crash.Warnings, w => w.Contains("the server does not answer, trying again for up to 60 s", StringComparison.Ordinal));
        Assert.Contains(crash.Warnings, w => w.Contains("runs again (the server restarted?): stopping it again", StringComparison.Ordinal));
        Assert.Contains(crash.Warnings, w => w.Contains("read_only is OFF again (the server restarted?): turning it ON again", StringComparison.Ordinal));
        var table = Assert.Single(crash.Result.Tables);
        Assert.Equal(30000, table.Rows);
        Assert.NotEmpty(table.MayRepeat);
        Assert.Equal(crash.Before, await TableState.ReadAsync(pair.Replica, "bf_crash", "rows"));
        Assert.Empty(await TableState.LeftoversAsync(pair.Replica));
        Assert.Equal(0L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(pair.Replica, "SELECT @@GLOBAL.read_only")));
    }

    [Fact]
    public async Task AReplicaThatStaysDownPastTheReconnectTimeoutLeavesTablesNamedWithTheCommandThatPutsThemBack()
    {
        await using var pair = await LocalReplicaPair.StartAsync();
        var crash = await FlushThroughACrashAsync(pair, downtime: TimeSpan.FromSeconds(10), reconnectTimeout: TimeSpan.FromSeconds(2));

        var result = crash.Result;
        Assert.True(result.Status == FlushStatus.Failed, result.Error);
        Assert.Equal(new[] { "bf_crash.rows" }, result.LeftAside);
        var target = crash.Settings.Target;
        var repair = $"a restore with HostName '{target}' and StateFile '{crash.StateFile}'";
        Assert.EndsWith($"NOT put back: bf_crash.rows. Put them back with {repair}.", result.Error);
        Assert.DoesNotContain("every table was put back", result.Error, StringComparison.OrdinalIgnoreCase);
        var table = Assert.Single(result.Tables);
        Assert.Equal(TableFlushStatus.Failed, table.Status);
        Assert.StartsWith("left aside as bf_crash._bfbk_", table.Error);

        // The server is back: the command the result names puts the table back.
        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", new Dictionary<string, object?>
        {
            ["replica"] = target,
            ["cred"] = PowerShellRunner.Credential(pair.Replica.User, pair.Replica.Password),
            ["state"] = crash.StateFile,
        });
        Assert.Empty(run.Errors);
        Assert.Equal(crash.Before, await TableState.ReadAsync(pair.Replica, "bf_crash", "rows"));
        Assert.Empty(await TableState.LeftoversAsync(pair.Replica));
    }
}
