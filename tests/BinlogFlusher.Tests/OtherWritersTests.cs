using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Tests.Infrastructure;
using MySqlConnector;

namespace BinlogFlusher.Tests;

/// <summary>
/// Other sessions while a table's name holds its BLACKHOLE twin: ordinary writers are refused by read_only, which the
/// run turns ON and puts back however it ends; a writer that may bypass read_only is caught, and the run says what was lost.
/// </summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class OtherWritersTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    readonly string folder = Directory.CreateTempSubdirectory("bf-writers-").FullName;

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO bf_shop.items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        // An application account: writes, but has no way around read_only.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0",
            "CREATE USER 'bf_test_app'@'%' IDENTIFIED BY 'App-pw-1'", "GRANT SELECT, INSERT, ALTER ON bf_shop.* TO 'bf_test_app'@'%'");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    async Task<long> ReadOnlyAsync() => Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@GLOBAL.read_only"));

    [Fact]
    public async Task AnOrdinaryWriterIsRefusedDuringTheRunAndReadOnlyIsPutBack()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        var release = Path.Combine(folder, "release");
        using var flush = FlushProcess.Start(servers, folder, Path.Combine(folder, "state.json"), stopAt: "Twin", databases: "bf_shop", releaseFile: release);
        await flush.WaitForLineAsync(line => line == "STOPPED AT Twin", TimeSpan.FromSeconds(60));

        Assert.Equal(1, await ReadOnlyAsync());
        var app = servers.Replica with { User = "bf_test_app", Password = "App-pw-1" };
        var insert = await Assert.ThrowsAsync<MySqlException>(() => ReplicaPairFixture.ExecuteAsync(app, "INSERT INTO bf_shop.items VALUES (4, 'd')"));
        Assert.Equal(1290, insert.Number); // ER_OPTION_PREVENTS_STATEMENT: --read-only
        var alter = await Assert.ThrowsAsync<MySqlException>(() => ReplicaPairFixture.ExecuteAsync(app, "ALTER TABLE bf_shop.items ADD COLUMN x INT"));
        Assert.Equal(1290, alter.Number);

        File.WriteAllText(release, "");
        Assert.Equal(0, await flush.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await ReadOnlyAsync());
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
    }

    [Fact]
    public async Task AWriterThatBypassesReadOnlyIsCaughtAndTheRunFails()
    {
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" } }, StateFile = Path.Combine(folder, "state.json") };
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        var flusher = new HostFlusher(plan, new WarningListener())
        {
            PhaseReached = async point =>
            {
                if (point != "Twin") return;
                await AsAdministratorAsync("INSERT INTO bf_shop.items VALUES (4, 'lost')", "ALTER TABLE bf_shop.items ADD COLUMN x INT");
            },
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.Equal(FlushStatus.Failed, result.Status);
        var items = Assert.Single(result.Tables);
        Assert.Equal(TableFlushStatus.Failed, items.Status);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(items.Error!, @"another session wrote to bf_shop\.items while it was a BLACKHOLE twin: its change is not in the table but is in the binlog, where consumers will apply it \(row events at \S+:\d+, statement ALTER TABLE"), items.Error);
        Assert.Contains("another session wrote to bf_shop.items", result.Error);
        Assert.Equal(0, await ReadOnlyAsync());
        Assert.Equal(3L, await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT COUNT(*) FROM bf_shop.items"));
    }

    /// <summary>
    /// The plan of items and a new table orders (3 rows each), one table at a time; without <paramref name="chunkSize"/>
    /// both are small enough to go in one batch.
    /// </summary>
    async Task<HostPlan> PlanItemsAndOrdersAsync(int? chunkSize = null)
    {
        await servers.OnPrimaryAsync("CREATE TABLE bf_shop.orders (id INT PRIMARY KEY, item INT)", "INSERT INTO bf_shop.orders VALUES (1, 1), (2, 2), (3, 3)");
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" } }, ThrottleLimit = 1, StateFile = Path.Combine(folder, "state.json") };
        if (chunkSize is { } rows) options.ChunkSize = rows;
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        return plan;
    }

    /// <summary>
    /// items, then orders, each on its own (chunks of 2 rows: neither is small enough to batch), one at a time;
    /// <paramref name="reached"/> is called at each named point with how many times the run has reached it.
    /// </summary>
    async Task<FlushResult> FlushOneByOneAsync(WarningListener listener, Func<string, int, Task> reached)
    {
        var plan = await PlanItemsAndOrdersAsync(chunkSize: 2);
        Assert.Equal(new[] { "items", "orders" }, plan.Candidates.Select(c => c.Name));
        var counts = new Dictionary<string, int>();
        var flusher = new HostFlusher(plan, listener)
        {
            PhaseReached = at =>
            {
                counts[at] = counts.GetValueOrDefault(at) + 1;
                return reached(at, counts[at]);
            },
        };
        return await flusher.FlushAsync(plan.Candidates, CancellationToken.None);
    }

    /// <summary>
    /// The run of FlushOneByOneAsync; at <paramref name="point"/> of the <paramref name="nth"/> table an administrator's
    /// session writes (AsAdministratorAsync).
    /// </summary>
    async Task<(FlushResult Result, WarningListener Listener)> FlushOneByOneAsync(string point, int nth, params string[] statements)
    {
        var listener = new WarningListener();
        var wrote = false;
        var result = await FlushOneByOneAsync(listener, async (at, count) =>
        {
            if (at != point || count != nth) return;
            wrote = true;
            await AsAdministratorAsync(statements);
        });
        Assert.True(wrote, $"{point} was not reached {nth} time(s): the tables were not flushed one by one");
        return (result, listener);
    }

    /// <summary>Statements of an administrator's session: read_only does not stop it, and its GTID domain of its own leaves replication unharmed.</summary>
    Task AsAdministratorAsync(params string[] statements) =>
        ReplicaPairFixture.ExecuteAsync(servers.Replica, new[] { "SET SESSION gtid_domain_id = 77" }.Concat(statements).ToArray());

    [Fact]
    public async Task AWriteLostIntoATwinIsSaidWhenTheRunFailsForAnotherReason()
    {
        var result = await FlushOneByOneAsync(new WarningListener(), async (at, count) =>
        {
            if (at == "Twin" && count == 2) await AsAdministratorAsync("INSERT INTO bf_shop.orders VALUES (4, 4)");
            if (at == "Chunk1" && count == 2) throw new InvalidOperationException("the test stops the run here");
        });

        Assert.Equal(FlushStatus.Failed, result.Status);
        Assert.Contains("the test stops the run here", result.Error);
        Assert.Matches(@" Besides, another session wrote to bf_shop\.orders while it was a BLACKHOLE twin: its change is not in the table but is in the binlog, where consumers will apply it \(row events at \S+:\d+\)\.$", result.Error);
        var orders = result.Tables.Single(t => t.Table == "orders");
        Assert.Equal(TableFlushStatus.Failed, orders.Status);
        Assert.StartsWith("another session wrote to bf_shop.orders while it was a BLACKHOLE twin", orders.Error);
        Assert.Equal(TableFlushStatus.Flushed, result.Tables.Single(t => t.Table == "items").Status);
        Assert.Equal(3L, await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT COUNT(*) FROM bf_shop.orders"));
        Assert.Equal(0, await ReadOnlyAsync());
    }

    [Fact]
    public async Task AWriteToATableTheFailedRunPutBackIsInTheTable()
    {
        // The failure's put-back closes the table's time aside: a write right after it goes into the table in place.
        var listener = new WarningListener
        {
            OnTableProgress = progress =>
            {
                if (progress.Table == "orders" && progress.Stage == TableProgress.PutBack)
                    AsAdministratorAsync("UPDATE bf_shop.orders SET item = 30 WHERE id = 3").GetAwaiter().GetResult();
            },
        };
        var result = await FlushOneByOneAsync(listener, (at, count) =>
            at == "Chunk1" && count == 2 ? throw new InvalidOperationException("the test stops the run here") : Task.CompletedTask);

        Assert.Equal(FlushStatus.Failed, result.Status);
        Assert.Contains("the test stops the run here", result.Error);
        Assert.DoesNotContain("BLACKHOLE twin", result.Error);
        Assert.Equal(TableFlushStatus.PutBack, result.Tables.Single(t => t.Table == "orders").Status);
        Assert.Equal(30, await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT item FROM bf_shop.orders WHERE id = 3"));
        Assert.Contains(listener.Warnings, w => w.Contains("1 event(s) of other sessions are inside the snapshot's binlog range") && w.Contains("they went to tables in place"));
    }

    [Fact]
    public async Task AWriteToATableAlreadyPutBackIsInTheTableAndTheRunCompletes()
    {
        // While orders is aside, items is back in place: the UPDATE goes into the table, and nothing is lost.
        var (result, listener) = await FlushOneByOneAsync("Renamed", 2, "UPDATE bf_shop.items SET name = 'new' WHERE id = 2");

        Assert.True(result.Status == FlushStatus.Completed, result.Error);
        Assert.All(result.Tables, t => Assert.Equal(TableFlushStatus.Flushed, t.Status));
        Assert.Equal("new", await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT name FROM bf_shop.items WHERE id = 2"));
        Assert.Contains(listener.Warnings, w => w.Contains("1 event(s) of other sessions are inside the snapshot's binlog range") && w.Contains("they went to tables in place"));
    }

    [Fact]
    public async Task AWriteToATableNotYetTakenAsideIsInTheTableAndTheRunCompletes()
    {
        // While items is copied, orders is still in place: the UPDATE goes into the table, and into orders' snapshot after it.
        var (result, listener) = await FlushOneByOneAsync("Chunk1", 1, "UPDATE bf_shop.orders SET item = 30 WHERE id = 3");

        Assert.True(result.Status == FlushStatus.Completed, result.Error);
        Assert.All(result.Tables, t => Assert.Equal(TableFlushStatus.Flushed, t.Status));
        Assert.Equal(30, await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT item FROM bf_shop.orders WHERE id = 3"));
        Assert.Contains(listener.Warnings, w => w.Contains("1 event(s) of other sessions are inside the snapshot's binlog range") && w.Contains("they went to tables in place"));
    }

    [Fact]
    public async Task OnlyTheTableWrittenWhileAsideFails()
    {
        // At orders' twin: an UPDATE of items (back in place) and an INSERT into orders' twin (lost).
        var (result, _) = await FlushOneByOneAsync("Twin", 2, "UPDATE bf_shop.items SET name = 'new' WHERE id = 2", "INSERT INTO bf_shop.orders VALUES (4, 4)");

        Assert.Equal(FlushStatus.Failed, result.Status);
        Assert.Equal(TableFlushStatus.Flushed, result.Tables.Single(t => t.Table == "items").Status);
        var orders = result.Tables.Single(t => t.Table == "orders");
        Assert.Equal(TableFlushStatus.Failed, orders.Status);
        Assert.Matches(@"^another session wrote to bf_shop\.orders while it was a BLACKHOLE twin: its change is not in the table but is in the binlog, where consumers will apply it \(row events at \S+:\d+\)\.$", orders.Error);
        Assert.DoesNotContain("bf_shop.items while", result.Error);
        Assert.Contains("1 more event(s) of other sessions are in the range; they went to tables in place.", result.Error);
        Assert.Equal("new", await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT name FROM bf_shop.items WHERE id = 2"));
        Assert.Equal(3L, await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT COUNT(*) FROM bf_shop.orders"));
    }

    [Fact]
    public async Task AWriteIntoATwinOfABatchFailsThatTableAlone()
    {
        // Both tables are small: one batch, one rename aside and one back for both.
        var plan = await PlanItemsAndOrdersAsync();
        var renames = 0;
        var flusher = new HostFlusher(plan, new WarningListener())
        {
            PhaseReached = async point =>
            {
                if (point == "Renamed") renames++;
                if (point != "Twin") return;
                await AsAdministratorAsync("INSERT INTO bf_shop.orders VALUES (4, 4)");
            },
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.Equal(1, renames);
        Assert.Equal(FlushStatus.Failed, result.Status);
        Assert.Equal(TableFlushStatus.Flushed, result.Tables.Single(t => t.Table == "items").Status);
        var orders = result.Tables.Single(t => t.Table == "orders");
        Assert.Equal(TableFlushStatus.Failed, orders.Status);
        Assert.StartsWith("another session wrote to bf_shop.orders while it was a BLACKHOLE twin", orders.Error);
        Assert.Equal(3L, await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT COUNT(*) FROM bf_shop.orders"));
    }

    [Fact]
    public async Task AWriteIntoATwinOfAFailedBatchWhileAnotherTableIsAlreadyBackIsSaidLost()
    {
        // Both tables small: one batch, one time aside for both; the run fails at their twins, and its put-back takes
        // them back one by one. Right after items is back, a write goes into orders' twin: orders is still aside.
        var plan = await PlanItemsAndOrdersAsync();
        var renames = 0;
        var listener = new WarningListener
        {
            OnTableProgress = progress =>
            {
                if (progress.Table == "items" && progress.Stage == TableProgress.PutBack)
                    AsAdministratorAsync("INSERT INTO bf_shop.orders VALUES (4, 4)").GetAwaiter().GetResult();
            },
        };
        var flusher = new HostFlusher(plan, listener)
        {
            PhaseReached = point =>
            {
                if (point == "Renamed") renames++;
                return point == "Twin" ? throw new InvalidOperationException("the test stops the run here") : Task.CompletedTask;
            },
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.Equal(1, renames);
        Assert.Equal(FlushStatus.Failed, result.Status);
        Assert.Matches(@" Besides, another session wrote to bf_shop\.orders while it was a BLACKHOLE twin: its change is not in the table but is in the binlog, where consumers will apply it \(row events at \S+:\d+\)\.$", result.Error);
        Assert.Equal(TableFlushStatus.PutBack, result.Tables.Single(t => t.Table == "items").Status);
        Assert.Equal(TableFlushStatus.Failed, result.Tables.Single(t => t.Table == "orders").Status);
        Assert.Equal(3L, await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT COUNT(*) FROM bf_shop.orders"));
        Assert.Equal(0, await ReadOnlyAsync());
    }

    [Fact]
    public async Task AKilledRunsReadOnlyIsPutBackByRestoreWithOrWithoutTheStateFile()
    {
        foreach (var discover in new[] { false, true })
        {
            var state = Path.Combine(folder, $"killed-{discover}.json");
            await FlushProcess.KillAtAsync(servers, folder, state, "Twin", databases: "bf_shop");
            Assert.Equal(1, await ReadOnlyAsync());

            var run = PowerShellRunner.Run(discover
                    ? "Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover -Confirm:$false -Verbose"
                    : "Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false -Verbose",
                FlushAssertions.Variables(servers, ("state", state)));

            Assert.Empty(run.Errors);
            Assert.Contains(run.Verbose, v => v.Message.EndsWith("read_only is OFF again, as it was before the flush.", StringComparison.Ordinal));
            Assert.Equal(0, await ReadOnlyAsync());
            Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        }
    }

    [Fact]
    public async Task ASessionHoldingWriteLocksStopsTheRunBeforeAnyRenameWithAClearMessage()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        await using var holder = await ReplicaPairFixture.OpenAsync(servers.Replica);
        await new MySqlCommand("SET SESSION sql_log_bin = 0; LOCK TABLES bf_shop.items WRITE", holder).ExecuteNonQueryAsync();

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -StateFile $state -Confirm:$false",
            FlushAssertions.Variables(servers, ("state", Path.Combine(folder, "locked.json"))));
        await new MySqlCommand("UNLOCK TABLES", holder).ExecuteNonQueryAsync();

        var error = Assert.Single(run.Errors);
        Assert.Equal("ServerError,BinlogFlusher.Commands.InvokeBinlogFlushCommand", error.FullyQualifiedErrorId);
        Assert.Contains("read_only could not be turned ON within lock_wait_timeout: another session holds LOCK TABLES or an open transaction that wrote", error.ErrorDetails.Message);
        Assert.Equal(0, await ReadOnlyAsync());
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public async Task ConnectedAccountsThatReadOnlyDoesNotStopAreNamedInThePlan()
    {
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0",
            "CREATE USER 'bf_test_dba'@'%' IDENTIFIED BY 'Dba-pw-1'", $"GRANT {(servers.IsMariaDb ? "READ ONLY ADMIN" : "SUPER")}, SELECT ON *.* TO 'bf_test_dba'@'%'");
        await using var dba = await ReplicaPairFixture.OpenAsync(servers.Replica with { User = "bf_test_dba", Password = "Dba-pw-1" });
        await using var app = await ReplicaPairFixture.OpenAsync(servers.Replica with { User = "bf_test_app", Password = "App-pw-1" });

        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" } } }, null, CancellationToken.None);

        var check = Assert.Single(plan.Checks, c => c.Name == "OtherWriters");
        Assert.Equal(CheckStatus.Warn, check.Status);
        Assert.Contains("bf_test_dba (1 session(s))", check.Message);
        Assert.DoesNotContain("bf_test_app", check.Message);
        Assert.True(plan.Ready);
    }

}
