using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Restoring;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>A test that needs a real MySQL server in Docker: skipped, with the reason, where no Docker engine answers.</summary>
public sealed class MySqlFactAttribute : FactAttribute
{
    public MySqlFactAttribute()
    {
        if (!TestcontainersReplicaPair.DockerAnswers())
            Skip = "No Docker engine answers: the MySQL tests start mysql:8.0 and mysql:8.4 with Testcontainers.";
    }
}

/// <summary>A MySQL replica pair of one image, started only where Docker answers.</summary>
public abstract class MySqlPairFixture(string image) : ReplicaPairFixture
{
    public override async Task InitializeAsync()
    {
        if (TestcontainersReplicaPair.DockerAnswers()) await base.InitializeAsync();
    }

    private protected override async Task<IReplicaPairSource> StartSourceAsync() =>
        await TestcontainersReplicaPair.TryStartAsync(image) ?? throw new InvalidOperationException("Docker stopped answering.");
}

public sealed class MySql80Pair() : MySqlPairFixture("mysql:8.0");

public sealed class MySql84Pair() : MySqlPairFixture("mysql:8.4");

/// <summary>
/// What MySQL does differently, on real MySQL servers: readiness with sql_require_primary_key and generated invisible
/// primary keys on, the hard cases flushed and replayed from the binlog, and a killed run put back.
/// </summary>
[Trait("Server", "MySQL")]
public abstract class MySqlServerTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    string workFolder = "";

    public async Task InitializeAsync()
    {
        workFolder = Directory.CreateTempSubdirectory("bf-mysql-").FullName;
        if (!TestcontainersReplicaPair.DockerAnswers()) return;
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(HardCases.Statements(mariaDb: false).ToArray());
        // Both make a key-less CREATE TABLE behave differently; the flush session must turn them off for itself.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET GLOBAL sql_require_primary_key = ON", "SET GLOBAL sql_generate_invisible_primary_key = ON");
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(workFolder, recursive: true);
        if (TestcontainersReplicaPair.DockerAnswers())
            await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET GLOBAL sql_require_primary_key = OFF", "SET GLOBAL sql_generate_invisible_primary_key = OFF");
    }

    string StateFile => Path.Combine(workFolder, "state.json");

    [MySqlFact]
    public void ReadinessPassesAndListsTheCandidates()
    {
        var readiness = PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName $replica -Credential $cred -Database 'bf*' -Detailed", Variables(servers));
        Assert.Empty(readiness.Errors);
        var report = readiness.Output.Single();
        Assert.True((bool)report.Properties["Ready"].Value, string.Join("\n", ChecksOf(readiness).Values.Select(c => c.Name + ": " + c.Message)));
        Assert.Equal(CheckStatus.Pass, ChecksOf(readiness)["RequirePrimaryKey"].Status);

        var candidates = PowerShellRunner.Run("Get-FlushCandidateTable -HostName $replica -Credential $cred -Database 'bf*'", Variables(servers));
        Assert.Empty(candidates.Errors);
        Assert.Contains(candidates.Output, c => (string)c.Properties["Table"].Value == "parent" && (string)c.Properties["Schema"].Value == HardCases.Other);
    }

    [MySqlFact]
    public async Task TheHardCasesFlushOnceAndComeBackExactly()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database 'bf*' -ChunkSize 1000 -StartReplica -Confirm:$false", Variables(servers));

        var result = SingleResult(run);
        Assert.Equal(FlushStatus.Completed, result.Status);
        var after = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        AssertSameTables(before, after);
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        // No my_row_id crept into a key-less table's logged CREATE.
        Assert.DoesNotContain("my_row_id", await DecodeRangesAsync(servers, result));
        await AssertBinlogHoldsExactlyOnceAsync(servers, result, after);
        Assert.True(await SqlThreadRunningAsync(servers.Replica, mariaDb: false));
        File.Delete(result.StateFile);
    }

    [MySqlFact]
    public async Task AFlushKilledMidCopyIsPutBackFromItsStateFile()
    {
        var before = await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas);
        await FlushProcess.KillAtAsync(servers, workFolder, StateFile, "Chunk3");

        var run = PowerShellRunner.Run("Restore-BinlogFlushState -HostName $replica -Credential $cred -StateFile $state -Confirm:$false", Variables(servers, ("state", StateFile)));

        Assert.True(run.Errors.Count == 0, string.Join("\n", run.Errors.Select(e => e.ToString())));
        Assert.Contains(run.Output.Select(o => (RestoreOutcome)o.BaseObject), o => o.Action == RestoreAction.PutBack);
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, HardCases.Schemas));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }
}

public sealed class MySql80Tests(MySql80Pair servers) : MySqlServerTests(servers), IClassFixture<MySql80Pair>;

public sealed class MySql84Tests(MySql84Pair servers) : MySqlServerTests(servers), IClassFixture<MySql84Pair>;
