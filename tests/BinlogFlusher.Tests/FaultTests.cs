using System.Runtime.CompilerServices;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>Our own failures and bad state files: tables are always put back, and nothing changes on bad input.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class FaultTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    readonly string folder = Directory.CreateTempSubdirectory("bf-faults-").FullName;

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO bf_shop.items VALUES (1, 'a'), (2, 'b'), (3, 'c')", "CREATE TABLE bf_shop.notes (id INT PRIMARY KEY)", "INSERT INTO bf_shop.notes VALUES (1)");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnUnexpectedExceptionAfterTheFirstRenameStillPutsEveryTableBack()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" } }, StateFile = Path.Combine(folder, "bug.json") };
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        var flusher = new HostFlusher(plan, new WarningListener())
        {
            PhaseReached = point => point == "Renamed" ? throw new NotSupportedException("a bug of ours") : Task.CompletedTask,
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.Equal(FlushStatus.Failed, result.Status);
        Assert.Equal(FlushErrorKind.Unexpected, result.ErrorKind);
        Assert.StartsWith("unexpected error (NotSupportedException): a bug of ours. Every table was put back", result.Error);
        Assert.Empty(result.LeftAside);
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        Assert.Equal(0L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@GLOBAL.read_only")));
    }

    [Fact]
    public async Task AStateFileInAFolderThatDoesNotExistIsABadUsageAndChangesNothing()
    {
        var binlog = (await servers.BinlogStatusAsync(servers.Replica))[0][1];
        var missing = Path.Combine(folder, "no", "such", "dir");
        File.WriteAllText(Path.Combine(folder, "my.cnf"), $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");

        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", Path.Combine(folder, "my.cnf"),
            "--db", "bf_shop", "--state-file", Path.Combine(missing, "s.json"));

        Assert.Equal(2, exit);
        Assert.Contains($"The state file's folder '{missing}' does not exist", cli.Text);
        Assert.False(Directory.Exists(Path.Combine(folder, "no")));
        Assert.Equal(binlog, (await servers.BinlogStatusAsync(servers.Replica))[0][1]);
        Assert.Equal("Running", await ReplicationStateAsync());
    }

    [Fact]
    public async Task AStateFileThatCannotBeWrittenIsRefusedWithNothingChangedAndNoTempFileLeft()
    {
        var binlog = (await servers.BinlogStatusAsync(servers.Replica))[0][1];
        var inTheWay = Directory.CreateDirectory(Path.Combine(folder, "state.json")).FullName; // a folder where the file should go

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -StateFile $state -Confirm:$false",
            Variables(servers, ("state", inTheWay)));

        var error = Assert.Single(run.Errors);
        Assert.Equal("StateFileInvalid,BinlogFlusher.Commands.InvokeBinlogFlushCommand", error.FullyQualifiedErrorId);
        Assert.Contains($"Cannot write the state file '{inTheWay}'", error.ErrorDetails.Message);
        Assert.EndsWith("Nothing was changed.", error.ErrorDetails.Message);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp-*"));
        Assert.Equal(binlog, (await servers.BinlogStatusAsync(servers.Replica))[0][1]);
        Assert.Equal("Running", await ReplicationStateAsync());
    }

    [Fact]
    public async Task AStateFileDiskThatFillsMidRunStopsItPutsEveryTableBackAndStillWritesTheFinalStatus()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        await using var disk = await Tmpfs.MountAsync("1m");
        var state = Path.Combine(disk.Path, "state.json");
        var release = Path.Combine(folder, "release");
        File.WriteAllText(Path.Combine(folder, "my.cnf"), $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");
        using var cli = CliProcess.Start(new Dictionary<string, string> { ["BINLOGFLUSHER_TEST_STOP_AT"] = "Twin", ["BINLOGFLUSHER_TEST_RELEASE"] = release },
            "flush", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", Path.Combine(folder, "my.cnf"), "--db", "bf_shop", "--state-file", state);
        await cli.WaitForLineAsync(l => l == "STOPPED AT Twin", TimeSpan.FromSeconds(60));

        await disk.FillAsync();
        File.WriteAllText(release, "");
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(exit == 1, cli.Text);
        // The summary is printed, with the replication state; the error once, with the host's state and what to do.
        Assert.Contains(cli.Lines, l => l == "Status:        Failed");
        Assert.Contains(cli.Lines, l => l.StartsWith("Replication:   Running -> ", StringComparison.Ordinal));
        var error = Assert.Single(cli.ErrorLines, l => l.Contains($"the state file '{state}' could not be written"));
        Assert.Contains("Every table was put back", error);
        Assert.EndsWith("fix the cause, then flush again.", error);
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        // The last write went in place, into the room every write keeps: the state file's status is final.
        Assert.Equal("Failed", FlushJournal.Load(state).Status);
        Assert.Empty(Directory.GetFiles(disk.Path, "*.tmp-*"));
    }

    /// <summary>A test hook that counts <paramref name="point"/> in <paramref name="reached"/> and, the <paramref name="nth"/> time, has the server drop the connection copying <paramref name="table"/>.</summary>
    Func<string, Task> DropCopyConnectionAt(string point, int nth, string table, StrongBox<int> reached) => async at =>
    {
        if (at != point || ++reached.Value != nth) return;
        var worker = await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT connection_id FROM _binlogflusher.journal WHERE table_name = '{table}'");
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, $"KILL CONNECTION {worker}");
    };

    [Fact]
    public async Task AConnectionLostDuringAChunkBoundaryQueryIsReconnectedAndTheCopyGoesOn()
    {
        // A string key: every chunk's upper key comes from a boundary query on the backup.
        await servers.OnPrimaryAsync("CREATE TABLE bf_shop.named (code VARCHAR(12) PRIMARY KEY, note VARCHAR(20))",
            "INSERT INTO bf_shop.named SELECT CONCAT('k', LPAD(seq, 6, '0')), 'n' FROM bf_shop.seq_1_to_5000");
        var before = await TableState.ReadAsync(servers.Replica, "bf_shop", "named");
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" }, Tables = new[] { "named" } }, ChunkSize = 1000, StateFile = Path.Combine(folder, "boundary.json") };
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        var boundaries = new StrongBox<int>();
        var listener = new WarningListener();
        // Before the third boundary query the server drops the copy's connection.
        var flusher = new HostFlusher(plan, listener) { PhaseReached = DropCopyConnectionAt("Boundary", 3, "named", boundaries) };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.True(result.Status == FlushStatus.Completed, result.Error);
        Assert.True(boundaries.Value > 3, "the boundary queries went on after the reconnect");
        Assert.Contains(listener.Warnings, w => w.Contains("the connection was lost during the copy of bf_shop.named"));
        Assert.Equal(5000, Assert.Single(result.Tables).Rows);
        Assert.Equal(before, await TableState.ReadAsync(servers.Replica, "bf_shop", "named"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public async Task AConnectionLostDuringTheFirstDensityProbeIsReconnectedAndTheProbeRunsAgain()
    {
        // An unsigned key from 0: a chunk sized without its probe would end below the smallest key, which an unsigned
        // key cannot hold.
        await servers.OnPrimaryAsync("CREATE TABLE bf_shop.counted (id BIGINT UNSIGNED PRIMARY KEY, note VARCHAR(20))",
            "INSERT INTO bf_shop.counted SELECT (seq - 1) * 3, 'n' FROM bf_shop.seq_1_to_5000");
        var before = await TableState.ReadAsync(servers.Replica, "bf_shop", "counted");
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" }, Tables = new[] { "counted" } }, ChunkSize = 1000, StateFile = Path.Combine(folder, "probe.json") };
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        var probes = new StrongBox<int>();
        var listener = new WarningListener();
        // Before the first probe the server drops the copy's connection.
        var flusher = new HostFlusher(plan, listener) { PhaseReached = DropCopyConnectionAt("Probe", 1, "counted", probes) };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.True(result.Status == FlushStatus.Completed, result.Error);
        Assert.True(probes.Value >= 2, "the probe ran again after the reconnect");
        Assert.Contains(listener.Warnings, w => w.Contains("the connection was lost during the copy of bf_shop.counted"));
        var table = Assert.Single(result.Tables);
        Assert.Equal(5000, table.Rows);
        // No empty chunk below the smallest key: 5,000 keys 3 apart in chunks of 750 to 900 rows.
        Assert.InRange(table.Chunks, 6, 7);
        Assert.Equal(before, await TableState.ReadAsync(servers.Replica, "bf_shop", "counted"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public void ResumingARunThatCompletedSaysThereIsNothingToResume()
    {
        var state = Path.Combine(folder, "done.json");
        var first = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -StateFile $state -Confirm:$false", Variables(servers, ("state", state)));
        Assert.Equal(FlushStatus.Completed, first.Single<FlushResult>().Status);

        var again = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -Resume -StateFile $state -Confirm:$false", Variables(servers, ("state", state)));

        Assert.Empty(again.Errors);
        Assert.Empty(again.Output);
        Assert.Contains(again.Warnings, w => w.Message == $"127.0.0.1:{servers.Replica.Port}: the run in {state} is complete, every table was flushed: there is nothing to resume.");
    }

    [Fact]
    public async Task ARestoreFromAStateFileThatIsNotThereUsesTheServersRecordAndSaysSo()
    {
        var missing = Path.Combine(folder, "never-written.json");
        File.WriteAllText(Path.Combine(folder, "my.cnf"), $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");

        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", Variables(servers, ("state", missing)));
        var (exit, cli) = await CliProcess.RunAsync("recover", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", Path.Combine(folder, "my.cnf"), "--hashfile", missing);

        Assert.Empty(run.Errors);
        Assert.Contains(run.Warnings, w => w.Message.Contains($"The state file '{missing}' does not exist (a run killed before it wrote it changed nothing, or the path is wrong): restoring from the server's own record", StringComparison.Ordinal));
        Assert.Equal(0, exit);
        Assert.Contains("does not exist (a run killed before it wrote it changed nothing", cli.Text);
        Assert.Contains(": nothing to restore; every table is in place.", cli.Text);
    }

    [Fact]
    public async Task ANameThatMatchesNothingIsRefusedAndAWildcardThatMatchesNothingIsAWarning()
    {
        var binlog = (await servers.BinlogStatusAsync(servers.Replica))[0][1];
        File.WriteAllText(Path.Combine(folder, "my.cnf"), $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");

        var database = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop, nosuchdb -Confirm:$false", Variables(servers));
        var table = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -Table items, nosuchtable -Confirm:$false", Variables(servers));
        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", Path.Combine(folder, "my.cnf"), "--db", "bf_shop,nosuchdb");

        Assert.Contains("-Database 'nosuchdb' match(es) no table on this server", Assert.Single(database.Errors).ErrorDetails.Message);
        Assert.Equal("PreflightRefused,BinlogFlusher.Commands.InvokeBinlogFlushCommand", database.Errors[0].FullyQualifiedErrorId);
        Assert.Contains("-Table 'nosuchtable' match(es) no table on this server", Assert.Single(table.Errors).ErrorDetails.Message);
        // A mistyped exclusion would flush the very table it meant to leave out.
        var exclusion = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -ExcludeTable notes_typo -Confirm:$false", Variables(servers));
        Assert.Contains("-ExcludeTable 'notes_typo' match(es) no table on this server", Assert.Single(exclusion.Errors).ErrorDetails.Message);
        Assert.Equal(3, exit);
        Assert.True(System.Text.RegularExpressions.Regex.Replace(cli.Text, @"\s+", " ").Contains("--db 'nosuchdb' match(es) no table on this server: check the name", StringComparison.Ordinal), cli.Text);
        Assert.Equal(binlog, (await servers.BinlogStatusAsync(servers.Replica))[0][1]);

        var wildcard = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop, 'zz*' -Confirm:$false", Variables(servers));
        Assert.Empty(wildcard.Errors);
        Assert.Equal(FlushStatus.Completed, wildcard.Single<FlushResult>().Status);
        Assert.Contains(wildcard.Warnings, w => w.Message.Contains("-Database 'zz*' match(es) no table on this server.", StringComparison.Ordinal));
    }

    async Task<string> ReplicationStateAsync()
    {
        await using var connection = await ReplicaPairFixture.OpenAsync(servers.Replica);
        await using var reader = await new MySqlConnector.MySqlCommand(servers.Dialect.ReplicaStatus, connection).ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetString(reader.GetOrdinal(servers.Dialect.SqlRunningColumn)) == "Yes" ? "Running" : "Stopped";
    }

}
