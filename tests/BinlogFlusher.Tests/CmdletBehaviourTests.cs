using System.Management.Automation;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>What a PowerShell user sees: confirmation per table, progress, several hosts, the candidate list.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class CmdletBehaviourTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(HardCases.Statements(servers.IsMariaDb).ToArray());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ConfirmAsksOncePerTableAndATableAnsweredNoIsSkippedAndUntouched()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, HardCases.Shop);
        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -Table parent,child,big -Confirm",
            Variables(servers), answer: prompt => prompt.Contains("bf_shop.child ") ? "No" : "Yes");

        var result = SingleResult(run);
        Assert.Equal(3, run.Prompts.Count);
        Assert.All(run.Prompts, p => Assert.Contains($"on 127.0.0.1:{servers.Replica.Port}", p));
        Assert.Equal(TableFlushStatus.Skipped, result.Tables.Single(t => t.Table == "child").Status);
        Assert.Equal(TableFlushStatus.Flushed, result.Tables.Single(t => t.Table == "parent").Status);
        Assert.Equal(TableFlushStatus.Flushed, result.Tables.Single(t => t.Table == "big").Status);
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, HardCases.Shop));

        var decoded = await Sandbox.BinlogTools.DecodeAsync(servers.Replica, result.BinlogStart!.File, result.BinlogStart.Position, result.BinlogEnd!.File, result.BinlogEnd.Position);
        Assert.False(Sandbox.BinlogTools.CountInserts(decoded).ContainsKey("`bf_shop`.`child`"), "a skipped table must not reach the binlog");
        File.Delete(result.StateFile);
    }

    [Fact]
    public void ProgressHasAParentPerHostAChildPerTableCopiedAloneEachEndingFlushedAndTimeLeftThatMovesWithTheChunks()
    {
        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -ChunkSize 100 -Confirm:$false", Variables(servers));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var parent = run.Progress.Where(p => p.ParentActivityId == -1).ToList();
        Assert.NotEmpty(parent);
        var parentId = Assert.Single(parent.Select(p => p.ActivityId).Distinct());
        Assert.Equal("flushed", Assert.Single(parent, p => p.RecordType == ProgressRecordType.Completed).StatusDescription.Split(": ").Last());
        Assert.Equal(ProgressRecordType.Completed, run.Progress.Last().RecordType);
        // The host's rows and time left move while one table copies, not only when a table ends.
        var whileCopying = parent.Where(p => p.RecordType == ProgressRecordType.Processing && p.StatusDescription.EndsWith(": flushing tables", StringComparison.Ordinal)).ToList();
        Assert.True(whileCopying.Select(p => p.StatusDescription).Distinct().Count() >= 2, "the host's progress did not move during the copy:\n" + string.Join("\n", whileCopying.Select(p => p.StatusDescription)));
        Assert.Contains(whileCopying, p => p.PercentComplete is >= 0 and < 100 && p.SecondsRemaining >= 0);

        // A bar for each table copied alone; small tables copied together are steps of the host's bar.
        var children = run.Progress.Where(p => p.ParentActivityId == parentId).GroupBy(p => p.Activity).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Contains("bf_shop.big", children.Keys);
        Assert.DoesNotContain("bf_shop.one_row", children.Keys);
        Assert.DoesNotContain("bf_shop.empty_table", children.Keys);
        Assert.All(children.Values, records => Assert.StartsWith("flushed: ", Assert.Single(records, p => p.RecordType == ProgressRecordType.Completed).StatusDescription));
        // The copy's bar: rows of the estimate, a percentage and its own time left.
        Assert.Contains(children["bf_shop.big"], p => p.StatusDescription.StartsWith("copying: ", StringComparison.Ordinal) && p.StatusDescription.Contains(" of about ")
                                                     && p.PercentComplete is >= 0 and < 100 && p.SecondsRemaining >= 0);
        Assert.All(run.Progress.Where(p => p.RecordType != ProgressRecordType.Completed), p => Assert.InRange(p.PercentComplete, -1, 100));
        Assert.DoesNotContain(run.Progress, p => p.StatusDescription.Contains("Restored", StringComparison.Ordinal) || p.StatusDescription.Contains("Done", StringComparison.Ordinal));
        File.Delete(result.StateFile);
    }

    [Fact]
    public void SeveralHostsFromThePipelineAFailingHostGetsItsErrorAndTheOthersGoOn()
    {
        var run = PowerShellRunner.Run("'127.0.0.1:1', $replica | Invoke-BinlogFlush -Credential $cred -Database bf_shop -Table one_row -Confirm:$false", Variables(servers));

        var error = Assert.Single(run.Errors);
        Assert.Equal("ConnectionFailed,BinlogFlusher.Commands.InvokeBinlogFlushCommand", error.FullyQualifiedErrorId);
        Assert.Equal("127.0.0.1:1", error.TargetObject);
        var result = (FlushResult)Assert.Single(run.Output).BaseObject;
        Assert.Equal(servers.Replica.Port, result.Port);
        Assert.Equal(FlushStatus.Completed, result.Status);
        File.Delete(result.StateFile);
    }

    [Fact]
    public void TheCandidateListNamesChunkKeysAdjustmentsAndBlockers()
    {
        var run = PowerShellRunner.Run("Get-FlushCandidateTable -HostName $replica -Credential $cred -Database bf_shop", Variables(servers));

        Assert.Empty(run.Errors);
        var tables = run.Output.ToDictionary(o => (string)o.Properties["Table"].Value);
        Assert.Contains("BinlogFlusher.FlushCandidateTable", run.Output[0].TypeNames);
        Assert.DoesNotContain("parent_children", tables.Keys); // views never appear
        string ChunkKey(string t) => (string)tables[t].Properties["ChunkKey"].Value;
        string[] Adjustments(string t) => (string[])tables[t].Properties["Adjustments"].Value;
        Assert.Equal("code, n", ChunkKey("composite"));
        Assert.Equal("a", ChunkKey("unique_only"));
        Assert.Equal("id", ChunkKey("all_values"));
        Assert.StartsWith("none (", ChunkKey("nokey"));
        Assert.Contains("generated columns as plain columns: doubled (STORED), plus_one (VIRTUAL)", Adjustments("generated"));
        Assert.Contains("foreign keys left out: fk_child_parent", Adjustments("child"));
        Assert.Contains("referenced by: bf_shop.child (fk_child_parent)", Adjustments("parent"));
        Assert.Contains("partitioning removed: 3 partitions", Adjustments("ranged"));
        Assert.Contains("partitioning removed: 2 partitions, 4 subpartitions", Adjustments("subpart"));
        Assert.Contains("FULLTEXT index dropped: ft_body", Adjustments("fulltext_docs"));
        Assert.Equal(new[] { "tr_bump" }, (string[])tables["triggered"].Properties["Triggers"].Value);
        Assert.All(tables.Values, t => Assert.Equal("", t.Properties["Blocker"].Value));
        Assert.Equal(3, (int)tables["ranged"].Properties["Partitions"].Value);
        Assert.Equal(new[] { "code", "n" }, (string?[])tables["composite"].Properties["PrimaryKey"].Value);
    }
}

