using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// Small tables go in batches (one RENAME TABLE out and one back for up to 50 tables, one journal write per phase):
/// flushed exactly, and a batch killed half way is restored and resumed like a single table.
/// </summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class BatchTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    const string Schema = "bf_many";
    const int Tables = 120;
    string folder = "";
    List<TableState> before = new();
    string StateFile => Path.Combine(folder, "state.json");

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        // 120 tables of 3 rows, and one (t007) of 2600: more than a chunk of 1000.
        var statements = new List<string> { $"CREATE DATABASE {Schema}" };
        for (var i = 1; i <= Tables; i++)
        {
            statements.Add($"CREATE TABLE {Schema}.t{i:D3} (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL) ENGINE=InnoDB");
            statements.Add($"INSERT INTO {Schema}.t{i:D3} VALUES (1, 'a{i}'), (2, 'b{i}'), (3, 'c{i}')");
        }
        statements.Add($"INSERT INTO {Schema}.t007 VALUES " + string.Join(", ", Enumerable.Range(4, 2597).Select(i => $"({i}, 'n{i}')")));
        await servers.OnPrimaryAsync(statements.ToArray());
        before = await TableState.ReadAllAsync(servers.Replica, Schema);
        Assert.Equal(Tables, before.Count);
        folder = Directory.CreateTempSubdirectory("bf-batch-").FullName;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ManySmallTablesAreFlushedInBatchesOneRenameForEachBatch()
    {
        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred -Database {Schema} -ChunkSize 1000 -StateFile $state -Confirm:$false -Verbose",
            Variables(servers, ("state", StateFile)));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(Tables - 1, result.Tables.Count(t => t.Status == TableFlushStatus.Flushed && t.Rows == 3));
        // The larger table went on its own, in chunks of at most 1000 rows.
        Assert.Equal(3, result.Tables.Single(t => t.Table == "t007").Chunks);
        var renames = run.Verbose.Where(v => v.Message.Contains("RENAME TABLE")).Select(v => Regex.Matches(v.Message, " TO ").Count).ToList();
        Assert.InRange(renames.Count, 6, 12);
        Assert.Contains(50, renames);
        Assert.All(renames, n => Assert.InRange(n, 1, TableFlusher.BatchTables));
        var after = await TableState.ReadAllAsync(servers.Replica, Schema);
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        await AssertBinlogHoldsExactlyOnceAsync(servers, result, after);
        var transactions = BinlogTools.InsertsPerTransaction(await DecodeRangesAsync(servers, result));
        Assert.All(transactions, n => Assert.InRange(n, 1, 1000));
    }

    [Fact]
    public async Task ABatchCopyThatLosesItsConnectionCopiesEachTableAgainAndATableOverItsEstimateGoesInChunks()
    {
        // Statistics that say t007 is empty (as stale ones can): it is batched, counted, then copied in chunks on its own.
        var settings = servers.ReplicaSettings;
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { Schema } }, ChunkSize = 1000, ThrottleLimit = 1, StateFile = StateFile };
        var plan = await HostPlan.ReadAsync(settings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        plan.Candidates.Single(c => c.Name == "t007").Table.EstimatedRows = 0;
        var listener = new RecordingListener();
        var killed = 0L;
        var flusher = new HostFlusher(plan, listener)
        {
            PhaseReached = async point =>
            {
                if (point != "BatchCounted" || killed != 0) return;
                // The worker is the run's last connection (the control session opened first): its batch copy is lost.
                killed = FlushJournal.Load(StateFile).ConnectionIds.Last();
                await ReplicaPairFixture.ExecuteAsync(servers.Replica, $"KILL CONNECTION {killed}");
            },
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.NotEqual(0, killed);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Contains(listener.Warnings, w => w.Contains("small tables together"));
        // The first batch (t001..t050) was copied again table by table and says its rows may repeat; no other batch
        // does, nor t007, which was never part of the lost statement.
        var firstBatch = Enumerable.Range(1, TableFlusher.BatchTables).Select(i => $"t{i:D3}").Where(t => t != "t007").ToHashSet();
        Assert.Equal(firstBatch, result.Tables.Where(t => t.MayRepeat.Count > 0).Select(t => t.Table).ToHashSet());
        var t007 = result.Tables.Single(t => t.Table == "t007");
        Assert.Equal(2600, t007.Rows);
        Assert.Equal(3, t007.Chunks);
        Assert.Contains(listener.Verbose, v => v.Contains("RENAME TABLE") && v.Contains("`t007` TO") && v.Contains("`t008` TO"));
        var after = await TableState.ReadAllAsync(servers.Replica, Schema);
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        // The connection died before the batch's INSERTs ran: every row is in the binlog exactly once all the same.
        await AssertBinlogHoldsExactlyOnceAsync(servers, result, after);
    }

    sealed class RecordingListener : IFlushListener
    {
        public ConcurrentQueue<string> Verbose { get; } = new();
        public ConcurrentQueue<string> Warnings { get; } = new();
        void IFlushListener.Verbose(string message) => Verbose.Enqueue(message);
        public void Warning(string message) => Warnings.Enqueue(message);
        public void HostProgress(HostProgress progress) { }
        public void TableProgress(TableProgress progress) { }
    }

    [Theory]
    [InlineData("Created")]
    [InlineData("Chunk1")]
    public async Task ABatchKilledHalfWayIsRestoredThenResumedWithEachCreateAndRowOnce(string point)
    {
        await FlushProcess.KillAtAsync(servers, folder, StateFile, point, databases: Schema, threads: 1);
        var killed = FlushJournal.Load(StateFile);
        var inBatch = killed.Tables.Where(t => t.Phase is not (TablePhase.Pending or TablePhase.Restored)).ToList();
        Assert.InRange(inBatch.Count, 2, TableFlusher.BatchTables);
        Assert.All(inBatch, t => Assert.Equal(inBatch[0].Phase, t.Phase));

        var restore = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", Variables(servers, ("state", StateFile)));
        Assert.True(restore.Errors.Count == 0, string.Join("\n", restore.Errors));
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, Schema));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));

        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred -Resume -StateFile $state -Database {Schema} -ChunkSize 1000 -Confirm:$false",
            Variables(servers, ("state", StateFile)));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(2, result.BinlogRanges.Count);
        var after = await TableState.ReadAllAsync(servers.Replica, Schema);
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        var decoded = await DecodeRangesAsync(servers, result);
        var inserts = BinlogTools.CountInserts(decoded);
        var repeatable = result.Tables.Where(t => t.MayRepeat.Count > 0).Select(t => t.Table).ToHashSet();
        // Killed after the logged CREATE TABLEs, before any row: nothing may repeat. Killed after the batch copy: its tables may.
        if (point == "Created") Assert.Empty(repeatable);
        else Assert.Equal(inBatch.Select(t => t.Table).ToHashSet(), repeatable);
        foreach (var table in after)
        {
            var name = TableState.Quote(table.Schema) + "." + TableState.Quote(table.Table);
            var events = inserts.TryGetValue(name, out var n) ? n : 0;
            if (repeatable.Contains(table.Table)) Assert.True(events == table.Rows || events == 2 * table.Rows, $"{name}: {events} row events for {table.Rows} rows");
            else Assert.True(events == table.Rows, $"{name}: {events} row events for {table.Rows} rows");
            Assert.True(1 == Regex.Matches(decoded, "CREATE TABLE " + Regex.Escape(TableState.Quote(table.Table)) + " \\(").Count, $"{name}: CREATE TABLE logged other than once");
        }
    }
}
