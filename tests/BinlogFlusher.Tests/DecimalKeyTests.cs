using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Engine.Verifying;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// DECIMAL chunk keys with more digits than System.Decimal holds (28-29): beyond its range, and keys that differ only
/// past its digits, which it would round to one value. Chunked by boundary queries, journaled, resumed and verified,
/// every key stays exact.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class DecimalKeyTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    const string Schema = "bf_decimal";
    string folder = "";
    string StateFile => Path.Combine(folder, "state.json");

    /// <summary>DECIMAL(40,10) keys as the server writes them: 30-digit integer parts, positive and negative; 30 significant digits that System.Decimal rounds to one value; small ones.</summary>
    static readonly List<string> Amounts = Enumerable.Range(1, 12).SelectMany(i => new[]
        {
            "123456789012345678901234567890.00000000" + i.ToString("D2", CultureInfo.InvariantCulture),
            "-123456789012345678901234567890.00000000" + i.ToString("D2", CultureInfo.InvariantCulture),
            "12345678901234567890.00000000" + i.ToString("D2", CultureInfo.InvariantCulture),
        })
        .Concat(new[] { "-5.5000000000", "0.0000000000", "0.0000000001", "9.2500000000" })
        .ToList();

    static List<string> Ordered => Amounts.Order(DecimalOrder.Instance).ToList();

    /// <summary>DECIMAL(65,30) parts of a key with a text column: 35 integer digits, and 30 fractional digits differing in the last.</summary>
    static readonly List<string> Fine = Enumerable.Range(1, 5).SelectMany(i => new[]
        {
            "12345678901234567890123456789012345.12345678901234567890123456789" + i.ToString(CultureInfo.InvariantCulture),
            "-1.12345678901234567890123456789" + i.ToString(CultureInfo.InvariantCulture),
        })
        .ToList();

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        folder = Directory.CreateTempSubdirectory("bf-decimal-").FullName;
        await servers.OnPrimaryAsync(
            $"CREATE DATABASE {Schema}",
            $"CREATE TABLE {Schema}.amounts (k DECIMAL(40,10) PRIMARY KEY, v VARCHAR(60) NOT NULL) ENGINE=InnoDB",
            $"INSERT INTO {Schema}.amounts VALUES " + string.Join(", ", Amounts.Select(k => $"({k}, 'row {k}')")),
            // Statistics the planner believes: an empty estimate would copy the table with others in one statement.
            $"ANALYZE TABLE {Schema}.amounts");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task WideDecimalKeysAreChunkedJournaledAndVerifiedExactlyWithEachRowInTheBinlogOnce()
    {
        await servers.OnPrimaryAsync(
            $"CREATE TABLE {Schema}.fine (k DECIMAL(65,30) NOT NULL, code VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, v INT, PRIMARY KEY (k, code)) ENGINE=InnoDB",
            $"INSERT INTO {Schema}.fine VALUES " + string.Join(", ", Fine.SelectMany(k => new[] { "a", "B", "c" }.Select((code, i) => $"({k}, '{code}', {i})"))),
            $"ANALYZE TABLE {Schema}.fine");
        var before = await TableState.ReadAllAsync(servers.Replica, Schema);

        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred -Database {Schema} -ChunkSize 3 -Verify -Confirm:$false", Variables(servers));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.All(result.Tables, t => Assert.Equal(TableFlushStatus.Flushed, t.Status));
        Assert.True(result.Tables.Single(t => t.Table == "amounts").Chunks >= Amounts.Count / 3, "the amounts were not chunked");
        Assert.True(result.Tables.Single(t => t.Table == "fine").Chunks >= Fine.Count, "the fine keys were not chunked");
        var after = await TableState.ReadAllAsync(servers.Replica, Schema);
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        await AssertBinlogHoldsExactlyOnceAsync(servers, result, after);

        // Every key once, to its last digit, as the binlog holds it.
        var decoded = await DecodeRangesAsync(servers, result);
        Assert.Equal(Ordered, LoggedKeys(decoded, "amounts"));
        Assert.Equal(Fine.Order(DecimalOrder.Instance).SelectMany(k => new[] { k, k, k }), LoggedKeys(decoded, "fine"));

        Assert.All(result.Verification, v => Assert.True(v.Status == VerificationStatus.Verified, v.ToString()));
        var amounts = result.Verification.Single(v => v.Table == "amounts");
        Assert.Equal(("(-123456789012345678901234567890.0000000012)", "(123456789012345678901234567890.0000000012)"), (amounts.FirstKey, amounts.LastKey));

        // The journal holds the last committed key as the server wrote it: the 39th, after thirteen chunks of three.
        var journaled = Assert.Single(FlushJournal.Load(result.StateFile).Tables.Single(t => t.Table == "amounts").LastChunkKey!);
        Assert.Equal(("decimal", Ordered[38]), (journaled.Type, journaled.Value));
        File.Delete(result.StateFile);
    }

    [Fact]
    public async Task AFlushOverWideDecimalKeysKilledMidCopyResumesAfterItsLastExactKeyWithEachRowOnce()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, Schema);
        await FlushProcess.KillAtAsync(servers, folder, StateFile, "Chunk3", databases: Schema, chunkSize: 3);
        var restore = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", Variables(servers, ("state", StateFile)));
        Assert.True(restore.Errors.Count == 0, string.Join("\n", restore.Errors));
        // The last committed key is journaled as the server wrote it: the ninth, after three chunks of three.
        var last = Assert.Single(FlushJournal.Load(StateFile).Tables.Single().LastChunkKey!);
        var ordered = Ordered;
        Assert.Equal(("decimal", ordered[8]), (last.Type, last.Value));

        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred -Resume -StateFile $state -Database {Schema} -ChunkSize 3 -Verify -Confirm:$false",
            Variables(servers, ("state", StateFile)));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(2, result.BinlogRanges.Count);
        var verified = Assert.Single(result.Verification);
        Assert.True(verified.Status == VerificationStatus.Verified, verified.ToString());
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, Schema));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));

        // The resumed copy began right after the journaled key, and the chunk that was running may repeat: its exact bounds.
        var range = Assert.Single(Assert.Single(result.Tables).MayRepeatRanges);
        Assert.Equal((ordered[8], ordered[11]), (Assert.Single(range.Lower!).Value, Assert.Single(range.Upper!).Value));
        Assert.Equal($"{Schema}.amounts (k) > ({ordered[8]}) and <= ({ordered[11]})", range.Text);
        // Every key in the binlog, and only those of that range more than once.
        var logged = LoggedKeys(await DecodeRangesAsync(servers, result), "amounts");
        Assert.Equal(ordered, logged.Distinct().Order(DecimalOrder.Instance));
        Assert.All(logged.GroupBy(k => k).Where(g => g.Count() > 1), g => Assert.Contains(g.Key, ordered.Skip(9).Take(3)));
    }

    [Fact]
    public async Task AChunkOfWideDecimalKeysCopiedAgainByAResumedRunLiesInsideItsExactRangeAndTheRunVerifies()
    {
        // Stopped at its third boundary query, the run has copied its second chunk but not journaled it: the resumed run
        // copies that chunk again, and -Verify counts its keys inside the range by their exact values.
        var options = new FlushOptions { Selection = new FlushSelection { Databases = new[] { Schema } }, ChunkSize = 3, StateFile = StateFile };
        await InterruptedFlush.StopAtBoundaryAsync(servers, options, boundary: 3);

        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred -Resume -StateFile $state -Database {Schema} -ChunkSize 3 -Verify -Confirm:$false",
            Variables(servers, ("state", StateFile)));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var range = Assert.Single(Assert.Single(result.Tables).MayRepeatRanges);
        var ordered = Ordered;
        Assert.Equal((ordered[2], ordered[5]), (Assert.Single(range.Lower!).Value, Assert.Single(range.Upper!).Value));
        var logged = LoggedKeys(await DecodeRangesAsync(servers, result), "amounts");
        Assert.Equal(ordered.Skip(3).Take(3), logged.GroupBy(k => k).Where(g => g.Count() == 2).Select(g => g.Key));
        Assert.Equal(ordered, logged.Distinct().Order(DecimalOrder.Instance));
        var verified = Assert.Single(result.Verification);
        Assert.True(verified.Status == VerificationStatus.Verified, verified.ToString());
        Assert.Equal((Amounts.Count + 3L, (long)Amounts.Count), (verified.RowsInBinlog, verified.RowsExpected));

        // Against a range that ends before the chunk copied twice, the same binlog holds too many rows and goes back.
        var elsewhere = TableExpectation.Of(result);
        elsewhere[0].MayRepeatRanges = new[] { new RepeatRange { Text = range.Text, Key = range.Key, Upper = range.Lower } };
        var mismatch = Assert.Single(await new FlushVerifier(servers.ReplicaSettings).VerifyAsync(result.BinlogRanges.ToList(), elsewhere, CancellationToken.None));
        Assert.Equal(VerificationStatus.Mismatch, mismatch.Status);
        Assert.Contains($"keys do not increase across chunks: a chunk starts at ({ordered[3]}) after one that ended at ({ordered[5]}) (outside its may-repeat ranges)", mismatch.Problems);
    }

    /// <summary>The first column of each row the binlog holds for the table, as mariadb-binlog prints it.</summary>
    static List<string> LoggedKeys(string decoded, string table) =>
        Regex.Matches(decoded, $@"^### INSERT INTO `{Schema}`.`{table}`\n### SET\n###   @1=(\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Decimal text in numeric order, exactly: the value times 10^40 as a BigInteger.</summary>
    sealed class DecimalOrder : IComparer<string?>
    {
        public static readonly DecimalOrder Instance = new();

        public int Compare(string? x, string? y) => Scaled(x!).CompareTo(Scaled(y!));

        static BigInteger Scaled(string text)
        {
            var negative = text.StartsWith('-');
            var parts = text.TrimStart('-').Split('.');
            var value = BigInteger.Parse(parts[0] + (parts.Length > 1 ? parts[1] : "").PadRight(40, '0'), CultureInfo.InvariantCulture);
            return negative ? -value : value;
        }
    }
}
