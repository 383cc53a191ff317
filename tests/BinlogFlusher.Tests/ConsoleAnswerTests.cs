using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>What a pwsh user sees where a command has nothing to show, and what it advises after a kill.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class ConsoleAnswerTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    string folder = "";

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_answers", "CREATE TABLE bf_answers.items (id INT PRIMARY KEY, v VARCHAR(20))",
            "INSERT INTO bf_answers.items VALUES " + string.Join(", ", Enumerable.Range(1, 3000).Select(i => $"({i}, 'item {i}')")));
        folder = Directory.CreateTempSubdirectory("bf-answers-").FullName;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void ASelectionThatMatchesNoTableIsAWarningNotSilence()
    {
        var run = PowerShellRunner.Run("Get-FlushCandidateTable -HostName $replica -Credential $cred -Database 'nomatch*'", Variables(servers));

        Assert.Empty(run.Output);
        Assert.Empty(run.Errors);
        // One problem, one warning: the pattern that matched nothing.
        Assert.Contains("-Database 'nomatch*' match(es) no table on this server", Assert.Single(run.Warnings).Message);

        // Every pattern matched, but what they leave is nothing.
        var none = PowerShellRunner.Run("Get-FlushCandidateTable -HostName $replica -Credential $cred -Database bf_answers -ExcludeTable 'bf_answers.*'", Variables(servers));
        Assert.Empty(none.Output);
        Assert.EndsWith("no table matches the selection (system schemas are always left out).", Assert.Single(none.Warnings).Message);
    }

    [Fact]
    public void DiscoverOnAHostWithNothingToRestoreSaysEveryTableIsInPlace()
    {
        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover -Confirm:$false", Variables(servers));

        Assert.Empty(run.Output);
        Assert.Empty(run.Errors);
        Assert.Empty(run.Warnings);
        var said = Assert.Single(run.Information);
        Assert.Equal($"{servers.ReplicaSettings.Target}: nothing to restore; every table is in place.", said.MessageData.ToString());
        Assert.Contains("PSHOST", said.Tags);
    }

    [Fact]
    public async Task AfterAKillReadinessAdvisesARestoreAndRestoreWhatIfShowsOnlyWhatIfLines()
    {
        var stateFile = Path.Combine(folder, "state.json");
        await FlushProcess.KillAtAsync(servers, folder, stateFile, "Twin", databases: "bf_answers");
        var target = servers.ReplicaSettings.Target;

        // The BLACKHOLE twin at the table's name is the killed run's: the fix is a restore, not leaving the table out.
        var candidates = PowerShellRunner.Run("Get-FlushCandidateTable -HostName $replica -Credential $cred -Database bf_answers", Variables(servers));
        var blocker = (string)Assert.Single(candidates.Output).Properties["Blocker"].Value;
        Assert.Equal($"an unfinished run set this table aside (what stands at its name is that run's, not the table): put it back with Restore-BinlogFlushState -HostName {target} -Discover", blocker);
        Assert.DoesNotContain("-ExcludeTable", blocker);
        // Readiness names the restore for this host, from the state file the server's record names.
        var readiness = PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName $replica -Credential $cred -Database bf_answers -Detailed", Variables(servers));
        Assert.EndsWith($"Repair it first: Restore-BinlogFlushState -HostName {target} -StateFile {stateFile} (or -Discover without it).", ChecksOf(readiness)["LeftoverState"].Message);

        var whatIf = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover -WhatIf", Variables(servers));
        Assert.Empty(whatIf.Output);
        Assert.Empty(whatIf.Errors);
        Assert.Contains(whatIf.HostText, t => t.StartsWith("What if: ", StringComparison.Ordinal) && t.Contains("bf_answers.items", StringComparison.Ordinal));

        var restore = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover -Confirm:$false", Variables(servers));
        Assert.Empty(restore.Errors);
        Assert.Equal("PutBack", Assert.Single(restore.Output).Properties["Action"].Value.ToString());
    }

    [Fact]
    public async Task ARestoreThatMeetsAConflictSaysSoUnderWhatIfAndKeepsReadOnlyOnWhileTheTwinStands()
    {
        var stateFile = Path.Combine(folder, "conflict.json");
        await FlushProcess.KillAtAsync(servers, folder, stateFile, "Twin", databases: "bf_answers");
        // The backup is gone from where the record says: the BLACKHOLE twin at the name has nothing to be put back from.
        var backup = Convert.ToString(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'bf_answers' AND TABLE_NAME LIKE '\\_bfbk\\_%'"))!;
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", $"RENAME TABLE bf_answers.`{backup}` TO bf_answers.moved_away");
        Assert.Equal(1L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@GLOBAL.read_only")));

        var whatIf = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover -WhatIf", Variables(servers));
        Assert.Empty(whatIf.Output);
        Assert.Equal("RestoreConflict,BinlogFlusher.Commands.RestoreBinlogFlushStateCommand", Assert.Single(whatIf.Errors).FullyQualifiedErrorId);

        var restore = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover -Confirm:$false", Variables(servers));
        Assert.Equal("RestoreConflict,BinlogFlusher.Commands.RestoreBinlogFlushStateCommand", Assert.Single(restore.Errors).FullyQualifiedErrorId);
        // A write into the twin would vanish: read_only stays as the flush set it while the conflict stands.
        Assert.Equal(1L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@GLOBAL.read_only")));
        Assert.Contains(restore.Warnings, w => w.Message.Contains("read_only stays ON", StringComparison.Ordinal));

        // Put it right by hand, as the conflict message says, and the next restore finishes.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "DROP TABLE bf_answers.items", "RENAME TABLE bf_answers.moved_away TO bf_answers.items");
        var again = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover -Confirm:$false", Variables(servers));
        Assert.Empty(again.Errors);
        Assert.Equal(0L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@GLOBAL.read_only")));
    }

    [Fact]
    public void WithoutStateFileTheStateFileIsWrittenInTheCurrentPowerShellLocationAsTheHelpSaysReadableByItsOwnerOnly()
    {
        var run = PowerShellRunner.Run(
            "$null = $ExecutionContext.SessionState.Path.SetLocation($folder); $r = Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_answers -Confirm:$false; $r; " +
            "((Get-Help Invoke-BinlogFlush -Parameter StateFile).description.Text -join ' ')",
            Variables(servers, ("folder", folder)));

        var result = (FlushResult)run.Output[0].BaseObject;
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(folder, Path.GetDirectoryName(result.StateFile));
        // It names the server, its tables and its replication position: readable by its owner alone.
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(result.StateFile));
        Assert.Contains("current PowerShell location", string.Join(" ", ((string)run.Output[1].BaseObject).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
    }
}
