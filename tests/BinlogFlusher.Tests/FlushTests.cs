using System.Globalization;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>Invoke-BinlogFlush on a replica holding every hard case: the tables come back exactly, and the binlog holds each row once.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class FlushTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(HardCases.Statements(servers.IsMariaDb).ToArray());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryHardCaseComesBackExactlyAndReachesTheBinlogOnce()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        Assert.True(before.Count >= 20, "the hard-case schema was not created");

        var run = PowerShellRunner.Run(
            "Invoke-BinlogFlush -HostName $replica -Credential $cred -Database 'bf*' -ChunkSize 1000 -Confirm:$false -Verbose",
            Variables(servers));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.All(result.Tables, t => Assert.Equal(TableFlushStatus.Flushed, t.Status));
        Assert.Equal(before.Count, result.Tables.Count);
        Assert.Equal(before.Sum(t => t.Rows), result.Rows);
        Assert.True(result.Tables.Single(t => t.Table == "big").Chunks >= HardCases.BigRows / 1000, "the big table was not chunked");
        Assert.Contains(result.Tables, t => t.Schema == HardCases.Shop && t.Table == "parent");
        Assert.Contains(result.Tables, t => t.Schema == HardCases.Other && t.Table == "parent");

        var after = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        Assert.Equal(3L, await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT COUNT(*) FROM {HardCases.Shop}.parent_children"));
        Assert.False(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb), "replication must stay stopped without -StartReplica");
        Assert.Equal("Running", result.ReplicationBefore);
        Assert.Equal("SqlStopped", result.ReplicationAfter);

        await AssertBinlogHoldsExactlyOnceAsync(servers, result, after);

        // Verbose names every step's SQL and each host phase once, in order, and never a password.
        Assert.Contains(run.Verbose, v => v.Message.Contains("RENAME TABLE"));
        var phases = run.Verbose.Select(v => System.Text.RegularExpressions.Regex.Match(v.Message, @": phase (\w+):")).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.Equal(new[] { "OpenRun", "FlushTables", "CloseRun" }, phases);
        Assert.DoesNotContain(run.Verbose, v => v.Message.Contains(servers.Replica.Password));
        Assert.DoesNotContain(servers.Replica.Password, File.ReadAllText(result.StateFile));
        File.Delete(result.StateFile);
    }

    [Fact]
    public async Task AStrictGtidReplicaKeepsReplicatingAfterAFlushWithStartReplica()
    {
        if (servers.IsMariaDb) Assert.Equal(1L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@gtid_strict_mode")));

        var run = PowerShellRunner.Run(
            "Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -Table parent,child,big -StartReplica -Confirm:$false",
            Variables(servers));
        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(3, result.Tables.Count);

        await servers.OnPrimaryAsync($"INSERT INTO {HardCases.Shop}.parent VALUES (99, 'after the flush')");

        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
        Assert.Equal("after the flush", await ReplicaPairFixture.ScalarAsync(servers.Replica, $"SELECT name FROM {HardCases.Shop}.parent WHERE id = 99"));
        Assert.Equal("Running", result.ReplicationAfter);
        if (servers.IsMariaDb) Assert.Contains("191-", result.BinlogEnd!.GtidPosition);
        File.Delete(result.StateFile);
    }

    [Fact]
    public async Task WhatIfTouchesNothingNotEvenReplication()
    {
        var run = PowerShellRunner.Run(
            "Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -WhatIf", Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Empty(run.Output);
        Assert.Contains(run.HostText, line => line.Contains("bf_shop.big") && line.Contains("Flush"));
        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    [Fact]
    public async Task TheFlushSessionCopiesWithoutLockingTheRowsItReads()
    {
        // INSERT ... SELECT under REPEATABLE READ takes a shared lock on every row it reads (the control shows the probe
        // sees them); under the flush session's settings it reads a snapshot and locks none (measured: a third less
        // server time for the copy).
        var settings = servers.ReplicaSettings;

        async Task<(string Isolation, long RowsLocked)> CopyInOpenTransactionAsync(bool flushSession)
        {
            await using var session = await ServerSession.OpenAsync(settings, null, CancellationToken.None);
            var dialect = await new ServerInspector(session).ReadDialectAsync(CancellationToken.None);
            var setup = flushSession
                ? dialect.SessionSetup(FlushOptions.DefaultGtidDomainId, 5)
                : new[] { "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ" };
            await session.ExecuteAsync(string.Join("; ", setup), CancellationToken.None);
            await session.ExecuteAsync($"SET SESSION sql_log_bin = 0; CREATE TEMPORARY TABLE {HardCases.Shop}.lock_probe LIKE {HardCases.Shop}.big; " +
                                       $"START TRANSACTION; INSERT INTO {HardCases.Shop}.lock_probe SELECT * FROM {HardCases.Shop}.big", CancellationToken.None);
            // information_schema.INNODB_TRX is a cache refreshed at most every 0.1 s.
            await Task.Delay(300);
            var trx = await session.QueryAsync("SELECT trx_isolation_level, trx_rows_locked FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()", CancellationToken.None);
            await session.ExecuteAsync("ROLLBACK", CancellationToken.None);
            return (Convert.ToString(trx.Single()[0], CultureInfo.InvariantCulture)!, Convert.ToInt64(trx.Single()[1], CultureInfo.InvariantCulture));
        }

        var control = await CopyInOpenTransactionAsync(flushSession: false);
        Assert.Equal("REPEATABLE READ", control.Isolation);
        Assert.True(control.RowsLocked >= HardCases.BigRows, $"the probe saw {control.RowsLocked} rows locked under REPEATABLE READ; expected every row read");

        var flush = await CopyInOpenTransactionAsync(flushSession: true);
        Assert.Equal("READ COMMITTED", flush.Isolation);
        Assert.Equal(0L, flush.RowsLocked);
    }

    [Fact]
    public async Task IntegerKeysChunkByValueGappedOrNotWithoutBoundaryWalksAndEveryChunkWithinTheChunkSize()
    {
        // Chunks of 1000 over integer keys of every distribution: each goes by value, with a width that follows the
        // density (probed over 100 keys at the start and where it changes); a boundary query runs only where a chunk
        // meets a clump denser than the keys before it. Keys at the ends
        // of their type neither overflow nor lose a row, and no chunk holds more than 1000 rows.
        static string Rows(IEnumerable<long> keys) => string.Join(", ", keys.Select(k => $"({k}, 'row {k}')"));
        var random = new Random(21);
        long next = 0;
        var randomGaps = Enumerable.Range(0, 3000).Select(_ => next += random.Next(1, 6)).ToList();
        var sparseWithClump = Enumerable.Range(1, 1500).Where(i => i < 750 || i > 753).Select(i => i * 1000L)
            .Concat(Enumerable.Range(750_001, 2500).Select(i => (long)i)).OrderBy(k => k).ToList();
        await servers.OnPrimaryAsync(
            "CREATE DATABASE bf_keys",
            "CREATE TABLE bf_keys.gap (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.gap VALUES " + Rows(Enumerable.Range(1, 2500).Concat(Enumerable.Range(1_000_001, 2500)).Select(i => (long)i)),
            "CREATE TABLE bf_keys.dense_exact (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.dense_exact VALUES " + Rows(Enumerable.Range(1, 3000).Select(i => (long)i)),
            "CREATE TABLE bf_keys.times_three (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.times_three VALUES " + Rows(Enumerable.Range(1, 3000).Select(i => i * 3L)),
            "CREATE TABLE bf_keys.random_gaps (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.random_gaps VALUES " + Rows(randomGaps),
            "CREATE TABLE bf_keys.sparse (id BIGINT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.sparse VALUES " + Rows(Enumerable.Range(1, 3000).Select(i => i * 1_000_003L)),
            "CREATE TABLE bf_keys.clump (id BIGINT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.clump VALUES " + Rows(sparseWithClump),
            "CREATE TABLE bf_keys.signed_ends (id BIGINT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.signed_ends VALUES " + Rows(Enumerable.Range(0, 1500).SelectMany(i => new[] { long.MinValue + i, long.MaxValue - i })),
            "CREATE TABLE bf_keys.unsigned_top (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.unsigned_top VALUES " + string.Join(", ", Enumerable.Range(0, 2500).Select(i => ulong.MaxValue - (ulong)i).Select(k => $"({k}, 'row {k}')")),
            "CREATE TABLE bf_keys.tiny (id TINYINT PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_keys.tiny VALUES " + Rows(Enumerable.Range(-128, 256).Select(i => (long)i)));
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_keys");

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_keys -ChunkSize 1000 -Confirm:$false -Verbose", Variables(servers));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(before.Sum(t => t.Rows), result.Rows);
        int Chunks(string table) => result.Tables.Single(t => t.Table == table).Chunks;
        int Statements(string table, string text) => run.Verbose.Count(v => v.Message.Contains(text) && v.Message.Contains(result.Tables.Single(t => t.Table == table).BackupTable));
        int BoundaryQueries(string table) => Statements(table, "LIMIT 1 OFFSET");
        int Probes(string table) => Statements(table, "LIMIT 100) AS probe");
        // Dense keys: chunks of exactly 1000 integers, which cannot hold more than 1000 rows.
        Assert.Equal(3, Chunks("unsigned_top"));
        Assert.Equal(0, BoundaryQueries("unsigned_top"));
        // The last chunk ends at the largest key: a table of exactly three chunks of rows takes three, not a fourth empty one.
        Assert.Equal(3, Chunks("dense_exact"));
        Assert.Equal(0, BoundaryQueries("dense_exact"));
        Assert.Equal(1, Probes("dense_exact"));
        // Evenly gapped and randomly gapped keys: chunks of 750 to 900 rows, about as many as dense keys take, sized
        // by the probe and then by each chunk's density, with no boundary query.
        foreach (var gapped in new[] { "times_three", "random_gaps", "sparse" })
        {
            Assert.InRange(Chunks(gapped), 3, 5);
            Assert.Equal(0, BoundaryQueries(gapped));
            Assert.Equal(1, Probes(gapped));
        }
        // Dense blocks around a gap of a million: the chunk that finds the gap probes, and the probe steps over it.
        Assert.InRange(Chunks("gap"), 5, 8);
        Assert.Equal(0, BoundaryQueries("gap"));
        Assert.InRange(Probes("gap"), 2, 3);
        // A clump of 2,500 consecutive keys amid keys 1000 apart: one boundary query where a chunk meets the clump, a
        // probe after it, and the chunks narrow to the clump's density.
        Assert.InRange(Chunks("clump"), 4, 10);
        Assert.InRange(BoundaryQueries("clump"), 1, 2);
        var after = await TableState.ReadAllAsync(servers.Replica, "bf_keys");
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        await AssertBinlogHoldsExactlyOnceAsync(servers, result, after);

        var transactions = BinlogTools.InsertsPerTransaction(await DecodeRangesAsync(servers, result));
        Assert.Equal(result.Rows, transactions.Sum());
        Assert.All(transactions, n => Assert.InRange(n, 1, 1000));
        File.Delete(result.StateFile);
    }

    [Fact]
    public async Task WideRowsGetChunksOfFewerRowsByChunkBytesAndEveryTransactionStaysUnderIt()
    {
        // 3,000 rows of about 2 kB and 3,000 narrow rows, with -ChunkBytes 1MB and -ChunkSize 100000: the wide table is
        // chunked by bytes, the narrow one is not, and no binlog transaction of the copy reaches 1 MiB.
        const int Rows = 3000;
        string Values(Func<int, string> row) => string.Join(", ", Enumerable.Range(1, Rows).Select(row));
        await servers.OnPrimaryAsync(
            "CREATE DATABASE bf_wide",
            "CREATE TABLE bf_wide.docs (id INT PRIMARY KEY, body VARCHAR(3000) NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_wide.docs VALUES " + Values(i => $"({i}, REPEAT(MD5({i}), 60))"),
            "CREATE TABLE bf_wide.narrow (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB",
            "INSERT INTO bf_wide.narrow VALUES " + Values(i => $"({i}, {i * 7})"),
            "ANALYZE TABLE bf_wide.docs, bf_wide.narrow");
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_wide");

        // Below its range the parameter is refused before anything happens.
        var refused = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_wide -ChunkBytes 1KB -Confirm:$false", Variables(servers));
        Assert.Contains(refused.ErrorIds, id => id.StartsWith("ParameterArgumentValidationError", StringComparison.Ordinal));
        Assert.Empty(refused.Output);

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_wide -ChunkSize 100000 -ChunkBytes 1MB -Confirm:$false", Variables(servers));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var docs = result.Tables.Single(t => t.Table == "docs");
        var narrow = result.Tables.Single(t => t.Table == "narrow");
        Assert.InRange(docs.ChunkRows, 100, 1024 * 1024 / 2000);
        Assert.Equal((Rows + docs.ChunkRows - 1) / docs.ChunkRows, docs.Chunks);
        Assert.Equal(1, narrow.Chunks);
        Assert.True(narrow.ChunkRows > Rows, $"the narrow table's chunks were sized down to {narrow.ChunkRows} rows");

        var after = await TableState.ReadAllAsync(servers.Replica, "bf_wide");
        AssertSameTables(before, after);
        await AssertBinlogHoldsExactlyOnceAsync(servers, result, after);
        var decoded = await DecodeRangesAsync(servers, result);
        var rowsPerTransaction = BinlogTools.InsertsPerTransaction(decoded);
        Assert.Equal(2 * Rows, rowsPerTransaction.Sum());
        Assert.Equal(docs.Chunks + narrow.Chunks, rowsPerTransaction.Count);
        Assert.Equal(Rows, rowsPerTransaction.Max());
        Assert.Equal(Rows / docs.ChunkRows, rowsPerTransaction.Count(n => n == docs.ChunkRows));
        var bytes = BinlogTools.RowTransactionBytes(decoded);
        Assert.Equal(rowsPerTransaction.Count, bytes.Count);
        Assert.All(bytes, b => Assert.InRange(b, 1, 1024 * 1024 - 1));
        Assert.True(bytes.Max() > 1024 * 1024 / 3, $"the wide table's transactions were far below the 1 MiB aimed at: {bytes.Max()} bytes");
        File.Delete(result.StateFile);
    }
}
