using System.Management.Automation;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>Ctrl+C and a killed connection in the middle of a copy: nothing is lost.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class InterruptionTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(HardCases.Statements(servers.IsMariaDb).ToArray());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task StoppingThePipelineMidCopyRestoresEveryTableBeforeItReturns()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        var stateFile = Path.Combine(Path.GetTempPath(), $"bf-stop-{Guid.NewGuid():N}.json");
        var sawCopy = false;

        var run = PowerShellRunner.Run(
            "Invoke-BinlogFlush -HostName $replica -Credential $cred -Database 'bf*' -ChunkSize 10 -ThrottleLimit 2 -StateFile $state -Confirm:$false",
            Variables(servers, ("state", stateFile)),
            whileRunning: (shell, _) =>
            {
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (DateTime.UtcNow < deadline && !sawCopy)
                {
                    sawCopy = shell.Streams.Progress.ToList().Any(p => p.Activity == "bf_shop.big" && p.StatusDescription.StartsWith("copying", StringComparison.Ordinal) && !p.StatusDescription.StartsWith("copying: 0 ", StringComparison.Ordinal));
                    Thread.Sleep(5);
                }
                shell.Stop();
            });

        Assert.True(sawCopy, "the copy of bf_shop.big never showed progress");
        Assert.IsType<PipelineStoppedException>(run.Terminating);
        // Stop() has returned: every table is already back.
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        var journal = FlushJournal.Load(stateFile);
        Assert.True(journal.Status == "Interrupted", $"{journal.Status}: {string.Join("; ", journal.Tables.Select(t => t.Error).OfType<string>())}; warnings: {string.Join("; ", run.HostWarnings.Concat(run.Warnings.Select(w => w.Message)))}");
        Assert.NotNull(journal.BinlogEnd);
        Assert.All(journal.Tables, t => Assert.Contains(t.Phase, new[] { TablePhase.Restored, TablePhase.Pending }));
        Assert.Equal(0L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@GLOBAL.read_only")));
        // The console says what the stopped pipeline cannot: interrupted, all put back, the range and the state file.
        var line = Assert.Single(run.HostWarnings);
        Assert.Equal($"{servers.Replica.Host}:{servers.Replica.Port}: interrupted; every table was put back. The binlog {journal.BinlogStart} .. {journal.BinlogEnd} holds a partial snapshot; state file {stateFile}.", line);
        File.Delete(stateFile);
    }

    [Fact]
    public async Task AConnectionKilledMidChunkReconnectsResumesAndReportsTheRangeThatMayRepeat()
    {
        // Wide rows in large chunks: each INSERT ... SELECT runs long enough to be caught and killed.
        await servers.OnPrimaryAsync("CREATE TABLE bf_shop.wide (id INT PRIMARY KEY, payload VARCHAR(2000) NOT NULL) ENGINE=InnoDB");
        for (var start = 1; start <= 60000; start += 5000)
            await servers.OnPrimaryAsync("INSERT INTO bf_shop.wide VALUES " + string.Join(", ", Enumerable.Range(start, 5000).Select(i => $"({i}, REPEAT('w', {500 + i % 1000}))")));
        var before = await TableState.ReadAsync(servers.Replica, "bf_shop", "wide");

        var settings = servers.ReplicaSettings;
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" }, Tables = new[] { "wide" } }, ChunkSize = 15000, StateFile = Path.Combine(Path.GetTempPath(), $"bf-kill-{Guid.NewGuid():N}.json") };
        var plan = await HostPlan.ReadAsync(settings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        var killed = new List<long>();
        Task? killer = null;
        var flusher = new HostFlusher(plan, new WarningListener())
        {
            PhaseReached = point =>
            {
                if (point == "Chunk1") killer = InterruptedFlush.KillRunningInsertAsync(servers, "bf_shop", "wide", killed);
                return Task.CompletedTask;
            },
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);
        await killer!;

        Assert.Single(killed);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var table = Assert.Single(result.Tables);
        Assert.Equal(before.Rows, table.Rows);
        var mayRepeat = Assert.Single(table.MayRepeat);
        Assert.Matches(@"bf_shop\.wide \(id\) > \(\d+\)", mayRepeat);
        Assert.Equal(before, await TableState.ReadAsync(servers.Replica, "bf_shop", "wide"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));

        // Every row reached the binlog; only rows of the reported range may stand twice.
        var decoded = await BinlogTools.DecodeAsync(servers.Replica, result.BinlogStart!.File, result.BinlogStart.Position, result.BinlogEnd!.File, result.BinlogEnd.Position);
        var ids = Regex.Matches(decoded, @"^### INSERT INTO `bf_shop`.`wide`\n### SET\n###   @1=(\d+)", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(Enumerable.Range(1, (int)before.Rows), ids.Distinct().Order());
        var after = int.Parse(Regex.Match(mayRepeat, @"> \((\d+)\)").Groups[1].Value);
        Assert.All(ids.GroupBy(i => i).Where(g => g.Count() > 1), g => Assert.True(g.Key > after && g.Key <= after + options.ChunkSize, $"row {g.Key} repeated outside the reported range"));
        File.Delete(result.StateFile);
    }
}
