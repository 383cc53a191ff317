using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// The cmdlets that only read (Get-FlushCandidateTable, Test-BinlogFlushReadiness) as the flush: -Verbose shows the
/// statements sent, and Ctrl+C ends a read the server never answers.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class ReadCmdletTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("Get-FlushCandidateTable -HostName $replica -Credential $cred -Database bf_shop -Verbose")]
    [InlineData("Test-BinlogFlushReadiness -HostName $replica -Credential $cred -Database bf_shop -Verbose")]
    public void VerboseShowsEveryStatementSent(string script)
    {
        var run = PowerShellRunner.Run(script, Variables(servers));

        Assert.Empty(run.Errors);
        Assert.Contains(run.Verbose, v => v.Message == $"{servers.ReplicaSettings.Target}: SELECT VERSION()");
        Assert.Contains(run.Verbose, v => v.Message.StartsWith($"{servers.ReplicaSettings.Target}: SHOW GLOBAL VARIABLES WHERE Variable_name IN", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Verbose, v => v.Message.Contains(servers.Replica.Password));
    }

    [Theory]
    [InlineData("Get-FlushCandidateTable")]
    [InlineData("Test-BinlogFlushReadiness")]
    public void CtrlCEndsAReadThatTheServerNeverAnswers(string cmdlet)
    {
        // A port that accepts connections and never says a word: the client waits for the server's greeting.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var stoppedAfter = TimeSpan.Zero;

        var run = PowerShellRunner.Run($"{cmdlet} -HostName 127.0.0.1:{port} -Credential $cred", Variables(servers), whileRunning: (shell, _) =>
        {
            Thread.Sleep(1500);
            var clock = Stopwatch.StartNew();
            shell.Stop();
            stoppedAfter = clock.Elapsed;
        });

        Assert.IsType<PipelineStoppedException>(run.Terminating);
        // The connection's own timeout is 10 s: the stop ended the wait, not the timeout.
        Assert.True(stoppedAfter < TimeSpan.FromSeconds(5), $"Stop() took {stoppedAfter}");
    }
}
