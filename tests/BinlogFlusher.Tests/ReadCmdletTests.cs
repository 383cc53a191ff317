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
        // Text literals as quoted text, not as the hex they are sent as.
        Assert.Contains(run.Verbose, v => v.Message.StartsWith($"{servers.ReplicaSettings.Target}: SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_id', 'log_bin', ", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Verbose, v => v.Message.Contains("X'", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Verbose, v => v.Message.Contains(servers.Replica.Password));
        // Which account, from where: the first thing -Verbose says of the host.
        Assert.Equal($"{servers.ReplicaSettings.Target}: credentials: user '{servers.Replica.User}' from -Credential", run.Verbose[0].Message);
        Assert.Empty(run.Warnings);
    }

    /// <summary>
    /// An option file without user= logs in as this process's login name, as the mysql client does: never silently.
    /// The warning comes before the connection is tried, whether the server then takes the login or not.
    /// </summary>
    [Fact]
    public void AnOptionFileThatNamesNoUserLogsInAsTheLoginNameWithAWarning()
    {
        var cnf = Path.Combine(Path.GetTempPath(), $"bf-nouser-{Guid.NewGuid():N}.cnf");
        File.WriteAllText(cnf, "[client]\nprotocol=TCP\n");
        try
        {
            var run = PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName $replica -MyCnf $cnf -Detailed -Verbose", Variables(servers, ("cnf", cnf)));

            var target = servers.ReplicaSettings.Target;
            var warning = Assert.Single(run.Warnings).Message;
            Assert.Equal($"{target}: {cnf} names no user in its [client] section, so this logs in as '{Environment.UserName}', this process's login name, without a password. Name the account with user= and password= there, or use -Credential.", warning);
            Assert.Contains(run.Verbose, v => v.Message == $"{target}: credentials: user '{Environment.UserName}', this process's login name ({cnf} names no user=), without a password");
            // Refused or not, a failed login names what was tried.
            foreach (var error in run.Errors.Where(e => e.FullyQualifiedErrorId.StartsWith("ConnectionFailed", StringComparison.Ordinal)))
                Assert.EndsWith($"Check the host and port, and the credentials: {cnf} names no user=, so this process's login name '{Environment.UserName}' was used, without a password.", error.ErrorDetails.Message);
        }
        finally
        {
            File.Delete(cnf);
        }
    }

    [Fact]
    public void RootWithoutAPasswordIsAWarning()
    {
        var cnf = Path.Combine(Path.GetTempPath(), $"bf-root-{Guid.NewGuid():N}.cnf");
        File.WriteAllText(cnf, "[client]\nuser=root\n");
        try
        {
            var run = PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName $replica -MyCnf $cnf -Detailed -Verbose", Variables(servers, ("cnf", cnf)));

            var target = servers.ReplicaSettings.Target;
            Assert.Equal($"{target}: logging in as root without a password (user 'root' from {cnf}, without a password): add password= to the [client] section of {cnf}, or name an account of the flush's own.",
                Assert.Single(run.Warnings).Message);
            Assert.Contains(run.Verbose, v => v.Message == $"{target}: credentials: user 'root' from {cnf}, without a password");
        }
        finally
        {
            File.Delete(cnf);
        }
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
