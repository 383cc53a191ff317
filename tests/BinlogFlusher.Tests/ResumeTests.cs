using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// A flush killed mid-table, the host restored, then Invoke-BinlogFlush -Resume: flushed tables are not flushed again,
/// the interrupted one continues after its last committed chunk, and the binlog ranges together hold each row once.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class ResumeTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    string folder = "";
    List<TableState> before = new();
    string StateFile => Path.Combine(folder, "state.json");

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(HardCases.Statements(servers.IsMariaDb).ToArray());
        before = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        folder = Directory.CreateTempSubdirectory("bf-resume-").FullName;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("Chunk3")]
    [InlineData("Chunk17")]
    [InlineData("Twin")]
    [InlineData("Created")]
    public async Task KilledRestoredAndResumedTheRangesHoldEachRowOnce(string point)
    {
        await KillAtAsync(point);
        Restore();
        var killedJournal = FlushJournal.Load(StateFile);
        var flushedInFirstRun = killedJournal.Tables.Where(t => t.Flushed).Select(t => t.Schema + "." + t.Table).ToList();

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Resume -StateFile $state -Database 'bf*' -ChunkSize 1000 -Verify -Confirm:$false",
            Variables(servers, ("state", StateFile)));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(2, result.BinlogRanges.Count);
        // -Verify reads both runs' ranges: each table's key order holds across them, outside the ranges that may repeat.
        Assert.All(result.Verification, v => Assert.True(v.Status == Engine.Verifying.VerificationStatus.Verified, v.ToString()));
        Assert.Equal(result.Tables.Count, result.Verification.Count);
        Assert.All(result.Tables.Where(t => flushedInFirstRun.Contains(t.Schema + "." + t.Table)), t => Assert.Equal(TableFlushStatus.FlushedEarlier, t.Status));
        Assert.All(result.Tables.Where(t => !flushedInFirstRun.Contains(t.Schema + "." + t.Table)), t => Assert.Equal(TableFlushStatus.Flushed, t.Status));
        var after = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        var journal = FlushJournal.Load(StateFile);
        Assert.Equal(2, journal.BinlogRanges.Count);
        Assert.All(journal.Tables, t => Assert.True(t.Flushed));

        // Decode every range: each table's CREATE TABLE once, each row once (the big table's keys counted one by one).
        var decoded = await DecodeRangesAsync(servers, result);
        var inserts = BinlogTools.CountInserts(decoded);
        var repeatable = result.Tables.Where(t => t.MayRepeat.Count > 0).Select(t => t.Schema + "." + t.Table).ToList();
        foreach (var table in after)
        {
            var name = TableState.Quote(table.Schema) + "." + TableState.Quote(table.Table);
            var events = inserts.TryGetValue(name, out var n) ? n : 0;
            if (repeatable.Contains(table.Schema + "." + table.Table)) Assert.True(events >= table.Rows, $"{name}: {events} row events for {table.Rows} rows");
            else Assert.True(events == table.Rows, $"{name}: {events} row events for {table.Rows} rows");
            var sameName = after.Count(t => t.Table == table.Table); // `parent` lives in two schemas
            Assert.True(sameName == Regex.Matches(decoded, "CREATE TABLE " + Regex.Escape(TableState.Quote(table.Table)) + " \\(").Count, $"{name}: CREATE TABLE logged more than once");
        }
        var bigIds = Regex.Matches(decoded, @"^### INSERT INTO `bf_shop`.`big`\n### SET\n###   @1=(\d+)", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(Enumerable.Range(1, HardCases.BigRows), bigIds.Distinct().Order());
        var repeatedBig = bigIds.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeatedBig.Count > 0)
        {
            var range = Assert.Single(result.Tables.Single(t => t.Table == "big").MayRepeat);
            var bounds = Regex.Matches(range, @"\((\d+)\)").Select(m => int.Parse(m.Groups[1].Value)).ToList();
            Assert.All(repeatedBig, id => Assert.InRange(id, bounds[0] + 1, bounds[1]));
        }
        if (point.StartsWith("Chunk", StringComparison.Ordinal))
            Assert.Contains(result.Tables.Single(t => t.Table == "big").MayRepeat, r => r.StartsWith("bf_shop.big (id) > (", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Chunk2")]
    [InlineData("Chunk5")]
    public async Task AGappedKeyWithAClumpKilledMidCopyResumesAfterItsLastChunkWithEachRowOnce(string point)
    {
        // Keys 3, 6, 9, ... with 2,000 consecutive keys amid them: chunks by value of adapting width, one of them met
        // the clump's row limit. A kill after a chunk, then -Resume, continues after the last committed key.
        var keys = Enumerable.Range(1, 4000).Select(i => i * 3).Where(k => k is < 5001 or > 7000).Concat(Enumerable.Range(5001, 2000)).Order().ToList();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_gapkeys", "CREATE TABLE bf_gapkeys.rows (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_gapkeys.rows VALUES " + string.Join(", ", keys.Select(k => $"({k}, 'row {k}')")));
        var original = await TableState.ReadAsync(servers.Replica, "bf_gapkeys", "rows");
        await FlushProcess.KillAtAsync(servers, folder, StateFile, point, databases: "bf_gapkeys");
        Restore();

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Resume -StateFile $state -Database bf_gapkeys -ChunkSize 1000 -Verify -Confirm:$false",
            Variables(servers, ("state", StateFile)));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var verified = Assert.Single(result.Verification);
        Assert.True(verified.Status == Engine.Verifying.VerificationStatus.Verified, verified.ToString());
        Assert.Equal(original, await TableState.ReadAsync(servers.Replica, "bf_gapkeys", "rows"));
        Assert.Equal(2, result.BinlogRanges.Count);
        // The resumed copy began after a committed key of the first run, not at the start.
        Assert.Contains(result.Tables.Single().MayRepeat, r => r.StartsWith("bf_gapkeys.rows (id) > (", StringComparison.Ordinal));
        var decoded = await DecodeRangesAsync(servers, result);
        var copied = Regex.Matches(decoded, @"^### INSERT INTO `bf_gapkeys`.`rows`\n### SET\n###   @1=(\d+)", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(keys, copied.Distinct().Order());
        var repeated = copied.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
        {
            var bounds = Regex.Matches(Assert.Single(result.Tables.Single().MayRepeat), @"\((\d+)\)").Select(m => int.Parse(m.Groups[1].Value)).ToList();
            Assert.All(repeated, k => Assert.InRange(k, bounds[0] + 1, bounds[1]));
        }
        Assert.All(BinlogTools.InsertsPerTransaction(decoded), n => Assert.InRange(n, 1, 1000));
    }

    [Fact]
    public async Task AResumeAfterReplicationRanInBetweenIsRefusedAndChangesNothing()
    {
        await KillAtAsync("Chunk3");
        Restore("-StartReplica");
        await servers.OnPrimaryAsync($"INSERT INTO {HardCases.Shop}.parent VALUES (50, 'moved on')");
        var journalBefore = File.ReadAllText(StateFile);
        var binlogBefore = (await servers.BinlogStatusAsync(servers.Replica))[0][1];

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Resume -StateFile $state -Database 'bf*' -Confirm:$false",
            Variables(servers, ("state", StateFile)));

        Assert.Empty(run.Output);
        var error = Assert.Single(run.Errors);
        Assert.Equal("ResumeRefused,BinlogFlusher.Commands.InvokeBinlogFlushCommand", error.FullyQualifiedErrorId);
        Assert.Contains("replication applied further", error.ToString());
        Assert.Equal(journalBefore, File.ReadAllText(StateFile));
        Assert.Equal(binlogBefore, (await servers.BinlogStatusAsync(servers.Replica))[0][1]);
        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public async Task AResumeAfterATableDefinitionChangedIsRefused()
    {
        await KillAtAsync("Chunk3");
        Restore();
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", $"ALTER TABLE {HardCases.Shop}.one_row ADD COLUMN extra INT");

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Resume -StateFile $state -Database 'bf*' -Confirm:$false",
            Variables(servers, ("state", StateFile)));

        var error = Assert.Single(run.Errors);
        Assert.Equal("ResumeRefused,BinlogFlusher.Commands.InvokeBinlogFlushCommand", error.FullyQualifiedErrorId);
        Assert.Contains("bf_shop.one_row changed its definition", error.ToString());
        Assert.Empty(run.Output);
    }

    Task KillAtAsync(string point) => FlushProcess.KillAtAsync(servers, folder, StateFile, point, threads: 2);

    void Restore(string extra = "")
    {
        var run = PowerShellRunner.Run($"Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state {extra} -Confirm:$false", Variables(servers, ("state", StateFile)));
        Assert.True(run.Errors.Count == 0, string.Join("\n", run.Errors));
    }
}
