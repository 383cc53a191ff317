using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using MySqlConnector;

namespace BinlogFlusher.Tests;

/// <summary>
/// Another session holds a metadata lock on one small table (an open transaction that read it FOR UPDATE): that table
/// fails alone, in place and unchanged, the message names it and the session holding the lock, and the rest of its
/// batch is flushed.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class MetadataLockTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    readonly string folder = Directory.CreateTempSubdirectory("bf-mdl-").FullName;
    static readonly string[] Tables = Enumerable.Range(1, 8).Select(i => "t" + i).ToArray();

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(new[] { "CREATE DATABASE bf_shop" }
            .Concat(Tables.Select(t => $"CREATE TABLE bf_shop.{t} (id INT PRIMARY KEY, name VARCHAR(20))"))
            .Concat(Tables.Select(t => $"INSERT INTO bf_shop.{t} VALUES (1, 'a'), (2, 'b'), (3, 'c')")).ToArray());
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        if (servers.IsMariaDb && await PluginActiveAsync()) await ReplicaPairFixture.ExecuteAsync(servers.Replica, "UNINSTALL SONAME 'metadata_lock_info'");
    }

    async Task<bool> PluginActiveAsync() =>
        await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO'") is long n && n > 0;

    [Fact]
    public async Task TheLockedTableFailsAloneNamingTheSessionThatHoldsTheLock()
    {
        // MySQL names the holder from performance_schema; MariaDB from the metadata_lock_info plugin.
        if (servers.IsMariaDb) await ReplicaPairFixture.ExecuteAsync(servers.Replica, "INSTALL SONAME 'metadata_lock_info'");
        await AssertLockedTableFailsAloneAsync(expectExactHolder: true);
    }

    [Fact]
    public async Task WithoutALockTableTheOpenTransactionsAreNamed()
    {
        // MySQL always has performance_schema.metadata_locks, so it names the holder exactly there.
        await AssertLockedTableFailsAloneAsync(expectExactHolder: !servers.IsMariaDb);
    }

    async Task AssertLockedTableFailsAloneAsync(bool expectExactHolder)
    {
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        await using var blocker = await ReplicaPairFixture.OpenAsync(servers.Replica);
        await new MySqlCommand("BEGIN; SELECT * FROM bf_shop.t5 FOR UPDATE", blocker).ExecuteNonQueryAsync();
        var blockerId = blocker.ServerThread;

        var options = new FlushOptions
        {
            Selection = new FlushSelection { Databases = new[] { "bf_shop" } },
            StateFile = Path.Combine(folder, "mdl.json"),
            LockWaitTimeoutSeconds = 1,
            RenameAttempts = 2,
        };
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        var warnings = new WarningListener();
        var result = await new HostFlusher(plan, warnings).FlushAsync(plan.Candidates, CancellationToken.None);

        Assert.Equal(FlushStatus.Failed, result.Status);
        Assert.Equal(FlushErrorKind.TableFailed, result.ErrorKind);
        var locked = result.Tables.Single(t => t.Table == "t5");
        Assert.Equal(TableFlushStatus.Failed, locked.Status);
        Assert.Contains("bf_shop.t5", locked.Error);
        Assert.Contains($"connection {blockerId} of", locked.Error);
        Assert.Contains(expectExactHolder ? "held by connection" : "probably held by a session with an open transaction", locked.Error);
        Assert.All(result.Tables.Where(t => t.Table != "t5"), t => Assert.Equal(TableFlushStatus.Flushed, t.Status));
        Assert.Contains("1 table(s) not flushed", result.Error);
        Assert.Contains($"a flush with HostName '{servers.ReplicaSettings.Target}' and Table 'bf_shop.t5'", result.Error);
        Assert.Empty(result.LeftAside);

        // Nothing of t5 reached the binlog; every other table did.
        var decoded = await BinlogTools.DecodeAsync(servers.Replica, result.BinlogStart!.File, result.BinlogStart.Position, result.BinlogEnd!.File, result.BinlogEnd.Position);
        Assert.DoesNotContain("CREATE TABLE `t5`", decoded);
        Assert.All(Tables.Where(t => t != "t5"), t => Assert.Contains($"CREATE TABLE `{t}`", decoded));

        await new MySqlCommand("ROLLBACK", blocker).ExecuteNonQueryAsync();
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        Assert.Equal(0L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@GLOBAL.read_only")));
        // The run the message suggests may start: the locked table is not left as unfinished state.
        var next = await HostPlan.ReadAsync(servers.ReplicaSettings, new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" }, Tables = new[] { "t5" } } }, null, CancellationToken.None);
        Assert.True(next.Ready, next.RefusalMessage);
    }
}
