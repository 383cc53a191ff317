using BinlogFlusher.Engine.Restoring;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>Restore-BinlogFlushState on bad input, the old tool's rollback file, conflicts, and -WhatIf/-Confirm.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class RestoreTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    string folder = "";
    List<TableState> before = new();

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO bf_shop.items VALUES (1, 'a'), (2, 'b')", "CREATE TABLE bf_shop.orders (id INT PRIMARY KEY, item INT)", "INSERT INTO bf_shop.orders VALUES (7, 1)");
        before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        folder = Directory.CreateTempSubdirectory("bf-restore-").FullName;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A real interrupted flush: the CLI killed with its first table turned into a twin, leaving its state file.</summary>
    async Task<string> InterruptedFlushAsync()
    {
        var state = Path.Combine(folder, "state.json");
        await FlushProcess.KillAtAsync(servers, folder, state, "Twin", databases: "bf_shop", threads: 1);
        return state;
    }

    async Task<(List<TableState> Tables, List<string> Leftovers, object? Position)> ReplicaStateAsync() =>
        (await TableState.ReadAllAsync(servers.Replica, "bf_shop"), await TableState.LeftoversAsync(servers.Replica),
         (await servers.BinlogStatusAsync(servers.Replica))[0][1]);

    [Fact]
    public async Task AStateFileOfAnotherHostIsRefusedAndNothingChanges()
    {
        var state = await InterruptedFlushAsync();
        var replicaBefore = await ReplicaStateAsync();
        var primaryBinlog = (await servers.BinlogStatusAsync(servers.Primary))[0][1];

        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $primary -Credential $cred -StateFile $state -Confirm:$false",
            Variables(servers, ("primary", $"127.0.0.1:{servers.Primary.Port}"), ("state", state)));

        var error = Assert.Single(run.Errors);
        Assert.Equal("StateFileHostMismatch,BinlogFlusher.Commands.RestoreBinlogFlushStateCommand", error.FullyQualifiedErrorId);
        Assert.Contains($"belongs to 127.0.0.1:{servers.Replica.Port}", error.ToString());
        Assert.Empty(run.Output);
        var replicaAfter = await ReplicaStateAsync();
        Assert.Equal(replicaBefore.Leftovers, replicaAfter.Leftovers);
        Assert.Equal(primaryBinlog, (await servers.BinlogStatusAsync(servers.Primary))[0][1]);

        // The right host then restores it.
        var fixedRun = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -HashFile $state -Confirm:$false", Variables(servers, ("state", state)));
        Assert.Empty(fixedRun.Errors);
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
    }

    /// <summary>What the file was expected to be and what it is, in the cmdlets' words; never its content or the JSON parser's internals.</summary>
    [Theory]
    [InlineData("{ this is not json", "is neither a state file written by a flush nor the old tool's rollback file (_BKTB_<n>,<table> lines): it is not JSON")]
    [InlineData("{\"tool\": \"SomethingElse\", \"host\": \"x\", \"port\": 1}", "it is JSON, but not a flush's journal (it lacks tool 'BinlogFlusher', a host or a port). Give the state file the flush reported (binlogflush-<host>-<port>-<time>.json), or use -Discover.")]
    [InlineData("", "is neither a state file written by a flush nor the old tool's rollback file (_BKTB_<n>,<table> lines): it is empty.")]
    [InlineData("{\"format\": 1, \"tool\": \"BinlogFlusher\", \"host\": \"127.0.0.1\", \"port\": 33", "it ends before its JSON does (cut off?)")]
    [InlineData("[client]\nuser=flusher\npassword=\"This-Is-Not-Shown\"\n", "it looks like a MySQL option file (a my.cnf of [section] lines)")]
    [InlineData("_BKTB_1,items\n_BKTB_2 orders\n", "The rollback file '{0}' has a line the old tool does not write: line 2 has no comma between the backup table and the table (each line is _BKTB_<n>,<table>). Nothing was changed. Correct that line, or use -Discover.")]
    public async Task AMalformedStateFileIsRefused(string content, string message)
    {
        var state = Path.Combine(folder, "bad.json");
        File.WriteAllText(state, content);
        var beforeState = await ReplicaStateAsync();

        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", Variables(servers, ("state", state)));

        var error = Assert.Single(run.Errors);
        Assert.Equal("StateFileInvalid,BinlogFlusher.Commands.RestoreBinlogFlushStateCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, state), error.ToString());
        foreach (var hidden in new[] { "This-Is-Not-Shown", "orders", "this is not json", "Path: $", "LineNumber", "BytePosition", "BinlogFlusher.Engine" })
            Assert.DoesNotContain(hidden, error.ToString());
        Assert.Equal(beforeState.Position, (await ReplicaStateAsync()).Position);
    }

    [Fact]
    public async Task AStateFileNamingTablesThatDoNotExistIsRefusedAndNothingChanges()
    {
        var state = await InterruptedFlushAsync();
        var journal = File.ReadAllText(state).Replace("\"table\": \"items\"", "\"table\": \"no_such_table\"").Replace("\"table\": \"orders\"", "\"table\": \"nor_this\"");
        var edited = Path.Combine(folder, "edited.json");
        File.WriteAllText(edited, journal.Replace("_bfbk_", "_bfbk_gone"));
        var beforeState = await ReplicaStateAsync();

        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", Variables(servers, ("state", edited)));

        var error = Assert.Single(run.Errors);
        Assert.Equal("StateFileInvalid,BinlogFlusher.Commands.RestoreBinlogFlushStateCommand", error.FullyQualifiedErrorId);
        Assert.Contains("do not exist", error.ToString());
        var afterState = await ReplicaStateAsync();
        Assert.Equal(beforeState.Leftovers, afterState.Leftovers);
        Assert.Equal(beforeState.Position, afterState.Position);
    }

    [Fact]
    public async Task TheOldToolsRollbackFileIsRestored()
    {
        // What the old tool left: the table renamed to _BKTB_1 and a BLACKHOLE twin under the original name.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "RENAME TABLE bf_shop.items TO bf_shop._BKTB_1",
            "CREATE TABLE bf_shop.items (id INT, name VARCHAR(20)) ENGINE=BLACKHOLE", "RENAME TABLE bf_shop.orders TO bf_shop._BKTB_2");
        var rollback = Path.Combine(folder, "rollback.txt");
        File.WriteAllText(rollback, "_BKTB_1,items\n_BKTB_2,orders\n");

        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -HashFile $file -Confirm:$false", Variables(servers, ("file", rollback)));

        Assert.Empty(run.Errors);
        var outcomes = run.Output.Select(o => (RestoreOutcome)o.BaseObject).ToList();
        Assert.Equal(new[] { "items", "orders" }, outcomes.Select(o => o.Table));
        Assert.All(outcomes, o => Assert.Equal(RestoreAction.PutBack, o.Action));
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public async Task TheOldToolsBackupsAreFoundInLowerCaseAsLowerCaseTableNamesStoresThem()
    {
        // lower_case_table_names=1 stores the old tool's _BKTB_1 as _bktb_1; its rollback file still says _BKTB_1.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "RENAME TABLE bf_shop.items TO bf_shop._bktb_1",
            "CREATE TABLE bf_shop.items (id INT, name VARCHAR(20)) ENGINE=BLACKHOLE");
        var rollback = Path.Combine(folder, "rollback.txt");
        File.WriteAllText(rollback, "_BKTB_1,items\n");

        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -HashFile $file -Confirm:$false", Variables(servers, ("file", rollback)));

        Assert.Empty(run.Errors);
        Assert.Equal(RestoreAction.PutBack, Assert.Single(run.Output.Select(o => (RestoreOutcome)o.BaseObject)).Action);
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public async Task ATwinThatLandsAfterThePlanIsDroppedAndTheBackupStillRenamedBack()
    {
        // The server finishes a killed flush's last batch (DROP TABLE t; CREATE TABLE t ... ENGINE=BLACKHOLE) on its
        // own time, after the client is gone: here the twin lands between the restore's plan and its rename back.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "RENAME TABLE bf_shop.items TO bf_shop._BKTB_1");
        var rollback = Path.Combine(folder, "rollback.txt");
        File.WriteAllText(rollback, "_BKTB_1,items\n");
        var settings = new Engine.Connection.ConnectionSettings(servers.Replica.Host, servers.Replica.Port, servers.Replica.User, servers.Replica.Password);
        await using var restore = await HostRestore.OpenAsync(settings, null, CancellationToken.None);
        var step = Assert.Single((await restore.PlanAsync(new RestoreRequest { StateFile = rollback }, CancellationToken.None)).Steps);
        Assert.Equal("rename bf_shop._BKTB_1 back to items", step.Description);

        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "CREATE TABLE bf_shop.items (id INT, name VARCHAR(20)) ENGINE=BLACKHOLE");
        await restore.ApplyAsync(step);

        Assert.Equal(RestoreAction.PutBack, step.Verdict);
        Assert.StartsWith("Dropped the BLACKHOLE twin items", step.Message);
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public async Task ARealTableBesideItsBackupIsAConflictAndIsNotTouched()
    {
        var state = await InterruptedFlushAsync();
        // Someone put a table with rows back under the original name by hand.
        var journal = Engine.State.FlushJournal.Load(state);
        var renamed = journal.Tables.First(t => t.Phase >= Engine.State.TablePhase.Twin);
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", $"DROP TABLE bf_shop.{renamed.Table}",
            $"CREATE TABLE bf_shop.{renamed.Table} (id INT PRIMARY KEY)", $"INSERT INTO bf_shop.{renamed.Table} VALUES (12345)");

        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", Variables(servers, ("state", state)));

        var conflict = run.Output.Select(o => (RestoreOutcome)o.BaseObject).Single(o => o.Table == renamed.Table);
        Assert.Equal(RestoreAction.Conflict, conflict.Action);
        Assert.Contains(renamed.BackupTable, conflict.Message);
        Assert.Equal("RestoreConflict,BinlogFlusher.Commands.RestoreBinlogFlushStateCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(12345, await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT id FROM bf_shop.{renamed.Table}"));
        Assert.Contains(await TableState.LeftoversAsync(servers.Replica), t => t.Contains(renamed.BackupTable));
    }

    [Fact]
    public async Task AConflictUnderErrorActionStopEndsTheRestoreAndReleasesTheServer()
    {
        var state = await InterruptedFlushAsync();
        var journal = Engine.State.FlushJournal.Load(state);
        var renamed = journal.Tables.First(t => t.Phase >= Engine.State.TablePhase.Twin);
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", $"DROP TABLE bf_shop.{renamed.Table}",
            $"CREATE TABLE bf_shop.{renamed.Table} (id INT PRIMARY KEY)", $"INSERT INTO bf_shop.{renamed.Table} VALUES (12345)");

        // The conflict's error turns terminating: the restore ends, answering no to anything it would still change.
        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false -ErrorAction Stop", Variables(servers, ("state", state)));

        Assert.NotNull(run.Terminating);
        Assert.Contains("RestoreConflict", run.Terminating!.ToString() + (run.Terminating as System.Management.Automation.RuntimeException)?.ErrorRecord?.FullyQualifiedErrorId);
        // The server's run lock is free again: another restore can run.
        var again = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", Variables(servers, ("state", state)));
        Assert.Contains(again.Output.Select(o => (RestoreOutcome)o.BaseObject), o => o.Action == RestoreAction.Conflict);
    }

    [Fact]
    public async Task WhatIfChangesNothingAndConfirmAsksBeforeEachTable()
    {
        var state = await InterruptedFlushAsync();
        var beforeState = await ReplicaStateAsync();

        var whatIf = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -WhatIf", Variables(servers, ("state", state)));
        Assert.Empty(whatIf.Errors);
        Assert.Contains(whatIf.HostText, l => l.Contains("rename bf_shop._bfbk_"));
        Assert.All(whatIf.Output.Select(o => (RestoreOutcome)o.BaseObject).Where(o => o.BackupTable.Length > 0 && beforeState.Leftovers.Any(l => l.Contains(o.BackupTable))),
            o => Assert.Equal(RestoreAction.Skipped, o.Action));
        Assert.Equal(beforeState.Leftovers, (await ReplicaStateAsync()).Leftovers);

        var confirm = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm", Variables(servers, ("state", state)), answer: _ => "Yes");
        Assert.Empty(confirm.Errors);
        Assert.Equal(beforeState.Leftovers.Count(l => l.Contains("_bfbk_")), confirm.Prompts.Count(p => p.Contains("rename")));
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }
}