/// <summary>Metadata locks and RESET of the binary logs: the two things a flush can wait on or destroy.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class LockAndResetTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO bf_shop.items VALUES (1, 'a'), (2, 'b')");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ARenameHeldUpByAMetadataLockWaitsBrieflyWarnsAndRetries()
    {
        await using var reader = await ReplicaPairFixture.OpenAsync(servers.Replica);
        await new MySqlConnector.MySqlCommand("START TRANSACTION; SELECT * FROM bf_shop.items;", reader).ExecuteNonQueryAsync();

        // The reader's transaction ends once the flush has said it waits for the lock: then its next attempt succeeds.
        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -Confirm:$false", Variables(servers), whileRunning: (shell, _) =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !shell.Streams.Warning.ToList().Any(w => w.Message.Contains("a metadata lock held the rename"))) Thread.Sleep(20);
            new MySqlConnector.MySqlCommand("COMMIT", reader).ExecuteNonQuery();
        });

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Contains(run.Warnings, w => w.Message.Contains("a metadata lock held the rename") && w.Message.Contains("attempt 2 of 5"));
        File.Delete(result.StateFile);
    }

    [Fact]
    public async Task ResetBinaryLogsAsksAndANoChangesNothing()
    {
        var binlogs = await ReplicaPairFixture.QueryAsync(servers.Replica, "SHOW BINARY LOGS");
        var position = (await servers.BinlogStatusAsync(servers.Replica))[0][1];

        var declined = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -ResetBinaryLogs -Confirm:$false",
            Variables(servers), answer: _ => "No");

        Assert.Empty(declined.Output);
        Assert.Empty(declined.Errors);
        Assert.Contains(declined.Prompts, p => p.Contains("deletes every binary log"));
        Assert.Equal(binlogs.Count, (await ReplicaPairFixture.QueryAsync(servers.Replica, "SHOW BINARY LOGS")).Count);
        Assert.Equal(position, (await servers.BinlogStatusAsync(servers.Replica))[0][1]);
        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
    }

    [Fact]
    public async Task ResetBinaryLogsWithForceStartsTheSnapshotAtTheFirstBinlog()
    {
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "FLUSH BINARY LOGS");

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -ResetBinaryLogs -Force -Confirm:$false", Variables(servers));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Single(await ReplicaPairFixture.QueryAsync(servers.Replica, "SHOW BINARY LOGS"));
        Assert.EndsWith(".000001", result.BinlogStart!.File);
        Assert.Equal(2, Sandbox.BinlogTools.CountInserts(await Sandbox.BinlogTools.DecodeAsync(servers.Replica, result.BinlogStart.File, result.BinlogStart.Position, result.BinlogEnd!.File, result.BinlogEnd.Position))["`bf_shop`.`items`"]);
        File.Delete(result.StateFile);
    }
}

