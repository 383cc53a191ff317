using System.Globalization;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>A flush of the test replica run by the CLI in a process of its own, to be killed (the crash, restore and resume tests).</summary>
public static class FlushProcess
{
    /// <summary>Starts `binlog-flusher flush` with credentials in a my.cnf in <paramref name="folder"/>; with <paramref name="stopAt"/>, it hangs at that point.</summary>
    /// <param name="releaseFile">With <paramref name="stopAt"/>: the flush goes on once this file exists.</param>
    public static CliProcess Start(ReplicaPairFixture servers, string folder, string stateFile, string? stopAt, string databases = "bf*", int chunkSize = 1000, int? threads = null,
        string? releaseFile = null)
    {
        var cnf = Path.Combine(folder, "my.cnf");
        File.WriteAllText(cnf, $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");
        var environment = new Dictionary<string, string>();
        if (stopAt is not null) environment["BINLOGFLUSHER_TEST_STOP_AT"] = stopAt;
        if (releaseFile is not null) environment["BINLOGFLUSHER_TEST_RELEASE"] = releaseFile;
        var arguments = new List<string>
        {
            "flush", "--host", $"127.0.0.1:{servers.Replica.Port}", "--mycnf", cnf, "--db", databases,
            "--chunk-size", chunkSize.ToString(CultureInfo.InvariantCulture), "--state-file", stateFile,
        };
        if (threads is { } count) arguments.AddRange(new[] { "--threads", count.ToString(CultureInfo.InvariantCulture) });
        return CliProcess.Start(environment, arguments.ToArray());
    }

    /// <summary>Runs the flush until it reaches <paramref name="point"/>, then kills it with SIGKILL.</summary>
    public static async Task KillAtAsync(ReplicaPairFixture servers, string folder, string stateFile, string point, string databases = "bf*", int? threads = null,
        int chunkSize = 1000)
    {
        using var flush = Start(servers, folder, stateFile, point, databases, chunkSize, threads);
        await flush.WaitForLineAsync(line => line == "STOPPED AT " + point, TimeSpan.FromSeconds(60));
        flush.Kill();
    }
}
