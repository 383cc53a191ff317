using System.Diagnostics;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BinlogFlusher.Tests;

/// <summary>
/// The module where users run it: a real pwsh process of its own that has loaded nothing but the module (and, in the
/// second case of each theory, another module that loaded an older MySqlConnector first). This test process already
/// holds MySqlConnector and the engine, so only a separate process shows whether the module can load them itself.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class CleanPwshTests(ReplicaPairFixture servers, ITestOutputHelper log)
{
    static string Script(string name) => Path.Combine(PowerShellRunner.RepoRoot, "tests", "CleanHost", name);

    static string OldModule => PowerShellRunner.Built(Path.Combine("tests", "OldMySqlModule"), "netstandard2.0", "OldMySqlModule.dll");

    string ReplicaHost => $"127.0.0.1:{servers.Replica.Port}";

    List<string> Arguments(bool otherMySqlConnectorFirst, params string[] more)
    {
        var arguments = new List<string> { "-ModulePath", PowerShellRunner.ModuleManifest, "-User", servers.Replica.User };
        if (otherMySqlConnectorFirst) arguments.AddRange(new[] { "-OtherModulePath", OldModule, "-OtherConnectionString", servers.Replica.ConnectionString() });
        arguments.AddRange(more);
        return arguments;
    }

    Dictionary<string, string> Environment => new() { ["BF_PASSWORD"] = servers.Replica.Password };

    static void AssertNoLoadFailure(PwshProcess.Outcome outcome)
    {
        AssertNoLoadFailure(outcome.Text);
        Assert.Contains("end of script", outcome.Output);
    }

    static void AssertNoLoadFailure(string text)
    {
        Assert.DoesNotContain("Could not load file or assembly", text);
        Assert.DoesNotContain("FileNotFoundException", text);
        Assert.DoesNotContain("UnexpectedError", text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryCmdletWorksInAFreshPwsh(bool otherMySqlConnectorFirst)
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(
            "CREATE DATABASE bf_shop",
            "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)",
            "INSERT INTO bf_shop.items VALUES (1, 'one'), (2, 'two'), (3, 'three')",
            "CREATE TABLE bf_shop.notes (id BIGINT PRIMARY KEY, body TEXT)",
            "INSERT INTO bf_shop.notes VALUES (10, 'x'), (20, NULL)");
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_shop");

        var outcome = await PwshProcess.RunFileAsync(Script("EveryCmdlet.ps1"), Arguments(otherMySqlConnectorFirst, "-HostName", ReplicaHost), Environment);
        log.WriteLine(outcome.ToString());

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        AssertNoLoadFailure(outcome);
        Assert.DoesNotContain("error: ", outcome.Output);
        Assert.Contains("ready: True", outcome.Output);
        Assert.Contains("detailed: True MariaDB tables=2", outcome.Output.Replace("MySQL", "MariaDB"));
        Assert.Contains("candidates: bf_shop.items,bf_shop.notes", outcome.Output);
        Assert.Contains($"What if: Performing the operation \"Flush the table's rows to the binary log\" on target \"bf_shop.items on {ReplicaHost}\"", outcome.Output);
        Assert.Matches(@"flush: Completed rows=5 tables=2 start=\S+:\d+ end=\S+:\d+", outcome.Output);
        Assert.Contains("discover: 0 outcome(s)", outcome.Output);
        // The tables are as they were, and their rows are in the binlog once.
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        var binlog = await ReadBinlogSinceAsync(outcome.Output);
        Assert.Equal(3, BinlogTools.CountInserts(binlog)["`bf_shop`.`items`"]);
        Assert.Equal(2, BinlogTools.CountInserts(binlog)["`bf_shop`.`notes`"]);

        Assert.Contains("loaded: MySqlConnector 2.6.2 in DependencyLoadContext", outcome.Output);
        if (otherMySqlConnectorFirst)
        {
            Assert.Contains("old module: MySqlConnector 2.4.0 talked to", outcome.Output);
            Assert.Contains("loaded: MySqlConnector 2.4.0 in DefaultAssemblyLoadContext", outcome.Output);
        }
        else Assert.DoesNotContain("DefaultAssemblyLoadContext", outcome.Output);
    }

    async Task<string> ReadBinlogSinceAsync(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"start=(\S+):(\d+) end=(\S+):(\d+)");
        return await BinlogTools.DecodeAsync(servers.Replica, match.Groups[1].Value, long.Parse(match.Groups[2].Value), match.Groups[3].Value, long.Parse(match.Groups[4].Value));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ErrorsAreErrorRecordsAndTheNextPipedHostIsStillFlushed(bool otherMySqlConnectorFirst)
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(
            "CREATE DATABASE bf_shop",
            "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)",
            "INSERT INTO bf_shop.items VALUES (1), (2)",
            "CREATE TABLE bf_shop.victim (id INT PRIMARY KEY)",
            "INSERT INTO bf_shop.victim VALUES (7)");
        // The second host: a standalone server (no replication, hence -Force), with the same account and a table of its own.
        await using var second = await servers.StartConsumerAsync();
        var user = servers.Replica.User.Replace("'", "''");
        var password = servers.Replica.Password.Replace("'", "''");
        await ReplicaPairFixture.ExecuteAsync(second.Endpoint,
            "CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.other (id INT PRIMARY KEY)", "INSERT INTO bf_shop.other VALUES (1), (2), (3)",
            $"CREATE USER IF NOT EXISTS '{user}'@'%' IDENTIFIED BY '{password}'", $"ALTER USER '{user}'@'%' IDENTIFIED BY '{password}'",
            $"GRANT ALL ON *.* TO '{user}'@'%' WITH GRANT OPTION");
        var secondServer = second.Endpoint with { User = servers.Replica.User, Password = servers.Replica.Password };
        var secondHost = $"127.0.0.1:{second.Endpoint.Port}";

        // Another session holds bf_shop.victim with LOCK TABLES ... WRITE; once the flush waits for it, that session
        // drops the table, so the flush's next statement on it fails on the server in the middle of the run.
        await using var blocker = await ReplicaPairFixture.OpenAsync(servers.Replica);
        // Unlogged: a local write in the replica's binlog would stop replication under gtid_strict_mode.
        await new MySqlConnector.MySqlCommand("SET SESSION sql_log_bin = 0; LOCK TABLES bf_shop.victim WRITE", blocker).ExecuteNonQueryAsync();
        var waited = "";
        async Task DropWhenTheFlushWaits(Process pwsh)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < deadline && !pwsh.HasExited)
            {
                var rows = await ReplicaPairFixture.QueryAsync(servers.Replica,
                    $"SELECT CONCAT(STATE, ': ', INFO) FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for%lock' AND ID <> {blocker.ServerThread}");
                if (rows.Count > 0)
                {
                    waited = rows[0][0] as string ?? "";
                    await new MySqlConnector.MySqlCommand("DROP TABLE bf_shop.victim", blocker).ExecuteNonQueryAsync();
                    await new MySqlConnector.MySqlCommand("UNLOCK TABLES", blocker).ExecuteNonQueryAsync();
                    return;
                }
                await Task.Delay(20);
            }
        }

        var outcome = await PwshProcess.RunFileAsync(Script("ErrorPaths.ps1"),
            Arguments(otherMySqlConnectorFirst, "-HostName", ReplicaHost, "-SecondHostName", secondHost), Environment, DropWhenTheFlushWaits);
        log.WriteLine($"The flush waited in: {waited}\n{outcome}");

        AssertNoLoadFailure(outcome);
        Assert.True(waited.Length > 0, "The flush never waited for the locked table:\n" + outcome);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("unreachable ready: False", outcome.Output);
        Assert.Matches("unreachable warning: 127.0.0.1:1: .+", outcome.Output);
        var errors = outcome.Output.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        // Unreachable: readiness and candidates, then the first piped host of the flush; wrong password: readiness, candidates, restore.
        Assert.Equal(2, errors.Count(e => e.StartsWith("error: ConnectionFailed,BinlogFlusher.Commands.TestBinlogFlushReadinessCommand | ConnectionError", StringComparison.Ordinal)));
        Assert.Equal(2, errors.Count(e => e.StartsWith("error: ConnectionFailed,BinlogFlusher.Commands.GetFlushCandidateTableCommand | ConnectionError", StringComparison.Ordinal)));
        Assert.Single(errors, e => e.StartsWith("error: ConnectionFailed,BinlogFlusher.Commands.RestoreBinlogFlushStateCommand | ConnectionError | " + ReplicaHost, StringComparison.Ordinal));
        Assert.Single(errors, e => e.StartsWith("error: ConnectionFailed,BinlogFlusher.Commands.InvokeBinlogFlushCommand | ConnectionError | 127.0.0.1:1 ", StringComparison.Ordinal));
        Assert.Contains("after connection errors: 5 error(s)", outcome.Output);
        // The server error mid-run: an error record for that host, its tables put back, and the next host flushed.
        var serverError = Assert.Single(errors, e => e.Contains("InvokeBinlogFlushCommand", StringComparison.Ordinal) && e.Contains(" | " + ReplicaHost + " | ", StringComparison.Ordinal));
        Assert.StartsWith("error: ServerError,BinlogFlusher.Commands.InvokeBinlogFlushCommand | InvalidOperation | " + ReplicaHost + " | BinlogFlusher.Engine.FlushException | ", serverError);
        Assert.Contains("server error 1146 (42S02): Table 'bf_shop.victim' doesn't exist. Every table was put back", serverError);
        Assert.Equal(2, errors.Count(e => e.Contains("InvokeBinlogFlushCommand", StringComparison.Ordinal)));
        Assert.Contains($"result: {ReplicaHost} Failed", outcome.Output);
        Assert.Contains($"result: {secondHost} Completed rows=3", outcome.Output);
        Assert.Equal(2L, await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT COUNT(*) FROM bf_shop.items"));
        Assert.Equal(0L, await ReplicaPairFixture.ScalarAsync(servers.Replica,
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'bf_shop' AND (TABLE_NAME LIKE '\\_bfbk\\_%' OR ENGINE = 'BLACKHOLE')"));
        Assert.Equal(3L, await ReplicaPairFixture.ScalarAsync(secondServer, "SELECT COUNT(*) FROM bf_shop.other"));
    }

    /// <summary>
    /// What './build.ps1 Demo' runs after the build: 'binlog-flusher sandbox' starts a throwaway pair with sample data and
    /// runs the demo script in a fresh pwsh against its replica, then deletes the pair.
    /// </summary>
    [Fact]
    public async Task TheDemoRunsInAFreshPwshAgainstASandboxReplica()
    {
        await PwshProcess.EnsureRestoredAsync();
        var demo = Path.Combine(PowerShellRunner.RepoRoot, "src", "BinlogFlusher", "Demo.ps1");
        using var cli = CliProcess.Start(new Dictionary<string, string> { ["NO_COLOR"] = "1", ["TERM"] = "dumb" },
            "sandbox", "--rows", "3000", "--", "dotnet", "tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-File", demo);
        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromMinutes(3));
        log.WriteLine(cli.Text);

        Assert.True(exitCode == 0, cli.Text);
        AssertNoLoadFailure(cli.Text);
        Assert.Matches(@"PS> Test-BinlogFlushReadiness -HostName 127\.0\.0\.1:\d+ -MyCnf \$cnf -Detailed", cli.Text);
        Assert.Matches(@"\n127\.0\.0\.1:\d+ +(MariaDB|MySQL) .* True ", cli.Text);
        Assert.Matches(@"\ndemo_shop +orders +[\d,]+ ", cli.Text);
        Assert.Contains("What if: Performing the operation \"Flush the table's rows to the binary log\" on target \"demo_shop.orders on 127.0.0.1:", cli.Text);
        Assert.Matches(@"\n127\.0\.0\.1:\d+ +Completed +3 +3,550 ", cli.Text);
        Assert.Matches(@"\ndemo_shop +orders +Flushed +3,000 ", cli.Text);
        // The row events in the flush's range, decoded by the server's own client: every row of every table once.
        Assert.Matches(@"\n +3000 `demo_shop`\.`orders`", cli.Text);
        Assert.Matches(@"\n +500 `demo_shop`\.`customers`", cli.Text);
        Assert.Matches(@"\n +50 `demo_shop`\.`audit_log`", cli.Text);
        Assert.Contains("3 CREATE TABLE statements in the range; 3 of 3 tables logged before their first row.", cli.Text);
        Assert.Contains("The command exited with code 0; the throwaway servers are stopped and deleted now.", cli.Text);
        var myCnf = System.Text.RegularExpressions.Regex.Match(cli.Text, "BINLOGFLUSHER_SANDBOX_MYCNF=(\\S+)").Groups[1].Value;
        Assert.False(File.Exists(myCnf), "The sandbox left its option file behind: " + myCnf);
    }

    [Fact]
    public async Task WithoutACredentialOrAnOptionFileAHostIsRefusedNotTriedWithADefaultAccount()
    {
        var home = Directory.CreateTempSubdirectory("bf-home-").FullName; // no ~/.my.cnf here
        var script = Path.Combine(home, "no-credentials.ps1");
        File.WriteAllText(script, $$"""
            $env:HOME = '{{home}}'
            Import-Module '{{PowerShellRunner.ModuleManifest}}' -ErrorAction Stop
            Test-BinlogFlushReadiness -HostName {{ReplicaHost}} -Detailed -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | ForEach-Object { 'error: ' + $_.FullyQualifiedErrorId + ' | ' + $_ }
            'end of script'
            """);

        var outcome = await PwshProcess.RunFileAsync(script, Array.Empty<string>());
        log.WriteLine(outcome.ToString());
        Directory.Delete(home, recursive: true);

        AssertNoLoadFailure(outcome);
        Assert.Contains($"error: InvalidHostOrOptions,BinlogFlusher.Commands.TestBinlogFlushReadinessCommand | No credentials for {ReplicaHost}: give -MyCnf with an option file whose [client] section has user= and password=, or use -Credential", outcome.Output);
    }

    /// <summary>
    /// Ctrl+C in a real pwsh console (a terminal that script(1) provides; a redirected pwsh ignores Ctrl+C): every
    /// table is back before pwsh returns, and the console says so, with the binlog range and the state file.
    /// </summary>
    [Fact]
    public async Task CtrlCInAPwshConsoleSaysWhatHappenedAndPutsEveryTableBack()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_big", "CREATE TABLE bf_big.rows (id INT PRIMARY KEY, payload VARCHAR(100) NOT NULL)");
        for (var first = 1; first <= 200_000; first += 20_000)
            await servers.OnPrimaryAsync($"INSERT INTO bf_big.rows SELECT seq, REPEAT('r', 50) FROM bf_big.seq_{first}_to_{first + 19_999}");
        var before = await TableState.ReadAllAsync(servers.Replica, "bf_big");
        var stateFile = Path.Combine(Path.GetTempPath(), $"bf-ctrlc-{Guid.NewGuid():N}.json");
        await PwshProcess.EnsureRestoredAsync();

        var pwsh = string.Join(" ", new[] { "dotnet", "tool", "run", "pwsh", "-NoLogo", "-NoProfile", "-File", Script("CtrlC.ps1"),
            "-ModulePath", PowerShellRunner.ModuleManifest, "-HostName", ReplicaHost, "-User", servers.Replica.User, "-StateFile", stateFile }.Select(Quote));
        // A test run started in the background of a non-interactive shell inherits SIGINT ignored, and so would the
        // console: .NET leaves an ignored SIGINT ignored, and ^C would do nothing. A terminal's user has it at its default.
        var start = new ProcessStartInfo("env", new[] { "--default-signal=INT", "script", "-qfec", pwsh, "/dev/null" })
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PowerShellRunner.RepoRoot,
        };
        start.Environment["BF_PASSWORD"] = servers.Replica.Password;
        start.Environment["COLUMNS"] = "400";
        using var console = Process.Start(start)!;
        var screen = new System.Text.StringBuilder();
        using var typing = new SemaphoreSlim(1);
        async Task TypeAsync(string keys)
        {
            await typing.WaitAsync();
            try
            {
                await console.StandardInput.WriteAsync(keys);
                await console.StandardInput.FlushAsync();
            }
            finally { typing.Release(); }
        }
        var reading = Task.Run(async () =>
        {
            // A terminal answers pwsh's cursor-position queries (ESC[6n); unanswered, each one waits for a timeout.
            var buffer = new char[4096];
            int read;
            while ((read = await console.StandardOutput.ReadAsync(buffer)) > 0)
            {
                var chunk = new string(buffer, 0, read);
                lock (screen) screen.Append(chunk);
                for (var i = chunk.IndexOf("\x1b[6n", StringComparison.Ordinal); i >= 0; i = chunk.IndexOf("\x1b[6n", i + 1, StringComparison.Ordinal))
                    await TypeAsync("\x1b[1;1R");
            }
        });
        string Screen() { lock (screen) return screen.ToString(); }

        // When the copy runs, by the server's own record (what the console shows may lag behind it).
        async Task<bool> CopyingAsync() => (await ReplicaPairFixture.QueryAsync(servers.Replica,
            "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = '_binlogflusher' AND TABLE_NAME = 'journal'")).Count > 0
            // This run's row: another test's run may have left a row of its own in the server's record.
            && (await ReplicaPairFixture.QueryAsync(servers.Replica, $"SELECT 1 FROM _binlogflusher.journal WHERE phase = 'Copying' AND state_file = '{stateFile.Replace("'", "''")}'")).Count > 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !await CopyingAsync()) await Task.Delay(20);
        Assert.True(await CopyingAsync(), "the copy never started:\n" + Screen());
        var clock = Stopwatch.StartNew();
        await TypeAsync("\x03");
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && !Screen().Contains("WARNING", StringComparison.Ordinal)) await Task.Delay(20);
        log.WriteLine($"the console said it stopped {clock.ElapsedMilliseconds} ms after Ctrl+C");
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await console.WaitForExitAsync(limit.Token);
        await reading;
        var text = System.Text.RegularExpressions.Regex.Replace(Screen(), @"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r", "");
        log.WriteLine(text);

        Assert.DoesNotContain("not stopped", text);
        var journal = BinlogFlusher.Engine.State.FlushJournal.Load(stateFile);
        Assert.Equal("Interrupted", journal.Status);
        Assert.Contains($"WARNING: {ReplicaHost}: interrupted; every table was put back. The binlog {journal.BinlogStart} .. {journal.BinlogEnd} holds a partial snapshot; state file {stateFile}.", text);
        Assert.Equal(before, await TableState.ReadAllAsync(servers.Replica, "bf_big"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
        Assert.Equal(0L, Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(servers.Replica, "SELECT @@GLOBAL.read_only")));
        File.Delete(stateFile);
    }

    static string Quote(string argument) => "'" + argument.Replace("'", "'\\''") + "'";
}