/// <summary>Pipelines a DBA writes: tables piped from Get-FlushCandidateTable, several hosts with one state file.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class PipelineTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)", "INSERT INTO bf_shop.items VALUES (1), (2)",
            "CREATE TABLE bf_shop.orders (id INT PRIMARY KEY)", "INSERT INTO bf_shop.orders VALUES (7)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TablesPipedFromTheCandidateListAreFlushedOneAfterTheOther()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        var run = PowerShellRunner.Run("Get-FlushCandidateTable -HostName $replica -Credential $cred -Database bf_shop | Invoke-BinlogFlush -Credential $cred -Confirm:$false", Variables(servers));

        Assert.Empty(run.Errors);
        var results = run.Output.Select(o => (FlushResult)o.BaseObject).ToList();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(FlushStatus.Completed, r.Status));
        Assert.Equal(new[] { "items", "orders" }, results.Select(r => r.Tables.Single(t => t.Status == TableFlushStatus.Flushed).Table));
        // One after the other: the second began after the first ended.
        Assert.True(BinlogOrder(results[0].BinlogEnd!, results[1].BinlogStart!) <= 0, $"{results[0].BinlogEnd} is after {results[1].BinlogStart}");
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        foreach (var result in results) File.Delete(result.StateFile);
    }

    [Fact]
    public void OneStateFileForHostsFromThePipelineIsMisuse()
    {
        var state = Path.Combine(Path.GetTempPath(), $"bf-one-{Guid.NewGuid():N}.json");
        var run = PowerShellRunner.Run("try { '127.0.0.1:1', '127.0.0.1:2' | Invoke-BinlogFlush -Credential $cred -StateFile $state -Confirm:$false } catch { $_.FullyQualifiedErrorId }",
            Variables(servers, ("state", state)));

        Assert.Equal("StateFileForManyHosts,BinlogFlusher.Commands.InvokeBinlogFlushCommand", run.Output.Single().BaseObject);
        Assert.Equal("ConnectionFailed,BinlogFlusher.Commands.InvokeBinlogFlushCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.False(File.Exists(state));
    }
}
