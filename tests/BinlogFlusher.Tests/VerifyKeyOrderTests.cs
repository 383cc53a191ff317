using System.Text.Json.Nodes;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Engine.Verifying;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// -Verify's key order: each table's chunk key (text keys ordered by the server's collation), increasing from chunk
/// to chunk except inside the ranges a run reports may repeat, which are recorded with their key bounds.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class VerifyKeyOrderTests(ReplicaPairFixture servers) : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("bf-verify-order-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    FlushVerifier Verifier => new(servers.ReplicaSettings);

    FlushResult Flush(string arguments)
    {
        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred {arguments} -Confirm:$false", Variables(servers));
        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        File.Delete(result.StateFile);
        return result;
    }

    Task<IReadOnlyList<TableVerification>> VerifyAsync(IEnumerable<BinlogRange> ranges, IReadOnlyList<TableExpectation> tables) =>
        Verifier.VerifyAsync(ranges.ToList(), tables, CancellationToken.None);

    [Fact]
    public async Task AConnectionKilledMidChunkVerifiesWithItsKeysInOrderOutsideTheRangeThatMayRepeat()
    {
        // Wide rows in large chunks: each INSERT ... SELECT runs long enough to be caught and killed.
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_repeat", "CREATE TABLE bf_repeat.wide (id INT PRIMARY KEY, payload VARCHAR(2000) NOT NULL) ENGINE=InnoDB");
        for (var start = 1; start <= 60000; start += 5000)
            await servers.OnPrimaryAsync("INSERT INTO bf_repeat.wide VALUES " + string.Join(", ", Enumerable.Range(start, 5000).Select(i => $"({i}, REPEAT('w', {500 + i % 1000}))")));
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_repeat" } }, ChunkSize = 15000, StateFile = Path.Combine(folder, "killed.json") };
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        var killed = new List<long>();
        Task? killer = null;
        var flusher = new HostFlusher(plan, new WarningListener())
        {
            PhaseReached = point =>
            {
                if (point == "Chunk1") killer = InterruptedFlush.KillRunningInsertAsync(servers, "bf_repeat", "wide", killed);
                return Task.CompletedTask;
            },
        };

        var result = await flusher.FlushAsync(plan.Candidates, CancellationToken.None);
        await killer!;

        Assert.Single(killed);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var table = Assert.Single(result.Tables);
        // The range is recorded twice over: as text for people, and as the chunk's key bounds for the verifier.
        var range = Assert.Single(table.MayRepeatRanges);
        Assert.Equal(Assert.Single(table.MayRepeat), range.Text);
        Assert.Equal(new[] { "id" }, range.Key);
        Assert.False(range.AllRows);
        var lower = long.Parse(Assert.Single(range.Lower!).Value!);
        var upper = long.Parse(Assert.Single(range.Upper!).Value!);
        Assert.Equal($"bf_repeat.wide (id) > ({lower}) and <= ({upper})", range.Text);

        var verified = Assert.Single(await VerifyAsync(result.BinlogRanges, TableExpectation.Of(result)));

        Assert.True(verified.Status == VerificationStatus.Verified, verified.ToString());
        Assert.Equal(60000, verified.RowsExpected);
        // Its key order was followed, the range notwithstanding (a table with ranges had none checked before they had keys).
        Assert.Equal(("(1)", "(60000)"), (verified.FirstKey, verified.LastKey));

        // The order is checked outside the range: the table's chunks read twice go back to its first key, outside the
        // range, and that is a mismatch naming the keys; the chunk inside the range may go back, and is not named.
        var twice = Assert.Single(await VerifyAsync(result.BinlogRanges.Concat(result.BinlogRanges), TableExpectation.Of(result)));
        Assert.Equal(VerificationStatus.Mismatch, twice.Status);
        var backwards = twice.Problems.Where(p => p.StartsWith("keys do not increase", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "keys do not increase across chunks: a chunk starts at (1) after one that ended at (60000) (outside its may-repeat ranges)" }, backwards);

        // A state file written before the ranges' keys were recorded holds their text alone: it verifies as it did,
        // its rows held to at least those copied and its key order not checked.
        var json = JsonNode.Parse(File.ReadAllText(result.StateFile))!;
        foreach (var entry in json["tables"]!.AsArray()) entry!.AsObject().Remove("mayRepeatRanges");
        var oldFormat = Path.Combine(folder, "old-format.json");
        File.WriteAllText(oldFormat, json.ToJsonString());
        var journal = FlushJournal.Load(oldFormat);
        Assert.Empty(journal.Tables.Single().MayRepeatRanges);
        Assert.Equal(table.MayRepeat, journal.Tables.Single().MayRepeat);

        var fromOldFormat = Assert.Single(await Verifier.VerifyRunAsync(journal, oldFormat, CancellationToken.None));

        Assert.True(fromOldFormat.Status == VerificationStatus.Verified, fromOldFormat.ToString());
        Assert.Null(fromOldFormat.FirstKey);
        var fromStateFile = Assert.Single(await Verifier.VerifyRunAsync(FlushJournal.Load(result.StateFile), result.StateFile, CancellationToken.None));
        Assert.True(fromStateFile.Status == VerificationStatus.Verified, fromStateFile.ToString());
        Assert.Equal("(1)", fromStateFile.FirstKey);
        // Text alone still holds the binlog to every row copied.
        var tooMany = TableExpectation.Of(journal);
        tooMany[0].RowsCopied = verified.RowsInBinlog + 1;
        var shortOfRows = Assert.Single(await VerifyAsync(journal.BinlogRanges, tooMany));
        Assert.Contains($"{verified.RowsInBinlog:N0} rows in the binlog, {verified.RowsInBinlog + 1:N0} copied (rows of its may-repeat ranges may repeat, none may be missing)", shortOfRows.Problems);
    }

    [Theory]
    [InlineData("code VARCHAR(12) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, PRIMARY KEY (code)", "CONCAT(IF(n % 2 = 0, 'k', 'K'), LPAD(n, 6, '0'))")]
    [InlineData("n INT NOT NULL, m INT NOT NULL, PRIMARY KEY (n, m)", "n DIV 100, n % 100")]
    public async Task AChunkCopiedAgainByAResumedRunIsInsideItsRangeAndTheRunVerifies(string key, string values)
    {
        // A key walked by boundary queries: a run stopped at its third boundary query has copied its second chunk
        // but not yet journaled it, so the resumed run copies that chunk again.
        await servers.ResetAsync();
        var columns = key.Split(", PRIMARY KEY")[0].Split(", ").Select(c => c.Split(' ')[0]).ToList();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_resumed", $"CREATE TABLE bf_resumed.keyed ({key}, v INT) ENGINE=InnoDB", "CREATE TABLE bf_resumed.numbers (n INT PRIMARY KEY)");
        for (var start = 1; start <= 5000; start += 1000)
            await servers.OnPrimaryAsync("INSERT INTO bf_resumed.numbers VALUES " + string.Join(", ", Enumerable.Range(start, 1000).Select(i => $"({i})")));
        await servers.OnPrimaryAsync($"INSERT INTO bf_resumed.keyed ({string.Join(", ", columns)}, v) SELECT {values}, n FROM bf_resumed.numbers", "DROP TABLE bf_resumed.numbers");
        var state = Path.Combine(folder, "resumed.json");
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_resumed" } }, ChunkSize = 1000, StateFile = state };
        await InterruptedFlush.StopAtBoundaryAsync(servers, options, boundary: 3);

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Resume -StateFile $state -Database bf_resumed -ChunkSize 1000 -Verify -Confirm:$false",
            Variables(servers, ("state", state)));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var range = Assert.Single(Assert.Single(result.Tables).MayRepeatRanges);
        Assert.NotNull(range.Lower);
        Assert.NotNull(range.Upper);
        var verified = Assert.Single(result.Verification);
        Assert.True(verified.Status == VerificationStatus.Verified, verified.ToString());
        Assert.Equal((6000L, 5000L), (verified.RowsInBinlog, verified.RowsExpected));

        // The same binlog against a range after the chunk that was copied again: that chunk goes back outside the
        // ranges, a mismatch naming its keys.
        var elsewhere = TableExpectation.Of(result);
        elsewhere[0].MayRepeatRanges = new[] { new RepeatRange { Text = range.Text, Key = range.Key, Lower = range.Upper } };
        var mismatch = Assert.Single(await VerifyAsync(result.BinlogRanges, elsewhere));
        Assert.Equal(VerificationStatus.Mismatch, mismatch.Status);
        Assert.Contains(mismatch.Problems, p => p.StartsWith("keys do not increase across chunks: a chunk starts at (", StringComparison.Ordinal));

        // Recorded as text alone, as state files were before: verified by at least its rows, its order not checked.
        var textOnly = TableExpectation.Of(result);
        textOnly[0].MayRepeatRanges = Array.Empty<RepeatRange>();
        var fromText = Assert.Single(await VerifyAsync(result.BinlogRanges, textOnly));
        Assert.True(fromText.Status == VerificationStatus.Verified, fromText.ToString());
        Assert.Null(fromText.FirstKey);
    }

    [Fact]
    public async Task TextKeysInACaseInsensitiveCollationAreInOrderAndTheirChunksTwiceAreAMismatchNamingTheKeys()
    {
        // Byte order puts 'C' before 'b' (0x43 < 0x62); the collation puts it after: only the server orders these chunks.
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_textkeys",
            "CREATE TABLE bf_textkeys.named (code VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci PRIMARY KEY, v INT) ENGINE=InnoDB",
            "INSERT INTO bf_textkeys.named VALUES ('a', 1), ('b', 2), ('C', 3), ('D', 4), ('e', 5), ('F', 6)",
            "CREATE TABLE bf_textkeys.pairs (n INT NOT NULL, code VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL, PRIMARY KEY (n, code)) ENGINE=InnoDB",
            "INSERT INTO bf_textkeys.pairs VALUES (1, 'a'), (1, 'b'), (1, 'C'), (1, 'd'), (2, 'A'), (2, 'b')");

        var first = Flush("-Database bf_textkeys -ChunkSize 2 -Verify");

        Assert.All(first.Tables, t => Assert.True(t.Chunks >= 3, $"{t.Table}: {t.Chunks} chunks"));
        Assert.All(first.Verification, v => Assert.True(v.Status == VerificationStatus.Verified, v.ToString()));
        var named = first.Verification.Single(v => v.Table == "named");
        Assert.Equal(("('a')", "('F')"), (named.FirstKey, named.LastKey));
        var pairs = first.Verification.Single(v => v.Table == "pairs");
        Assert.Equal(("(1, 'a')", "(2, 'b')"), (pairs.FirstKey, pairs.LastKey));

        var second = Flush("-Database bf_textkeys -ChunkSize 2");
        var twice = await VerifyAsync(first.BinlogRanges.Concat(second.BinlogRanges), TableExpectation.Of(first));

        Assert.All(twice, v => Assert.Equal(VerificationStatus.Mismatch, v.Status));
        Assert.Contains("keys do not increase across chunks: a chunk starts at ('a') after one that ended at ('F')", twice.Single(v => v.Table == "named").Problems);
        Assert.Contains("keys do not increase across chunks: a chunk starts at (1, 'a') after one that ended at (2, 'b')", twice.Single(v => v.Table == "pairs").Problems);
    }

    [Fact]
    public async Task KeysOfEveryTypeTheFlushChunksOnAreInOrderAsTheServerOrdersThem()
    {
        // Each table's values hold a trap for a naive order: negative decimals wider than the reader's decimal (kept
        // as text), TIME past 99 hours and negative, bytes above 0x7F and BINARY's zero padding, fractions of a second,
        // unsigned BIGINTs above the signed maximum.
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_typedkeys",
            "CREATE TABLE bf_typedkeys.amounts (k DECIMAL(40,10) PRIMARY KEY) ENGINE=InnoDB",
            "INSERT INTO bf_typedkeys.amounts VALUES (-5.5), (-1), (0), (0.0000000001), (9.25), (12345678901234567.5)",
            "CREATE TABLE bf_typedkeys.spans (k TIME(3) PRIMARY KEY) ENGINE=InnoDB",
            "INSERT INTO bf_typedkeys.spans VALUES ('-100:00:00'), ('-10:00:00.5'), ('-00:00:01'), ('05:00:00'), ('09:59:59.999'), ('100:00:00')",
            "CREATE TABLE bf_typedkeys.codes (k BINARY(2) PRIMARY KEY) ENGINE=InnoDB",
            "INSERT INTO bf_typedkeys.codes VALUES (0x0000), (0x0001), (0x01), (0x7F), (0x80), (0xFF01)",
            "CREATE TABLE bf_typedkeys.moments (d DATE NOT NULL, t DATETIME(3) NOT NULL, y YEAR NOT NULL, PRIMARY KEY (d, t, y)) ENGINE=InnoDB",
            "INSERT INTO bf_typedkeys.moments VALUES ('2026-01-02', '2026-01-02 03:04:05.5', 2026), ('2026-01-02', '2026-01-02 03:04:05.25', 2026), " +
            "('2026-01-02', '2026-01-02 03:04:06', 1999), ('2026-01-03', '2025-12-31 23:59:59.999', 2026), ('2026-01-03', '2025-12-31 23:59:59.999', 2027)",
            "CREATE TABLE bf_typedkeys.wide_ids (k BIGINT UNSIGNED PRIMARY KEY) ENGINE=InnoDB",
            "INSERT INTO bf_typedkeys.wide_ids VALUES (1), (9223372036854775807), (9223372036854775808), (18446744073709551614), (18446744073709551615)",
            "CREATE TABLE bf_typedkeys.stamps (k TIMESTAMP(6) NOT NULL PRIMARY KEY) ENGINE=InnoDB",
            "INSERT INTO bf_typedkeys.stamps VALUES ('2026-01-02 03:04:05.000001'), ('2026-01-02 03:04:05.5'), ('2026-03-01 00:00:00'), ('2030-01-01 12:00:00'), ('2037-12-31 23:59:59')");

        var first = Flush("-Database bf_typedkeys -ChunkSize 2 -Verify");

        Assert.All(first.Tables, t => Assert.True(t.Chunks >= 3, $"{t.Table}: {t.Chunks} chunks"));
        Assert.All(first.Verification, v => Assert.True(v.Status == VerificationStatus.Verified, v.ToString()));
        Assert.Equal(("(-5.5000000000)", "(12345678901234567.5000000000)"), Keys(first, "amounts"));
        Assert.Equal(("('-100:00:00')", "('100:00:00')"), Keys(first, "spans"));
        Assert.Equal(("(0x0000)", "(0xFF01)"), Keys(first, "codes"));
        // Read as signed without the binlog's signedness metadata, and exact to the last digit once read as unsigned.
        Assert.Equal(("(1)", "(18446744073709551615)"), Keys(first, "wide_ids"));

        // Each table twice in the ranges: every one is a mismatch, its first key after its last.
        var second = Flush("-Database bf_typedkeys -ChunkSize 2");
        var ranges = first.BinlogRanges.Concat(second.BinlogRanges).ToList();
        var twice = await VerifyAsync(ranges, TableExpectation.Of(first));
        foreach (var table in twice)
        {
            var (low, high) = Keys(first, table.Table);
            Assert.Contains($"keys do not increase across chunks: a chunk starts at {low} after one that ended at {high}", table.Problems);
        }

        // A TIMESTAMP range bound is kept as the flush's session saw it, in its time zone, and converted by the server:
        // a range that covers the whole second copy lets it repeat, one that ends halfway does not.
        var stamps = TableExpectation.Of(first).Where(t => t.Table == "stamps").ToList();
        stamps[0].MayRepeat = new[] { "all of the second copy" };
        stamps[0].MayRepeatRanges = new[] { new RepeatRange { Text = "all of the second copy", Key = new() { "k" }, Lower = Stamp("2026-01-02 03:04:05.000000"), Upper = Stamp("2037-12-31 23:59:59.000000") } };
        var covered = Assert.Single(await VerifyAsync(ranges, stamps));
        Assert.Equal(VerificationStatus.Mismatch, covered.Status);
        Assert.Contains("CREATE TABLE is logged more than once", covered.Problems);
        Assert.DoesNotContain(covered.Problems, p => p.StartsWith("keys do not increase", StringComparison.Ordinal) || p.Contains("rows in the binlog"));
        stamps[0].MayRepeatRanges = new[] { new RepeatRange { Text = "all of the second copy", Key = new() { "k" }, Upper = Stamp("2030-01-01 12:00:00.000000") } };
        var halfway = Assert.Single(await VerifyAsync(ranges, stamps));
        Assert.Equal(VerificationStatus.Mismatch, halfway.Status);
        Assert.Contains(halfway.Problems, p => p.StartsWith("keys do not increase across chunks: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AKeyThatNoLongerReadsAsTheTablesKeyColumnsIsAMismatchSayingItsOrderIsNotChecked()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_altered", "CREATE TABLE bf_altered.days (id INT PRIMARY KEY, v INT) ENGINE=InnoDB",
            "INSERT INTO bf_altered.days VALUES (20260101, 1), (20260102, 2), (20260103, 3), (20260104, 4), (20260105, 5)");
        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_altered -ChunkSize 2 -Confirm:$false", Variables(servers));
        var result = SingleResult(run);
        var state = Path.Combine(folder, "altered.json");
        File.Move(result.StateFile, state);
        // Later, on the replica alone, the key becomes a DATE: the run's binlog holds integers where the table now has dates.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0; ALTER TABLE bf_altered.days MODIFY id DATE NOT NULL");

        var verification = Assert.Single(await Verifier.VerifyRunAsync(FlushJournal.Load(state), state, CancellationToken.None));

        Assert.Equal(VerificationStatus.Mismatch, verification.Status);
        var problem = Assert.Single(verification.Problems);
        Assert.StartsWith("its rows' (id) values do not read as the table's key columns now, so their order is not checked (was the table altered since the run?): ", problem);
        Assert.Equal(5, verification.RowsInBinlog);
    }

    static List<KeyValue> Stamp(string local) => new() { new KeyValue { Type = "datetime", Value = local } };

    static (string?, string?) Keys(FlushResult result, string table)
    {
        var verification = result.Verification.Single(v => v.Table == table);
        return (verification.FirstKey, verification.LastKey);
    }
}
