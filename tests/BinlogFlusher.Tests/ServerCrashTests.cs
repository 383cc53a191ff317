using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// The replica's server crashes in the middle of a copy and comes back: the flush waits for it, stops the replication
/// the restart started again, and finishes with every table as it was. A pair of its own: the shared one is not crashed.
/// </summary>
public sealed class ServerCrashTests
{
    [Fact]
    public async Task AReplicaThatCrashesAndRestartsMidCopyIsWaitedForAndTheFlushCompletes()
    {
        await using var pair = await LocalReplicaPair.StartAsync();
        await ReplicaPairFixture.ExecuteAsync(pair.Primary, "CREATE DATABASE bf_crash",
            "CREATE TABLE bf_crash.rows (id INT PRIMARY KEY, payload VARCHAR(200) NOT NULL)",
            "INSERT INTO bf_crash.rows SELECT seq, REPEAT('p', 100) FROM bf_crash.seq_1_to_30000");
        await pair.WaitForReplicaAsync();
        var before = await TableState.ReadAsync(pair.Replica, "bf_crash", "rows");

        var settings = new ConnectionSettings(pair.Replica.Host, pair.Replica.Port, pair.Replica.User, pair.Replica.Password);
        var options = new FlushOptions
        {
            Selection = new FlushSelection { Databases = new[] { "bf_crash" } },
            ChunkSize = 1000,
            StateFile = Path.Combine(pair.RootDirectory, "crash.json"),
        };
        var plan = await HostPlan.ReadAsync(settings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        Task? crash = null;
        var warnings = new List<string>();
        var flusher = new HostFlusher(plan, new RecordingListener(warnings))
        {
            // Down for 3 s: the next chunk finds no server, and the flush has to wait for it.
            PhaseReached = point =>
            {
                if (point == "Chunk3") crash ??= pair.CrashAndRestartReplicaAsync(TimeSpan.FromSeconds(3));
                return Task.CompletedTask;
            },
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);
        await crash!;

        Assert.True(result.Status == FlushStatus.Completed, result.Error + "\n" + string.Join("\n", warnings));
        Assert.Contains(warnings, w => w.Contains("the server does not answer, trying again for up to 60 s", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("runs again (the server restarted?): stopping it again", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("read_only is OFF again (the server restarted?): turning it ON again", StringComparison.Ordinal));
        var table = Assert.Single(result.Tables);
        Assert.Equal(30000, table.Rows);
        Assert.NotEmpty(table.MayRepeat);
        Assert.Equal(before, await TableState.ReadAsync(pair.Replica, "bf_crash", "rows"));
        Assert.Empty(await TableState.LeftoversAsync(pair.Replica));
        Assert.Equal(0L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(pair.Replica, "SELECT @@GLOBAL.read_only")));
    }

    [Fact]
    public async Task AReplicaThatStaysDownPastTheReconnectTimeoutLeavesTablesNamedWithTheCommandThatPutsThemBack()
    {
        await using var pair = await LocalReplicaPair.StartAsync();
        await ReplicaPairFixture.ExecuteAsync(pair.Primary, "CREATE DATABASE bf_crash",
            "CREATE TABLE bf_crash.rows (id INT PRIMARY KEY, payload VARCHAR(200) NOT NULL)",
            "INSERT INTO bf_crash.rows SELECT seq, REPEAT('p', 100) FROM bf_crash.seq_1_to_30000");
        await pair.WaitForReplicaAsync();
        var before = await TableState.ReadAsync(pair.Replica, "bf_crash", "rows");
        var settings = new ConnectionSettings(pair.Replica.Host, pair.Replica.Port, pair.Replica.User, pair.Replica.Password);
        var stateFile = Path.Combine(pair.RootDirectory, "down.json");
        var options = new FlushOptions
        {
            Selection = new FlushSelection { Databases = new[] { "bf_crash" } },
            ChunkSize = 1000,
            StateFile = stateFile,
            ReconnectTimeout = TimeSpan.FromSeconds(2),
        };
        var plan = await HostPlan.ReadAsync(settings, options, null, CancellationToken.None);
        Task? crash = null;
        var flusher = new HostFlusher(plan, new RecordingListener(new List<string>()))
        {
            PhaseReached = point =>
            {
                if (point == "Chunk3") crash ??= pair.CrashAndRestartReplicaAsync(TimeSpan.FromSeconds(10));
                return Task.CompletedTask;
            },
        };

        FlushResult result;
        try
        {
            result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);
        }
        finally
        {
            if (crash is not null) await crash;
        }

        Assert.True(result.Status == FlushStatus.Failed, result.Error);
        Assert.Equal(new[] { "bf_crash.rows" }, result.LeftAside);
        var repair = $"Restore-BinlogFlushState -HostName {settings.Target} -StateFile '{stateFile}' (binlog-flusher recover --host {settings.Target} --hashfile '{stateFile}')";
        Assert.EndsWith($"NOT put back: bf_crash.rows. Put them back with {repair}.", result.Error);
        Assert.DoesNotContain("every table was put back", result.Error, StringComparison.OrdinalIgnoreCase);
        var table = Assert.Single(result.Tables);
        Assert.Equal(TableFlushStatus.Failed, table.Status);
        Assert.StartsWith("left aside as bf_crash._bfbk_", table.Error);

        // The server is back: the command the result names puts the table back.
        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", new Dictionary<string, object?>
        {
            ["replica"] = settings.Target,
            ["cred"] = PowerShellRunner.Credential(pair.Replica.User, pair.Replica.Password),
            ["state"] = stateFile,
        });
        Assert.Empty(run.Errors);
        Assert.Equal(before, await TableState.ReadAsync(pair.Replica, "bf_crash", "rows"));
        Assert.Empty(await TableState.LeftoversAsync(pair.Replica));
    }

    sealed class RecordingListener(List<string> warnings) : IFlushListener
    {
        public void Verbose(string message) { }
        public void Warning(string message)
        {
            lock (warnings) warnings.Add(message);
        }
        public void HostProgress(HostProgress progress) { }
        public void TableProgress(TableProgress progress) { }
    }
}
