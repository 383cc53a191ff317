using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// binlog-flusher as a user gets it: packed (dotnet pack) from a copy of the sources, installed with dotnet tool
/// install, and run. The tests' stop points are not in it: a flush with BINLOGFLUSHER_TEST_STOP_AT set runs through.
/// </summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class PackedToolTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    readonly string work = Directory.CreateTempSubdirectory("bf-packed-").FullName;

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_pack", "CREATE TABLE bf_pack.items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO bf_pack.items VALUES (1, 'a'), (2, 'b')");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(work, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ThePackedToolInstallsRunsAFlushAndHasNoTestStopPoints()
    {
        // Packed from a copy: the repository's own bin folders, which the other tests run from, stay as they are.
        CopySources(Path.Combine(PowerShellRunner.RepoRoot, "src"), Path.Combine(work, "src"));
        var (packExit, packOutput) = await ExternalProgram.RunAsync("dotnet", "pack", Path.Combine(work, "src", "BinlogFlusher.Cli"), "-c", "Release", "-o", Path.Combine(work, "nupkg"));
        Assert.True(packExit == 0, packOutput);
        var (installExit, installOutput) = await ExternalProgram.RunAsync("dotnet", "tool", "install", "binlog-flusher", "--tool-path", Path.Combine(work, "tools"), "--add-source", Path.Combine(work, "nupkg"));
        Assert.True(installExit == 0, installOutput);
        var tool = Path.Combine(work, "tools", "binlog-flusher");
        File.WriteAllText(Path.Combine(work, "my.cnf"), $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");

        var (exit, output) = await ExternalProgram.RunAsync(tool, new Dictionary<string, string> { ["BINLOGFLUSHER_TEST_STOP_AT"] = "JournalWritten" },
            "flush", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", Path.Combine(work, "my.cnf"), "--db", "bf_pack", "--state-file", Path.Combine(work, "state.json"));

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("STOPPED AT", output);
        Assert.Contains("Status:        Completed", output);
    }

    static void CopySources(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, directory);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")) continue;
            Directory.CreateDirectory(Path.Combine(to, relative));
        }
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
