using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>Leaving one table out: the advice a refusal gives, followed as given, flushes the rest and never touches that table.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class ExcludeTableFlushTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    readonly string folder = Directory.CreateTempSubdirectory("bf-exclude-").FullName;

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        // A table no flush can take: system-versioned on MariaDB, an engine without local rows on MySQL.
        await servers.OnPrimaryAsync("CREATE DATABASE bf_feat",
            "CREATE TABLE bf_feat.items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO bf_feat.items VALUES (1, 'a'), (2, 'b')",
            "CREATE TABLE bf_feat.notes (id INT PRIMARY KEY)", "INSERT INTO bf_feat.notes VALUES (7)",
            servers.IsMariaDb ? "CREATE TABLE bf_feat.versioned (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING" : "CREATE TABLE bf_feat.versioned (id INT PRIMARY KEY, v INT) ENGINE=BLACKHOLE",
            "INSERT INTO bf_feat.versioned VALUES (1, 10)");
        File.WriteAllText(Path.Combine(folder, "my.cnf"), $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TheRefusalNamesTheExactValueAndFlushingWithItTakesEveryOtherTableAndLeavesThatOneAlone()
    {
        var refused = PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName $replica -Credential $cred -Database bf_feat -Detailed", Variables(servers));
        var tables = ((object[])refused.Output.Single().Properties["Checks"].Value).Select(c => c.ToString()).Single(c => c!.Contains("Tables"));
        Assert.Contains("bf_feat.versioned: ", tables);
        Assert.Contains("leave it out with -ExcludeTable bf_feat.versioned", tables);
        var (planExit, plan) = await CliProcess.RunAsync("plan", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", Path.Combine(folder, "my.cnf"), "--db", "bf_feat");
        Assert.Equal(3, planExit);
        Assert.Contains("leave it out with --skip-table bf_feat.versioned", System.Text.RegularExpressions.Regex.Replace(plan.Text, @"\s+", " "));

        var versionedBefore = await TableState.ReadAsync(servers.Replica, "bf_feat", "versioned");
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_feat");
        Assert.True((bool)PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName $replica -Credential $cred -Database bf_feat -ExcludeTable bf_feat.versioned", Variables(servers)).Output.Single().BaseObject);

        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_feat -ExcludeTable bf_feat.versioned -Confirm:$false", Variables(servers));

        var result = run.Single<FlushResult>();
        Assert.Equal(FlushStatus.Completed, result.Status);
        Assert.Equal(new[] { "items", "notes" }, result.Tables.Select(t => t.Table).Order());
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_feat"));
        Assert.Equal(versionedBefore, await TableState.ReadAsync(servers.Replica, "bf_feat", "versioned"));
        var decoded = await DecodeRangesAsync(servers, result);
        Assert.Equal(2, BinlogTools.CountInserts(decoded)["`bf_feat`.`items`"]);
        Assert.DoesNotContain("versioned", decoded);

        // The command line takes the same value.
        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", Path.Combine(folder, "my.cnf"),
            "--db", "bf_feat", "--skip-table", "bf_feat.versioned", "--state-file", Path.Combine(folder, "cli.json"));
        Assert.True(exit == 0, cli.Text);
        Assert.Equal(versionedBefore, await TableState.ReadAsync(servers.Replica, "bf_feat", "versioned"));
    }
}
