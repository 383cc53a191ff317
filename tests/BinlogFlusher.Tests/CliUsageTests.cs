using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>binlog-flusher's help and its usage errors: no server is involved, so these run beside the replica tests.</summary>
public sealed class CliUsageTests
{
    [Theory]
    [InlineData(new[] { "--help" }, new[] { "demo", "plan", "flush", "recover", "verify", "Exit codes:", "3  refused, nothing changed: by preflight", "4  cannot connect or log in", "5  flush --verify, verify: the flush completed, but its binlog differs", "6  flush --verify, verify: the flush completed, but its binlog could not be read back", "[client] section of --mycnf" })]
    [InlineData(new[] { "flush", "--help" }, new[] { "--host", "--port", "--mycnf", "--db", "--table", "--skip", "--stop-slave", "--no-stop-slave", "--start-slave", "--no-start-slave",
        "--state-file", "--threads", "--chunk-size", "--reset-binary-logs", "--dry-run", "--force", "Examples:", "Exit codes:" })]
    [InlineData(new[] { "recover", "--help" }, new[] { "--host", "--hashfile", "--discover", "--db", "--table", "--skip", "--no-stop-slave", "--start-slave", "_BKTB_1,table" })]
    [InlineData(new[] { "plan", "-h" }, new[] { "--host", "--db", "--no-stop-slave", "--force", "Exit 0 when a flush would start, 3 when it would be refused" })]
    public async Task HelpNamesEveryCommandAndFlagAndExits0(string[] arguments, string[] expected)
    {
        var (exit, cli) = await CliProcess.RunAsync(arguments);
        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            foreach (var text in expected) Assert.Contains(text, cli.Text);
            Assert.Empty(cli.ErrorLines);
        }
    }

    [Theory]
    [InlineData(new[] { "flush", "--db", "bf_cli" }, "--host is required: name the replica, as --host replica1")]
    [InlineData(new[] { "flush", "--host", "replica1", "--bogus" }, "unknown flag '--bogus'")]
    [InlineData(new[] { "flush", "--host", "replica1", "--tabel", "items" }, "Did you mean --table?")]
    [InlineData(new[] { "flush", "--host", "replica1", "--threads", "0" }, "--threads takes a whole number from 1 to 64, not '0'")]
    [InlineData(new[] { "flush", "--host", "replica1", "--db", "" }, "--db was given without a name")]
    [InlineData(new[] { "flush", "--host", "replica1", "--stop-slave", "--no-stop-slave" }, "contradict each other")]
    [InlineData(new[] { "flush", "--host", "replica1:x" }, "no valid port")]
    [InlineData(new[] { "recover", "--host", "replica1" }, "--hashfile F (the old tool's rollback file, or the state file binlog-flusher flush wrote), or --discover")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "flush", "--host", "replica1", "--password", "Not-This-Secret-1" }, "[client] section of an option file")]
    [InlineData(new string[0], "Exit codes:")]
    public async Task BadUsageExits2WithAMessageThatNamesTheFix(string[] arguments, string message)
    {
        var (exit, cli) = await CliProcess.RunAsync(arguments);
        using (cli)
        {
            Assert.True(exit == 2, cli.Text);
            Assert.Contains(message, cli.Text);
            Assert.DoesNotContain("Not-This-Secret-1", cli.Text);
        }
    }

    /// <summary>A host that does not answer: exit 4 for every command that connects, naming the option file whose login was tried.</summary>
    [Theory]
    [InlineData("plan")]
    [InlineData("flush")]
    [InlineData("recover", "--discover")]
    public async Task AnUnreachableHostExits4(string command, params string[] more)
    {
        var cnf = Path.Combine(Path.GetTempPath(), $"bf-unreachable-{Guid.NewGuid():N}.cnf");
        File.WriteAllText(cnf, "[client]\nuser=nobody\npassword=Not-This-Secret-4\n");
        try
        {
            var (exit, cli) = await CliProcess.RunAsync([command, "--host", "127.0.0.1:1", "--mycnf", cnf, .. more]);
            using (cli)
            {
                Assert.True(exit == 4, cli.Text);
                var error = Assert.Single(cli.ErrorLines);
                Assert.StartsWith("binlog-flusher: Cannot connect to nobody@127.0.0.1:1: ", error);
                Assert.EndsWith($". Check the host and port, and the user and password in the [client] section of {cnf}.", error);
                Assert.DoesNotContain("Not-This-Secret-4", cli.Text);
            }
        }
        finally
        {
            File.Delete(cnf);
        }
    }

    /// <summary>No --mycnf and no ~/.my.cnf or ~/my.cnf: refused as bad usage, never a silent login as this process's user.</summary>
    [Fact]
    public async Task WithoutAnyOptionFileTheHostIsRefusedAndNoLoginIsTried()
    {
        var home = Directory.CreateTempSubdirectory("bf-home-").FullName;
        try
        {
            using var cli = CliProcess.Start(new Dictionary<string, string> { ["HOME"] = home }, "plan", "--host", "127.0.0.1:1");
            var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));

            Assert.True(exit == 2, cli.Text);
            Assert.Contains("No credentials for 127.0.0.1:1: give --mycnf with an option file whose [client] section has user= and password= (there is no ~/.my.cnf or ~/my.cnf).", cli.Text);
            Assert.DoesNotContain("Cannot connect", cli.Text);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
