using System.Diagnostics;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

[Collection(ReplicaCollection.Name)]
public sealed class FixtureTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public Task InitializeAsync() => servers.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TheReplicaReplicatesAndLogsWhatItApplies()
    {
        var before = await servers.BinlogStatusAsync(servers.Replica);

        await servers.OnPrimaryAsync("CREATE DATABASE fixture_check", "CREATE TABLE fixture_check.t (id INT PRIMARY KEY, word VARCHAR(20))",
            "INSERT INTO fixture_check.t VALUES (42, 'replicated')");

        Assert.Equal("replicated", await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT word FROM fixture_check.t WHERE id = 42"));
        var after = await servers.BinlogStatusAsync(servers.Replica);
        var decoded = await BinlogTools.DecodeAsync(servers.Replica, (string)before[0][0]!, Convert.ToInt64(before[0][1]), (string)after[0][0]!, Convert.ToInt64(after[0][1]));
        Assert.Equal(1, BinlogTools.CountInserts(decoded)["`fixture_check`.`t`"]);
        Assert.Contains("'replicated'", decoded);
    }

    [Fact]
    public async Task ThePairHasWhatTheFlushNeeds()
    {
        var variables = await ReplicaPairFixture.QueryAsync(servers.Replica,
            "SELECT @@log_bin, @@binlog_format, @@log_slave_updates, @@server_id <> (SELECT 0), (SELECT SUPPORT FROM information_schema.ENGINES WHERE ENGINE='BLACKHOLE')");
        Assert.Equal(new object?[] { 1L, "ROW", 1L, 1L, "YES" }, variables[0].Select(v => v is int i ? (long)i : v is ulong u ? (long)u : v).ToArray());
        Assert.NotEqual(await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT @@server_id"), await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@server_id"));
        Assert.NotEqual("", servers.Replica.Password);
    }

    [Fact]
    public async Task ALocalPairLeavesNoProcessOrFolderBehind()
    {
        if (ServerBinaries.Find() is null) throw new InvalidOperationException(ServerBinaries.InstallHint);
        var pair = await LocalReplicaPair.StartAsync();
        var processes = pair.ServerProcessIds;
        var folder = pair.RootDirectory;
        Assert.All(processes, id => Assert.False(Process.GetProcessById(id).HasExited));

        await pair.DisposeAsync();

        await WaitUntil(() => processes.All(Gone) && !Directory.Exists(folder));
        Assert.All(processes, id => Assert.True(Gone(id)));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task AnAbortedRunLeavesNoProcessOrFolderBehind()
    {
        // The demo starts a pair through the same launcher; kill it with SIGKILL once its servers run.
        using var demo = CliProcess.Start("demo", "--rows", "200000");
        var line = await demo.WaitForLineAsync(l => l.StartsWith("Primary 127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var ports = line.Split(' ', ',').Where(p => p.StartsWith("127.0.0.1:", StringComparison.Ordinal)).Select(p => p.Split(':')[1]).ToList();
        Assert.Equal(2, ports.Count);
        var serverPids = ServerProcessesListeningOn(ports);
        Assert.Equal(2, serverPids.Count);

        demo.Kill();

        await WaitUntil(() => serverPids.All(Gone));
        Assert.All(serverPids, id => Assert.True(Gone(id)));
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "binlogflusher-sandbox-*"),
            d => File.Exists(Path.Combine(d, "primary", "my.cnf")) && ports.Any(p => File.ReadAllText(Path.Combine(d, "primary", "my.cnf")).Contains("port=" + p)));
    }

    static List<int> ServerProcessesListeningOn(IEnumerable<string> ports) =>
        Directory.GetDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0).Where(pid => pid > 0)
            .Where(pid =>
            {
                try { return IsServer(pid) && CnfOf(pid) is { } cnf && ports.Any(p => File.ReadAllText(cnf).Contains("port=" + p + "\n")); }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException) { return false; }
            }).ToList();

    static bool IsServer(int pid) => Path.GetFileName(File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0]) is "mariadbd" or "mysqld";

    /// <summary>The server's option file; null for a server started without one (mariadb-install-db's bootstrap, another tool's).</summary>
    static string? CnfOf(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').FirstOrDefault(a => a.StartsWith("--defaults-file=", StringComparison.Ordinal))?["--defaults-file=".Length..];

    static bool Gone(int pid)
    {
        try { return Process.GetProcessById(pid).HasExited; }
        catch (ArgumentException) { return true; }
    }

    static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(100);
    }
}
