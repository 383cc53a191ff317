using System.Globalization;
using BinlogFlusher.Engine.Binlog;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Engine.Verifying;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// Test-BinlogFlushResult / binlog-flusher verify: a finished run verified later from the state file it left, against
/// the replica's binlog as it is now.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class VerifyFromStateFileTests(ReplicaPairFixture servers) : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("bf-verify-state-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A flush of two small tables (items with a key, notes without) whose state file is kept.</summary>
    async Task<(FlushResult Result, string StateFile)> FlushAsync(string arguments = "")
    {
        await VerifyTests.SmallSchemaAsync(servers);
        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_verify {arguments} -Confirm:$false", Variables(servers));
        var result = SingleResult(run);
        var state = Path.Combine(folder, "state.json");
        File.Move(result.StateFile, state);
        Assert.Equal(FlushStatus.Completed, result.Status);
        return (result, state);
    }

    static void Edit(string state, Action<FlushJournal> change)
    {
        var journal = FlushJournal.Load(state);
        change(journal);
        File.WriteAllText(state, journal.ToJson());
    }

    PowerShellRun Verify(string state, bool detailed = true) =>
        PowerShellRunner.Run($"Test-BinlogFlushResult -HostName $replica -Credential $cred -StateFile $state{(detailed ? " -Detailed" : "")}", Variables(servers, ("state", state)));

    Task<(int, CliProcess)> VerifyWithCliAsync(string state)
    {
        var cnf = Path.Combine(folder, "my.cnf");
        File.WriteAllText(cnf, $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");
        return CliProcess.RunAsync("verify", "--host", $"127.0.0.1:{servers.Replica.Port.ToString(CultureInfo.InvariantCulture)}", "--mycnf", cnf, "--hashfile", state);
    }

    [Fact]
    public async Task EachTableTheStateFileRecordsAsFlushedIsVerifiedAndOnlyThose()
    {
        var (_, state) = await FlushAsync();
        Edit(state, journal => journal.Tables.Single(t => t.Table == "notes").Flushed = false);

        var run = Verify(state);

        Assert.Empty(run.Errors);
        var table = Assert.Single(run.Output);
        Assert.Contains("BinlogFlusher.TableVerification", table.TypeNames);
        var verification = (TableVerification)table.BaseObject;
        Assert.Equal(("bf_verify", "items", VerificationStatus.Verified), (verification.Schema, verification.Table, verification.Status));
        Assert.Equal((5L, 5L), (verification.RowsInBinlog, verification.RowsExpected));
        Assert.Equal(servers.Replica.Port, (int)table.Properties["Port"].Value);
        // Without -Detailed, as Test-BinlogFlushReadiness: one Boolean.
        Assert.Equal(true, Assert.Single(Verify(state, detailed: false).Output).BaseObject);
    }

    [Fact]
    public async Task ARunThatDidNotCompleteIsNotVerified()
    {
        var (_, state) = await FlushAsync();
        Edit(state, journal => journal.Status = "Interrupted");

        var run = Verify(state);

        Assert.Empty(run.Output);
        var error = Assert.Single(run.Errors);
        Assert.Equal("InvalidInput,BinlogFlusher.Commands.TestBinlogFlushResultCommand", error.FullyQualifiedErrorId);
        Assert.Contains("did not complete (status Interrupted)", error.Exception.Message);
    }

    [Fact]
    public async Task TheCliOnARangeWhoseFilesAreGoneExits6NotAsAMismatch()
    {
        var (_, state) = await FlushAsync();
        var first = (string)(await ReplicaPairFixture.QueryAsync(servers.Replica, "SHOW BINARY LOGS"))[0][0]!;
        Edit(state, journal => journal.BinlogRanges[0].Start = new Engine.Server.BinlogCoordinates { File = first.Substring(0, first.LastIndexOf('.') + 1) + "000000", Position = 4 });

        var (exit, cli) = await VerifyWithCliAsync(state);

        using (cli)
        {
            // Not "differs" (5): nothing is known of the binlog, and a script must tell the two apart.
            Assert.True(exit == 6, cli.Text + "\n" + string.Join("\n", cli.ErrorLines));
            Assert.Contains(cli.ErrorLines, l => l.Contains("may have been purged", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AStateFileOfAnotherServerIsRefusedAsARestoreRefusesIt()
    {
        var (_, state) = await FlushAsync();
        Edit(state, journal => journal.ServerId += 1000);

        var run = Verify(state);

        Assert.Empty(run.Output);
        var error = Assert.Single(run.Errors);
        Assert.Equal("StateFileHostMismatch,BinlogFlusher.Commands.TestBinlogFlushResultCommand", error.FullyQualifiedErrorId);
        Assert.Contains("or verify ", error.Exception.Message);
    }

    [Fact]
    public async Task TheCliPrintsALinePerTableAndTheSummaryAndExitsZero()
    {
        var (_, state) = await FlushAsync();

        var (exit, cli) = await VerifyWithCliAsync(state);

        using (cli)
        {
            Assert.True(exit == 0, cli.Text + "\n" + string.Join("\n", cli.ErrorLines));
            Assert.Contains(cli.Lines, l => l.StartsWith("bf_verify.items: Verified, 5 of 5 rows", StringComparison.Ordinal));
            Assert.Contains(cli.Lines, l => l.StartsWith("bf_verify.notes: Verified, 1 of 1 rows", StringComparison.Ordinal));
            Assert.Contains("Verify: 2 of 2 tables verified", cli.Lines);
            Assert.Empty(cli.ErrorLines);
        }
    }

    /// <summary>A flush in chunks of 2, its state file edited to end the run's range at the items table's last row event: its last chunk and all after are left out.</summary>
    async Task<string> FlushAndCutTheRangeShortAsync()
    {
        var (result, state) = await FlushAsync("-ChunkSize 2");
        var range = Assert.Single(result.BinlogRanges);
        var events = new List<BinlogEvent>();
        await foreach (var e in BinlogReader.ReadAsync(servers.ReplicaSettings, range.Start!, range.End, CancellationToken.None)) events.Add(e);
        var lastItems = events.OfType<WriteRowsEvent>().Last(w => w.Table.Table == "items");
        var end = new BinlogCoordinates { File = lastItems.File, Position = lastItems.Position };
        Edit(state, journal =>
        {
            journal.BinlogEnd = end;
            journal.BinlogRanges = new List<BinlogRange> { new BinlogRange { Start = range.Start, End = end } };
        });
        return state;
    }

    [Fact]
    public async Task ARangeCutShortInTheStateFileIsOneVerificationMismatchNamingTheTable()
    {
        var state = await FlushAndCutTheRangeShortAsync();

        var run = Verify(state);

        var error = Assert.Single(run.Errors);
        Assert.Equal("VerificationMismatch,BinlogFlusher.Commands.TestBinlogFlushResultCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        Assert.Contains("bf_verify.items: Mismatch", error.Exception.Message);
        Assert.Contains(" rows in the binlog, 5 copied", error.Exception.Message);
        var items = run.Output.Select(o => (TableVerification)o.BaseObject).Single(v => v.Table == "items");
        Assert.Equal(VerificationStatus.Mismatch, items.Status);
        Assert.True(items.RowsInBinlog < 5, items.ToString());

        // Without -Detailed: $false, and the difference as a warning, not an error.
        var plain = Verify(state, detailed: false);
        Assert.Equal(false, Assert.Single(plain.Output).BaseObject);
        Assert.Empty(plain.Errors);
        Assert.Contains("bf_verify.items: Mismatch", Assert.Single(plain.Warnings).Message);
    }

    [Fact]
    public async Task TheCliOnARangeCutShortExits5AndNamesTheTableOnStderr()
    {
        var state = await FlushAndCutTheRangeShortAsync();

        var (exit, cli) = await VerifyWithCliAsync(state);

        using (cli)
        {
            Assert.True(exit == 5, cli.Text + "\n" + string.Join("\n", cli.ErrorLines));
            Assert.Contains(cli.ErrorLines, l => l.StartsWith("binlog-flusher: Verify: bf_verify.items: Mismatch", StringComparison.Ordinal));
            Assert.Contains(cli.Lines, l => l.StartsWith("Verify: ", StringComparison.Ordinal) && l.EndsWith(" of 2 tables verified", StringComparison.Ordinal) && !l.StartsWith("Verify: 2 ", StringComparison.Ordinal));
        }
    }
}
