using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>One flush or restore of a server at a time, enforced by the server: a second one is refused and changes nothing.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class OneRunPerHostTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    readonly string folder = Directory.CreateTempSubdirectory("bf-onerun-").FullName;

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO bf_shop.items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TheRunLockIsFreeTheMomentAFlushOrARestoreReturnsSoTheNextRunStarts()
    {
        var options = new Engine.Planning.FlushOptions { Selection = new Engine.Planning.FlushSelection { Databases = new[] { "bf_shop" } }, StateFile = Path.Combine(folder, "first.json") };
        var plan = await Engine.Planning.HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        var result = await new HostFlusher(plan, new WarningListener()).FlushAsync(plan.Candidates, CancellationToken.None);
        Assert.Equal(FlushStatus.Completed, result.Status);
        // Not "a moment after the server ends the closed session": now.
        Assert.True(await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT IS_USED_LOCK('{Engine.State.RunLock.Name}')") is null or DBNull, "the run lock is still held");

        await using (var restore = await Engine.Restoring.HostRestore.OpenAsync(servers.ReplicaSettings, null, CancellationToken.None))
            await restore.PlanAsync(new Engine.Restoring.RestoreRequest { Discover = true }, CancellationToken.None);
        Assert.True(await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT IS_USED_LOCK('{Engine.State.RunLock.Name}')") is null or DBNull, "the run lock is still held");

        // The next flush, right away, is not refused.
        var next = await Engine.Planning.HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        Assert.True(next.Ready, next.RefusalMessage);
    }

    [Fact]
    public async Task WhileAFlushRunsASecondFlushAndARestoreAreRefusedAndTheFirstCompletes()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        var release = Path.Combine(folder, "release");
        using var first = FlushProcess.Start(servers, folder, Path.Combine(folder, "first.json"), stopAt: "Twin", databases: "bf_shop", releaseFile: release);
        await first.WaitForLineAsync(line => line == "STOPPED AT Twin", TimeSpan.FromSeconds(60));
        var binlogWhileHeld = (await servers.BinlogStatusAsync(servers.Replica))[0][1];

        var second = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -StateFile $state -Confirm:$false",
            Variables(servers, ("state", Path.Combine(folder, "second.json"))));
        var restore = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover -Confirm:$false", Variables(servers));
        var (cliExit, cli) = await CliProcess.RunAsync("recover", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", Path.Combine(folder, "my.cnf"), "--discover");

        // The second flush: refused with the id a runbook can test, naming the run that holds the server; nothing written.
        Assert.Empty(second.Output);
        var refused = Assert.Single(second.Errors);
        Assert.Equal("FlushAlreadyRunning,BinlogFlusher.Commands.InvokeBinlogFlushCommand", refused.FullyQualifiedErrorId);
        Assert.Contains("Another flush or restore is running on this server (connection ", refused.ErrorDetails.Message);
        Assert.Contains("first.json", refused.ErrorDetails.Message);
        Assert.False(File.Exists(Path.Combine(folder, "second.json")), "the refused flush wrote a state file");
        Assert.Equal("FlushAlreadyRunning,BinlogFlusher.Commands.RestoreBinlogFlushStateCommand", Assert.Single(restore.Errors).FullyQualifiedErrorId);
        Assert.Equal(3, cliExit);
        Assert.Contains("Another flush or restore is running on this server", cli.Text);
        Assert.Equal(binlogWhileHeld, (await servers.BinlogStatusAsync(servers.Replica))[0][1]);

        // The first run, untouched by all of them, completes.
        File.WriteAllText(release, "");
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(first.Lines, line => line.Contains("Completed", StringComparison.Ordinal));
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public async Task TwoFlushesStartedTogetherGiveOneSnapshotAndOneRefusal()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        using var a = FlushProcess.Start(servers, folder, Path.Combine(folder, "a.json"), stopAt: null, databases: "bf_shop");
        using var b = FlushProcess.Start(servers, folder, Path.Combine(folder, "b.json"), stopAt: null, databases: "bf_shop");
        var exits = new[] { await a.WaitForExitAsync(TimeSpan.FromSeconds(60)), await b.WaitForExitAsync(TimeSpan.FromSeconds(60)) };

        // Either one refused the other (exit 3), or they did not overlap and both completed; never a failure, never a mix.
        Assert.All(exits, code => Assert.True(code is 0 or 3, $"exit codes {exits[0]} and {exits[1]}:\n{a.Text}\n---\n{b.Text}"));
        foreach (var (code, run) in new[] { (exits[0], a), (exits[1], b) })
            if (code == 3) Assert.Contains("Another flush or restore is running on this server", run.Text);
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public void TheSameHostTwiceInOneCallIsFlushedOnceWithAWarning()
    {
        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica, $replica -Credential $cred -Database bf_shop -Confirm:$false", Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Equal(FlushStatus.Completed, Assert.Single(run.Output.Select(o => o.BaseObject).OfType<FlushResult>()).Status);
        Assert.Contains(run.Warnings, w => w.Message == $"127.0.0.1:{servers.Replica.Port} was given more than once in -HostName: it is flushed once.");
    }
}
