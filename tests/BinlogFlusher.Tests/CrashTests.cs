using BinlogFlusher.Engine.Restoring;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// The flush runs in a separate process (the CLI) and is killed with SIGKILL at named phases and at random times;
/// Restore-BinlogFlushState then puts every table back exactly, and a second restore changes nothing.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class CrashTests(ReplicaPairFixture servers, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    // Kill points: right after the journal is first written, between the rename and the twin, with the twin in
    // place, mid-copy, after the copy, and mid-restore (twin dropped, backup not yet renamed back).
    public static TheoryData<string> KillPoints => new() { "JournalWritten", "Renamed", "Created", "Twin", "Chunk3", "Copied", "TwinDropped" };
    public static TheoryData<int> RandomKillSeeds => new() { 1, 2, 3, 4, 5 };

    string workFolder = "";
    List<TableState> before = new();

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(HardCases.Statements(servers.IsMariaDb).ToArray());
        before = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        workFolder = Directory.CreateTempSubdirectory("bf-crash-").FullName;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(workFolder, recursive: true);
        return Task.CompletedTask;
    }

    string StateFile => Path.Combine(workFolder, "state.json");

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task KilledAtAPhaseRestoreFromTheStateFilePutsEverythingBack(string point)
    {
        await KillFlushAtAsync(point);
        Assert.True(File.Exists(StateFile), "the journal must exist once the flush has started");

        await RestoreAndVerifyAsync("-StateFile $state", point == "JournalWritten" ? null : RestoreAction.PutBack);
    }

    [Theory]
    [InlineData("Renamed")]
    [InlineData("Created")]
    [InlineData("Chunk3")]
    [InlineData("TwinDropped")]
    public async Task KilledWithTheStateFileLostDiscoverPutsEverythingBack(string point)
    {
        await KillFlushAtAsync(point);
        File.Delete(StateFile);

        await RestoreAndVerifyAsync("-Discover", RestoreAction.PutBack);
    }

    [Theory]
    [MemberData(nameof(RandomKillSeeds))]
    public async Task KilledAtARandomTimeRestorePutsEverythingBack(int seed)
    {
        // Small chunks stretch the copy over a second or more, so most random kills land mid-flush.
        var delay = TimeSpan.FromMilliseconds(new Random(seed).Next(150, 1500));
        using (var flush = StartFlush(stopAt: null, chunkSize: 50))
        {
            await Task.Delay(delay);
            flush.Kill();
            output.WriteLine($"killed after {delay.TotalMilliseconds} ms; output: {flush.Text}");
        }
        output.WriteLine(File.Exists(StateFile) ? "journal: " + File.ReadAllText(StateFile) : "no journal");
        // Killed before the journal was written: nothing was touched, and there is nothing to restore.
        if (!File.Exists(StateFile))
        {
            Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
            AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas));
            return;
        }
        await RestoreAndVerifyAsync("-StateFile $state -Discover", expectedAction: null);
    }

    [Fact]
    public async Task KilledDuringARunningChunkRestoreFirstStopsTheStatementTheServerStillRuns()
    {
        await servers.OnPrimaryAsync("CREATE TABLE bf_shop.wide (id INT PRIMARY KEY, payload VARCHAR(2000) NOT NULL) ENGINE=InnoDB");
        for (var start = 1; start <= 40000; start += 5000)
            await servers.OnPrimaryAsync("INSERT INTO bf_shop.wide VALUES " + string.Join(", ", Enumerable.Range(start, 5000).Select(i => $"({i}, REPEAT('w', {500 + i % 1000}))")));
        before = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);

        // The premise: the server still runs the killed client's INSERT ... SELECT when the restore begins. On a loaded
        // machine the statement may finish first; such an attempt is put back and tried again.
        for (var attempt = 1; ; attempt++)
        {
            long running;
            bool stillRunning;
            using (var flush = StartFlush(stopAt: null, chunkSize: 40000))
            {
                // SIGKILL the client while the server executes its INSERT ... SELECT: the server goes on with it.
                running = await WaitForRunningInsertAsync("wide");
                flush.Kill();
                stillRunning = await IsRunningAsync(running);
            }
            output.WriteLine($"attempt {attempt}: connection {running} {(stillRunning ? "still ran its INSERT after the kill" : "had finished before the restore")}");
            await RestoreAndVerifyAsync("-StateFile $state", expectedAction: null);
            if (!stillRunning)
            {
                Assert.True(attempt < 3, "the server finished the killed client's INSERT before the restore began, three times");
                File.Delete(StateFile);
                continue;
            }
            Assert.False(await IsRunningAsync(running), $"connection {running} still runs after the restore");
            return;
        }
    }

    async Task<bool> IsRunningAsync(long connection) =>
        (await ReplicaPairFixture.QueryAsync(servers.Replica, "SELECT ID FROM information_schema.PROCESSLIST")).Any(r => Convert.ToInt64(r[0]) == connection);

    async Task<long> WaitForRunningInsertAsync(string table)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var id = await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO `bf_shop`.`{table}`%'");
            if (id is not null) return Convert.ToInt64(id);
        }
        throw new TimeoutException("no INSERT into " + table + " was seen running");
    }

    Task KillFlushAtAsync(string point) => FlushProcess.KillAtAsync(servers, workFolder, StateFile, point);

    CliProcess StartFlush(string? stopAt, int chunkSize = 1000) => FlushProcess.Start(servers, workFolder, StateFile, stopAt, chunkSize: chunkSize);

    async Task RestoreAndVerifyAsync(string how, RestoreAction? expectedAction)
    {
        var variables = Variables(servers, ("state", StateFile));
        var run = PowerShellRunner.Run($"Restore-BinlogFlushState -HostName $replica -Credential $cred {how} -Confirm:$false", variables);
        Assert.True(run.Terminating is null, run.Terminating?.ToString());
        Assert.True(run.Errors.Count == 0, string.Join("\n", run.Errors.Select(e => e.ToString())));
        var outcomes = run.Output.Select(o => (RestoreOutcome)o.BaseObject).ToList();
        Assert.DoesNotContain(outcomes, o => o.Action == RestoreAction.Conflict);
        if (expectedAction is { } action) Assert.Contains(outcomes, o => o.Action == action);

        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));

        // A second restore changes nothing and says so.
        var binlogBefore = await servers.BinlogStatusAsync(servers.Replica);
        var again = PowerShellRunner.Run($"Restore-BinlogFlushState -HostName $replica -Credential $cred {how} -Confirm:$false -Verbose", variables);
        Assert.Empty(again.Errors);
        Assert.All(again.Output.Select(o => (RestoreOutcome)o.BaseObject), o => Assert.Equal(RestoreAction.AlreadyInPlace, o.Action));
        Assert.Contains(again.Information, i => i.MessageData.ToString()!.Contains("nothing to restore; every table is in place"));
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas));
        Assert.Equal(binlogBefore[0][1], (await servers.BinlogStatusAsync(servers.Replica))[0][1]);
    }
}
