using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Binlog;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Engine.Verifying;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using MySqlConnector;
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

    Task SmallSchemaAsync() => SmallSchemaAsync(servers);

    /// <summary>bf_verify: items with an integer key (5 rows) and notes without any key (1 row), on a reset replica pair.</summary>
    internal static async Task SmallSchemaAsync(ReplicaPairFixture servers)
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

    /// <summary>
    /// An administrator's logged statement on the replica during the flush, as root (read_only does not stop it). In the
    /// flush's own GTID domain: on MariaDB the run itself fails when another domain writes to a flushed table, but a
    /// write in its domain, as every write is on MySQL (one server UUID), only the binlog tells apart from the flush.
    /// </summary>
    Task AsAdministratorAsync(params string[] statements) => ReplicaPairFixture.ExecuteAsync(servers.Replica,
        (servers.IsMariaDb ? new[] { $"SET SESSION gtid_domain_id = {FlushOptions.DefaultGtidDomainId}" } : Array.Empty<string>()).Concat(statements).ToArray());

    [Theory]
    [InlineData("UPDATE bf_verify.items SET name = 'changed' WHERE id = 2", "1 row is changed by UPDATE in the range, at ")]
    [InlineData("DELETE FROM bf_verify.items WHERE id >= 4", "2 rows are deleted by DELETE in the range, the first at ")]
    [InlineData("ALTER TABLE items COMMENT 'changed'", "ALTER TABLE is logged in the range, at ")]
    public async Task AChangeToAFlushedTableInsideTheRangeIsAMismatchNamingIt(string statement, string problem)
    {
        await SmallSchemaAsync();
        var state = Path.Combine(Path.GetTempPath(), $"bf-verify-{Guid.NewGuid():N}.json");
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_verify" } }, ThrottleLimit = 1, ChunkSize = 2, StateFile = state };
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        var renames = 0;
        long? notesInPlace = null;
        var flusher = new HostFlusher(plan, new WarningListener())
        {
            // notes renamed aside: items, flushed first (by name, one table at a time), is back in place. The statement runs under USE bf_verify.
            PhaseReached = async point =>
            {
                if (point != "Renamed" || ++renames != 2) return;
                notesInPlace = (long?)await ReplicaPairFixture.ScalarAsync(servers.Replica,
                    "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'bf_verify' AND TABLE_NAME = 'notes'");
                await AsAdministratorAsync("USE bf_verify", statement);
            },
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);
        File.Delete(state);
        Assert.True(result.Status == FlushStatus.Completed, result.Error);
        Assert.Equal(0L, notesInPlace);
        var verification = await new FlushVerifier(ReplicaSettings).VerifyAsync(result.BinlogRanges, TableExpectation.Of(result), CancellationToken.None);

        var items = verification.Single(v => v.Table == "items");
        Assert.Equal(VerificationStatus.Mismatch, items.Status);
        Assert.Contains(items.Problems, p => System.Text.RegularExpressions.Regex.IsMatch(p, "^" + System.Text.RegularExpressions.Regex.Escape(problem) + @"binlog\.\d+:\d+$"));
        Assert.Equal(5, items.RowsInBinlog);
        var notes = verification.Single(v => v.Table == "notes");
        Assert.True(notes.Status == VerificationStatus.Verified, notes.ToString());
    }

    [Fact]
    public async Task InvokeBinlogFlushVerifyWritesTheMismatchNamingTheTableAnAdministratorChanged()
    {
        await SmallSchemaAsync();
        var state = Path.Combine(Path.GetTempPath(), $"bf-verify-{Guid.NewGuid():N}.json");
        // A reader's open transaction holds notes' rename back: items, flushed first, is in place meanwhile.
        await using var reader = await ReplicaPairFixture.OpenAsync(servers.Replica);
        await new MySqlCommand("BEGIN; SELECT * FROM bf_verify.notes", reader).ExecuteNonQueryAsync();

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_verify -ThrottleLimit 1 -ChunkSize 2 -StateFile $state -Verify -Confirm:$false",
            Variables(servers, ("state", state)), whileRunning: (_, _) =>
            {
                try
                {
                    WaitForRenameHeldBackAsync("notes").GetAwaiter().GetResult();
                    AsAdministratorAsync("UPDATE bf_verify.items SET name = 'changed' WHERE id IN (1, 2, 3)").GetAwaiter().GetResult();
                }
                finally
                {
                    new MySqlCommand("COMMIT", reader).ExecuteNonQuery();
                }
            });

        var result = run.Single<FlushResult>();
        File.Delete(state);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var error = Assert.Single(run.Errors);
        Assert.Equal("VerificationMismatch,BinlogFlusher.Commands.InvokeBinlogFlushCommand", error.FullyQualifiedErrorId);
        Assert.Contains("the binlog differs from the flush for 1 of 2 tables: bf_verify.items: Mismatch", error.ErrorDetails.Message);
        Assert.Contains("3 rows are changed by UPDATE in the range, the first at binlog.", error.ErrorDetails.Message);
        Assert.Equal(VerificationStatus.Verified, result.Verification.Single(v => v.Table == "notes").Status);
    }

    /// <summary>Until a RENAME TABLE naming <paramref name="table"/> waits for a metadata lock.</summary>
    async Task WaitForRenameHeldBackAsync(string table)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await ReplicaPairFixture.ScalarAsync(servers.Replica,
                   "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = 'Waiting for table metadata lock' AND INFO LIKE " +
                   $"'%RENAME TABLE%{table}%'") is 0L)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No RENAME TABLE of {table} waited for its metadata lock within 20 s.");
            await Task.Delay(100);
        }
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
