using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Binlog;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Engine.Verifying;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// -Verify / --verify: a flush read back from the replica's binlog over the replication protocol, as a consumer reads
/// it, and checked table by table; a binlog that holds something else is a mismatch naming the table.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class VerifyTests(ReplicaPairFixture servers)
{
    ConnectionSettings ReplicaSettings => new(servers.Replica.Host, servers.Replica.Port, servers.Replica.User, servers.Replica.Password);

    async Task SmallSchemaAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_verify",
            "CREATE TABLE bf_verify.items (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO bf_verify.items VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')",
            "CREATE TABLE bf_verify.notes (at DATETIME NOT NULL, note TEXT)",
            "INSERT INTO bf_verify.notes VALUES ('2026-01-02 03:04:05', 'no key at all')");
    }

    FlushResult Flush(string arguments)
    {
        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred {arguments} -Confirm:$false", Variables(servers));
        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        if (result.StateFile.Length > 0) File.Delete(result.StateFile);
        return result;
    }

    [Fact]
    public async Task EveryHardCaseIsVerifiedAndItsRowCountIsWhatMariadbBinlogDecodes()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(HardCases.Statements(servers.IsMariaDb).ToArray());

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database 'bf*' -ChunkSize 1000 -Verify -Confirm:$false", Variables(servers));

        var result = SingleResult(run);
        File.Delete(result.StateFile);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.DoesNotContain(run.ErrorIds, id => id.StartsWith("Verification", StringComparison.Ordinal));
        Assert.Equal(result.Tables.Count, result.Verification.Count);
        Assert.All(result.Verification, v => Assert.True(v.Status == VerificationStatus.Verified, v.ToString()));

        var inserts = BinlogTools.CountInserts(await DecodeRangesAsync(servers, result));
        foreach (var table in result.Verification)
        {
            var name = TableState.Quote(table.Schema) + "." + TableState.Quote(table.Table);
            Assert.True((inserts.TryGetValue(name, out var n) ? n : 0) == table.RowsInBinlog, $"{name}: {table.RowsInBinlog} rows read, mariadb-binlog decodes {n}");
            Assert.Equal(table.RowsExpected, table.RowsInBinlog);
        }
        var big = result.Verification.Single(v => v.Schema == HardCases.Shop && v.Table == "big");
        Assert.Equal("(1)", big.FirstKey);
        Assert.Equal($"({HardCases.BigRows})", big.LastKey);
    }

    [Fact]
    public async Task ATableFlushedTwiceInTheRangesIsAMismatchNamingIt()
    {
        await SmallSchemaAsync();
        var first = Flush("-Database bf_verify");
        var second = Flush("-Database bf_verify -Table items");

        var ranges = first.BinlogRanges.Concat(second.BinlogRanges).ToList();
        var verification = await new FlushVerifier(ReplicaSettings).VerifyAsync(ranges, TableExpectation.Of(first), CancellationToken.None);

        var items = verification.Single(v => v.Table == "items");
        Assert.Equal(VerificationStatus.Mismatch, items.Status);
        Assert.Equal((10L, 5L), (items.RowsInBinlog, items.RowsExpected));
        Assert.Contains(items.Problems, p => p.Contains("CREATE TABLE is logged more than once"));
        Assert.Contains(items.Problems, p => p.Contains("keys do not increase across chunks"));
        Assert.Equal(VerificationStatus.Verified, verification.Single(v => v.Table == "notes").Status);
    }

    [Fact]
    public async Task WithReplicationRunningAgainTheTablesAreNotCountedOnlyTheirBinlog()
    {
        await SmallSchemaAsync();
        var result = Flush("-Database bf_verify -StartReplica");
        Assert.Equal("Running", result.ReplicationAfter);

        var verification = await new FlushVerifier(ReplicaSettings).VerifyAsync(result.BinlogRanges, TableExpectation.Of(result), CancellationToken.None);

        // Replicated writes after the flush would change COUNT(*): it is not compared, and the binlog still is.
        Assert.All(verification, v => Assert.Equal(VerificationStatus.Verified, v.Status));
        Assert.All(verification, v => Assert.Null(v.RowsInTable));
        Assert.Equal(5, verification.Single(v => v.Table == "items").RowsInBinlog);
    }

    [Fact]
    public async Task UnsignedKeysAboveTheSignedMaximumAreInOrderWithoutTheBinlogsSignednessMetadata()
    {
        // MariaDB logs no signedness by default (binlog_row_metadata=NO_LOG): 2147483648 reads as -2147483648.
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_verify", "CREATE TABLE bf_verify.wide_ids (id INT UNSIGNED PRIMARY KEY, v TINYINT UNSIGNED NOT NULL)",
            "INSERT INTO bf_verify.wide_ids VALUES " + string.Join(", ", Enumerable.Range(0, 20).Select(i => $"({2147483638L + i}, {240 + i % 16})")));
        var result = Flush("-Database bf_verify -ChunkSize 5 -Verify");

        var table = Assert.Single(result.Verification);
        Assert.True(table.Status == VerificationStatus.Verified, table.ToString());
        Assert.Equal(20, table.RowsInBinlog);
    }

    [Fact]
    public async Task AnExpectedRowCountTheBinlogDoesNotHoldIsAMismatch()
    {
        await SmallSchemaAsync();
        var result = Flush("-Database bf_verify");
        var expected = TableExpectation.Of(result);
        expected.Single(t => t.Table == "items").RowsCopied = 6;

        var verification = await new FlushVerifier(ReplicaSettings).VerifyAsync(result.BinlogRanges, expected, CancellationToken.None);

        var items = verification.Single(v => v.Table == "items");
        Assert.Equal(VerificationStatus.Mismatch, items.Status);
        Assert.Contains("5 rows in the binlog, 6 copied", items.Problems);
    }

    [Fact]
    public async Task ARangeCutShortIsAMismatchNamingTheTablesItMisses()
    {
        await SmallSchemaAsync();
        var result = Flush("-Database bf_verify -ChunkSize 2");
        var range = Assert.Single(result.BinlogRanges);
        // End the range at the items table's last row event: its last chunk and everything after are left out.
        var lastItems = (await ReadAsync(range)).OfType<WriteRowsEvent>().Last(w => w.Table.Table == "items");
        var cut = new BinlogRange { Start = range.Start, End = new BinlogCoordinates { File = lastItems.File, Position = lastItems.Position } };

        var verification = await new FlushVerifier(ReplicaSettings).VerifyAsync(new[] { cut }, TableExpectation.Of(result), CancellationToken.None);

        var items = verification.Single(v => v.Table == "items");
        Assert.Equal(VerificationStatus.Mismatch, items.Status);
        Assert.True(items.RowsInBinlog < 5, items.ToString());
        Assert.Contains(items.Problems, p => p.EndsWith(" rows in the binlog, 5 copied", StringComparison.Ordinal));
    }

    async Task<List<BinlogEvent>> ReadAsync(BinlogRange range)
    {
        var events = new List<BinlogEvent>();
        await foreach (var e in BinlogReader.ReadAsync(ReplicaSettings, range.Start!, range.End, CancellationToken.None)) events.Add(e);
        return events;
    }

    [Fact]
    public async Task TheCliPrintsTheSummaryLineAndExitsZero()
    {
        await SmallSchemaAsync();
        var folder = Directory.CreateTempSubdirectory("bf-verify-").FullName;
        try
        {
            var cnf = Path.Combine(folder, "my.cnf");
            File.WriteAllText(cnf, $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");
            var replica = $"127.0.0.1:{servers.Replica.Port.ToString(CultureInfo.InvariantCulture)}";

            var (exit, cli) = await CliProcess.RunAsync("flush", "--host", replica, "--mycnf", cnf, "--db", "bf_verify", "--verify", "--state-file", Path.Combine(folder, "state.json"));

            using (cli)
            {
                Assert.True(exit == 0, cli.Text + "\n" + string.Join("\n", cli.ErrorLines));
                Assert.Contains("Verify: 2 of 2 tables verified", cli.Lines);
                Assert.DoesNotContain(cli.ErrorLines, l => l.StartsWith("Verify:", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AnUnreachableServerIsAClearErrorAndTheFlushStaysCompleted()
    {
        await SmallSchemaAsync();
        var result = Flush("-Database bf_verify");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var gone = new ConnectionSettings("127.0.0.1", port, servers.Replica.User, servers.Replica.Password) { ConnectTimeoutSeconds = 3 };

        var failure = await Assert.ThrowsAsync<FlushException>(() => new FlushVerifier(gone).VerifyAsync(result.BinlogRanges, TableExpectation.Of(result), CancellationToken.None));

        Assert.Equal(FlushErrorKind.VerificationFailed, failure.Kind);
        Assert.StartsWith($"127.0.0.1:{port}: cannot verify the flush in its binlog: ", failure.Message);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Empty(result.Verification);
    }

    [Fact]
    public async Task ARangeInABinlogFileTheServerNoLongerHasIsAClearError()
    {
        await SmallSchemaAsync();
        var result = Flush("-Database bf_verify");
        // A purged file is one the server's binlog index no longer lists: the one before its first (PURGE keeps a
        // file a dump thread still reads, so the test names the file rather than racing the server's dump threads).
        var first = (string)(await ReplicaPairFixture.QueryAsync(servers.Replica, "SHOW BINARY LOGS"))[0][0]!;
        var purged = first.Substring(0, first.LastIndexOf('.') + 1) + "000000";
        var ranges = new[] { new BinlogRange { Start = new BinlogCoordinates { File = purged, Position = 4 }, End = result.BinlogRanges[0].End } };

        var failure = await Assert.ThrowsAsync<FlushException>(() => new FlushVerifier(ReplicaSettings).VerifyAsync(ranges, TableExpectation.Of(result), CancellationToken.None));

        Assert.Equal(FlushErrorKind.VerificationFailed, failure.Kind);
        Assert.Contains("cannot verify the flush in its binlog", failure.Message);
        Assert.Contains("1236", failure.Message);
        Assert.Contains("may have been purged", failure.Message);
        Assert.Equal(FlushStatus.Completed, result.Status);
    }

    [Fact]
    public async Task AnAccountWithoutReplicationSlaveGetsVerificationFailedAndTheCompletedResult()
    {
        await SmallSchemaAsync();
        const string password = "no-repl-Pw1";
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0; DROP USER IF EXISTS 'bf_norepl'@'%'; " +
            $"CREATE USER 'bf_norepl'@'%' IDENTIFIED BY '{password}'; GRANT ALL PRIVILEGES ON *.* TO 'bf_norepl'@'%'; REVOKE REPLICATION SLAVE ON *.* FROM 'bf_norepl'@'%'");
        try
        {
            var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_verify -Verify -Confirm:$false",
                Variables(servers, ("cred", PowerShellRunner.Credential("bf_norepl", password))));

            // The result is still written, as the flush left it.
            var result = run.Single<FlushResult>();
            File.Delete(result.StateFile);
            Assert.Equal(FlushStatus.Completed, result.Status);
            Assert.Empty(result.Verification);
            var error = Assert.Single(run.Errors);
            Assert.Equal("VerificationFailed", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(System.Management.Automation.ErrorCategory.ReadError, error.CategoryInfo.Category);
            Assert.Contains("REPLICATION SLAVE", error.Exception.Message);
        }
        finally
        {
            await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0; DROP USER IF EXISTS 'bf_norepl'@'%'");
        }
    }
}
