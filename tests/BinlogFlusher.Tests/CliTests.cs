using System.Globalization;
using System.Text.RegularExpressions;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// binlog-flusher as the old tool's cron jobs and runbooks call it: the built CLI run as a process (output redirected,
/// no terminal on standard input) against the real replica, with credentials from a my.cnf. Each test asserts on the
/// exit code, on what the operator reads, and on what the server and its binlog say.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class CliTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    string folder = "";
    string cnf = "";
    List<TableState> before = new();

    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_cli",
            "CREATE TABLE bf_cli.items (id INT PRIMARY KEY, name VARCHAR(20), KEY by_name (name))",
            "INSERT INTO bf_cli.items VALUES (1, 'a'), (2, 'b'), (3, 'c')",
            "CREATE TABLE bf_cli.orders (id INT PRIMARY KEY, item INT NOT NULL, amount DECIMAL(10,2))",
            "INSERT INTO bf_cli.orders VALUES (7, 1, 9.50), (8, 3, 12.00)",
            "CREATE TABLE bf_cli.notes (at DATETIME NOT NULL, note TEXT)",
            "INSERT INTO bf_cli.notes VALUES ('2026-01-02 03:04:05', 'no key at all')");
        before = await TableState.ReadAllAsync(servers.Replica, "bf_cli");
        folder = Directory.CreateTempSubdirectory("bf-cli-").FullName;
        cnf = Path.Combine(folder, "my.cnf");
        File.WriteAllText(cnf, $"[client]\nuser={servers.Replica.User}\npassword=\"{servers.Replica.Password}\"\n");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    string Replica => $"127.0.0.1:{servers.Replica.Port.ToString(CultureInfo.InvariantCulture)}";
    string StateFile => Path.Combine(folder, "state.json");

    /// <summary>What "nothing changed" means beyond the tables: the binlog position, the binlog files, replication.</summary>
    sealed record ServerSnapshot(string Binlog, string Files, bool SqlThreadRunning);

    async Task<ServerSnapshot> ServerSnapshotAsync()
    {
        var position = await servers.BinlogStatusAsync(servers.Replica);
        var files = await ReplicaPairFixture.QueryAsync(servers.Replica, "SHOW BINARY LOGS");
        return new ServerSnapshot($"{position[0][0]}:{position[0][1]}", string.Join(",", files.Select(f => f[0])), await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
    }

    async Task AssertTablesIntactAsync()
    {
        AssertSameTables(before, await TableState.ReadAllAsync(servers.Replica, "bf_cli"));
        Assert.Empty(await TableState.LeftoversAsync(servers.Replica));
    }

    void AssertNoPasswordIn(CliProcess cli)
    {
        if (servers.Replica.Password.Length > 0) Assert.DoesNotContain(servers.Replica.Password, cli.Text);
    }

    /// <summary>The binlog range the report names ("Binlog start:  file:pos"), decoded: row inserts per `schema`.`table`.</summary>
    async Task<Dictionary<string, int>> InsertsInReportedRangeAsync(CliProcess cli)
    {
        (string File, long Position) Coordinates(string label)
        {
            var line = cli.Lines.Single(l => l.StartsWith(label, StringComparison.Ordinal));
            var match = Regex.Match(line, @"^" + label + @"\s+(\S+):(\d+)");
            Assert.True(match.Success, line);
            return (match.Groups[1].Value, long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        var start = Coordinates("Binlog start:");
        var end = Coordinates("Binlog end:");
        var decoded = await BinlogTools.DecodeAsync(servers.Replica, start.File, start.Position, end.File, end.Position);
        Assert.DoesNotContain("_bfbk_", decoded);
        return BinlogTools.CountInserts(decoded);
    }

    [Fact]
    public async Task FlushWithTheOldToolsFlagsWritesEveryRowToTheBinlogAndLeavesReplicationStopped()
    {
        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--state-file", StateFile);
        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            Assert.Contains(cli.Lines, l => l == "Status:        Completed");
            var inserts = await InsertsInReportedRangeAsync(cli);
            Assert.Equal(3, inserts["`bf_cli`.`items`"]);
            Assert.Equal(2, inserts["`bf_cli`.`orders`"]);
            Assert.Equal(1, inserts["`bf_cli`.`notes`"]);
            // Output redirected: plain lines, never the terminal's carriage-return progress line.
            Assert.DoesNotContain(cli.Lines, l => l.Contains('\r'));
            AssertNoPasswordIn(cli);
            // A cron user reads that the replica now lags, and how to start it, in this server's spelling.
            Assert.Contains(cli.ErrorLines, l => l.StartsWith("WARNING: ", StringComparison.Ordinal) && l.Contains("the run left the replication SQL thread stopped, so the replica falls behind its source: start it with START ")
                                                 && l.EndsWith("or give --start-slave next time.", StringComparison.Ordinal));
        }
        await AssertTablesIntactAsync();
        // The old tool's defaults: replication stopped for the flush, and not started again.
        Assert.False(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
        Assert.True(File.Exists(StateFile));
    }

    [Fact]
    public async Task FlushOfOneTableWithStartSlaveStartsReplicationAgain()
    {
        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", Replica, "--mycnf", cnf, "--table", "bf_cli.items", "--start-slave", "--state-file", StateFile);
        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            var inserts = await InsertsInReportedRangeAsync(cli);
            Assert.Equal(3, inserts["`bf_cli`.`items`"]);
            Assert.False(inserts.ContainsKey("`bf_cli`.`orders`"), "only the table named with --table is flushed");
        }
        await AssertTablesIntactAsync();
        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
    }

    [Fact]
    public async Task NoStopSlaveWhileReplicationRunsIsRefusedWithExit3AndChangesNothing()
    {
        var serverBefore = await ServerSnapshotAsync();

        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--no-stop-slave", "--state-file", StateFile);

        using (cli)
        {
            Assert.True(exit == 3, cli.Text);
            var refusal = Assert.Single(cli.ErrorLines, l => l.Contains("Refusing to flush " + Replica));
            Assert.Contains("replicated writes would fall into the BLACKHOLE twins", refusal);
            // The fix in the command line's words, not the cmdlets'.
            Assert.Contains("leave --no-stop-slave out, or use --force", refusal);
            Assert.DoesNotContain("-NoReplicaStop", refusal);
            Assert.Contains("Nothing was changed.", refusal);
        }
        await AssertTablesIntactAsync();
        Assert.Equal(serverBefore, await ServerSnapshotAsync());
        Assert.False(File.Exists(StateFile), "a refused flush writes no state file");
    }

    [Fact]
    public async Task ResetBinaryLogsWithoutATerminalIsRefusedUnlessForced()
    {
        var serverBefore = await ServerSnapshotAsync();

        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--reset-binary-logs", "--state-file", StateFile);

        using (cli)
        {
            Assert.True(exit == 3, cli.Text);
            var refusal = Assert.Single(cli.ErrorLines, l => l.Contains("--reset-binary-logs"));
            Assert.Contains("standard input is not a terminal", refusal);
            Assert.Contains("Add --force", refusal);
        }
        await AssertTablesIntactAsync();
        Assert.Equal(serverBefore, await ServerSnapshotAsync());
        Assert.False(File.Exists(StateFile));
    }

    [Fact]
    public async Task DryRunPrintsWhatWouldHappenPerTableAndChangesNothing()
    {
        var serverBefore = await ServerSnapshotAsync();

        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--dry-run", "--reset-binary-logs", "--chunk-size", "500", "--state-file", StateFile);

        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            // A few rows and chunks of up to 500: one chunk.
            Assert.Contains(cli.Lines, l => l.StartsWith("Would flush bf_cli.items: about", StringComparison.Ordinal) && l.Contains(" rows, in one chunk on (id)") && l.Contains("secondary indexes dropped: 1"));
            Assert.Contains(cli.Lines, l => l.StartsWith("Would flush bf_cli.orders:", StringComparison.Ordinal));
            Assert.Contains(cli.Lines, l => l.StartsWith("Would flush bf_cli.notes:", StringComparison.Ordinal) && l.Contains("in one statement (no chunk key: no primary key or NOT NULL unique key)"));
            Assert.Contains(cli.Lines, l => l.StartsWith("Replication: would stop the SQL thread", StringComparison.Ordinal));
            Assert.Contains(cli.Lines, l => l.StartsWith("Binary logs: would all be deleted first", StringComparison.Ordinal));
            Assert.Contains(cli.Lines, l => l.Contains("Nothing was changed."));
            AssertNoPasswordIn(cli);
        }
        // Chunks of one row: a table estimated at more rows goes in chunks.
        var (oneRowExit, oneRow) = await CliProcess.RunAsync("flush", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--dry-run", "--chunk-size", "1", "--state-file", StateFile);
        using (oneRow)
        {
            Assert.True(oneRowExit == 0, oneRow.Text);
            var items = Assert.Single(oneRow.Lines, l => l.StartsWith("Would flush bf_cli.items: about ", StringComparison.Ordinal));
            var estimate = long.Parse(Regex.Match(items, @"about ([\d,]+) rows?,").Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            Assert.Contains(estimate > 1 ? ", in chunks of 1 row on (id)" : ", in one chunk on (id)", items);
        }
        // Not a table, not the binlog, not replication, no state file.
        await AssertTablesIntactAsync();
        Assert.Equal(serverBefore, await ServerSnapshotAsync());
        Assert.False(File.Exists(StateFile));
    }

    /// <summary>The CLI run with HOME set to a folder of the test's own: ~/.my.cnf is what the test put there, or nothing.</summary>
    async Task<(int ExitCode, CliProcess Process)> RunWithHomeAsync(string home, params string[] arguments)
    {
        var cli = CliProcess.Start(new Dictionary<string, string> { ["HOME"] = home }, arguments);
        return (await cli.WaitForExitAsync(TimeSpan.FromMinutes(2)), cli);
    }

    /// <summary>--verbose names the account and the option file it came from: --mycnf's, or ~/.my.cnf when none was given.</summary>
    [Fact]
    public async Task VerboseNamesTheAccountAndTheOptionFileItCameFrom()
    {
        var home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
        File.Copy(cnf, Path.Combine(home, ".my.cnf"));

        var (exit, cli) = await RunWithHomeAsync(home, "flush", "--host", Replica, "--db", "bf_cli", "--dry-run", "--verbose");
        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            Assert.Equal($"{Replica}: credentials: user '{servers.Replica.User}' from {Path.Combine(home, ".my.cnf")}", cli.ErrorLines[0]);
            Assert.DoesNotContain(cli.Lines, l => l.StartsWith("WARNING:", StringComparison.Ordinal));
            // The statements' text literals as quoted text, not as the hex they are sent as.
            Assert.Contains(cli.ErrorLines, l => l.StartsWith("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_id', 'log_bin', ", StringComparison.Ordinal));
            Assert.DoesNotContain("X'", cli.Text);
            AssertNoPasswordIn(cli);
        }

        var (given, withFile) = await CliProcess.RunAsync("recover", "--host", Replica, "--mycnf", cnf, "--discover", "--dry-run", "--verbose");
        using (withFile)
        {
            Assert.True(given == 0, withFile.Text);
            Assert.Equal($"{Replica}: credentials: user '{servers.Replica.User}' from {cnf}", withFile.ErrorLines[0]);
            AssertNoPasswordIn(withFile);
        }
    }

    /// <summary>An option file without user= logs in as this process's login name, as the mysql client does, with a warning first.</summary>
    [Fact]
    public async Task AnOptionFileThatNamesNoUserIsAWarningBeforeTheLoginIsTried()
    {
        var noUser = Path.Combine(folder, "no-user.cnf");
        File.WriteAllText(noUser, "[client]\nprotocol=TCP\n");

        var (_, cli) = await CliProcess.RunAsync("plan", "--host", Replica, "--mycnf", noUser, "--db", "bf_cli");

        using (cli)
            Assert.Equal($"WARNING: {Replica}: {noUser} names no user in its [client] section, so this logs in as '{Environment.UserName}', this process's login name, without a password. Name the account with user= and password= there.",
                cli.ErrorLines[0]);
        await AssertTablesIntactAsync();
    }

    /// <summary>
    /// A refused login exits 4 (not 1, which says a flush failed and put tables back), naming the option file actually
    /// used (here ~/.my.cnf, found by default) and offering no flag that was not given.
    /// </summary>
    [Fact]
    public async Task AWrongPasswordExits4NamingTheOptionFileItCameFrom()
    {
        var home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
        var defaultCnf = Path.Combine(home, ".my.cnf");
        File.WriteAllText(defaultCnf, $"[client]\nuser={servers.Replica.User}\npassword=Not-The-Password-3\n");

        var serverBefore = await ServerSnapshotAsync();

        var (exit, cli) = await RunWithHomeAsync(home, "flush", "--host", Replica, "--db", "bf_cli");

        using (cli)
        {
            Assert.True(exit == 4, cli.Text);
            var error = Assert.Single(cli.ErrorLines);
            Assert.StartsWith($"binlog-flusher: Cannot connect to {servers.Replica.User}@{Replica}: ", error);
            Assert.EndsWith($". Check the host and port, and the user and password in the [client] section of {defaultCnf}.", error);
            Assert.DoesNotContain("--mycnf", error);
            Assert.DoesNotContain("Not-The-Password-3", cli.Text);
        }
        await AssertTablesIntactAsync();
        Assert.Equal(serverBefore, await ServerSnapshotAsync());
    }

    /// <summary>A table name of MySQL's longest (64 characters): the summary's columns are as wide as what they hold, and stay aligned.</summary>
    [Fact]
    public async Task TheSummaryTableFitsItsColumnsToTableNamesOfSixtyFourCharacters()
    {
        var longName = "t" + new string('x', 62) + "z";
        await servers.OnPrimaryAsync($"CREATE TABLE bf_cli.{longName} (id INT PRIMARY KEY)", $"INSERT INTO bf_cli.{longName} VALUES (1), (2)");
        before = await TableState.ReadAllAsync(servers.Replica, "bf_cli");

        var (exit, cli) = await CliProcess.RunAsync("flush", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--state-file", StateFile);

        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            var lines = cli.Lines.ToList();
            var header = lines.FindIndex(l => l.StartsWith("Table ", StringComparison.Ordinal));
            Assert.True(header >= 0, cli.Text);
            var rows = lines.Skip(header + 1).TakeWhile(l => l.StartsWith("bf_cli.", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, rows.Count);
            Assert.Contains(rows, r => r.StartsWith($"bf_cli.{longName} ", StringComparison.Ordinal));
            // Each column starts (text) or ends (numbers) where its heading does, on every row.
            var columns = Regex.Matches(lines[header], @"\S+").Select(m => (m.Value, m.Index, End: m.Index + m.Length)).ToList();
            Assert.Equal(new[] { "Table", "Status", "Rows", "Chunks", "Seconds" }, columns.Select(c => c.Value));
            foreach (var row in rows)
            {
                var cells = Regex.Matches(row, @"\S+").ToList();
                Assert.True(cells.Count == 5, row);
                Assert.Equal(columns[1].Index, cells[1].Index);
                for (var i = 2; i < 5; i++) Assert.True(columns[i].End == cells[i].Index + cells[i].Length, $"'{row}' under '{lines[header]}'");
            }
            // Sized to the content: the longest name is followed by the columns' two-space gap, no wider.
            Assert.Equal("bf_cli.".Length + 64 + 2, columns[1].Index);
        }
        await AssertTablesIntactAsync();
    }

    /// <summary>Counts read the same in every locale: invariant thousands separators (20,000), whatever LANG says.</summary>
    [Fact]
    public async Task NumbersAreWrittenWithInvariantThousandsSeparatorsInAnyLocale()
    {
        await servers.OnPrimaryAsync("CREATE TABLE bf_cli.many (id INT PRIMARY KEY)",
            "INSERT INTO bf_cli.many VALUES " + string.Join(", ", Enumerable.Range(1, 1500).Select(i => $"({i})")));
        before = await TableState.ReadAllAsync(servers.Replica, "bf_cli");
        var german = new Dictionary<string, string> { ["LANG"] = "de_DE.UTF-8", ["LC_ALL"] = "de_DE.UTF-8" };

        using (var cli = CliProcess.Start(german, "flush", "--host", Replica, "--mycnf", cnf, "--table", "bf_cli.many", "--state-file", StateFile))
        {
            var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, cli.Text);
            Assert.Contains(cli.Lines, l => l.StartsWith("Rows:          1,500 in ", StringComparison.Ordinal));
            Assert.Contains(cli.Lines, l => Regex.IsMatch(l, @"^bf_cli\.many\s+Flushed\s+1,500\s+1\s+\d+\.\d\d$"));
            // Progress lines too.
            Assert.Contains(cli.Lines, l => l.Contains("1,500 rows", StringComparison.Ordinal));
            Assert.DoesNotContain(cli.Lines, l => l.Contains("1.500", StringComparison.Ordinal));
        }
        await AssertTablesIntactAsync();

        var (planExit, plan) = await CliProcess.RunAsync("plan", "--host", Replica, "--mycnf", cnf, "--table", "bf_cli.many");
        using (plan)
        {
            Assert.True(planExit == 0, plan.Text);
            // The Tables check counts as the summary line under it does.
            var estimate = Regex.Match(plan.Text, @"Tables: 1, about ([\d,]+) rows").Groups[1].Value;
            Assert.Contains(plan.Lines, l => Regex.IsMatch(l, @"^\s+PASS\s+Tables\s+1 table\(s\), about " + Regex.Escape(estimate) + " rows."));
        }
    }

    [Fact]
    public async Task RecoverPutsBackWhatTheOldToolLeftFromItsRollbackFile()
    {
        // The old tool's leftovers: items renamed to _BKTB_1 with a BLACKHOLE twin under its name, orders renamed to _BKTB_2.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0",
            "RENAME TABLE bf_cli.items TO bf_cli._BKTB_1", "CREATE TABLE bf_cli.items (id INT, name VARCHAR(20)) ENGINE=BLACKHOLE",
            "RENAME TABLE bf_cli.orders TO bf_cli._BKTB_2");
        var rollback = Path.Combine(folder, "flush-rollback.txt");
        File.WriteAllText(rollback, "_BKTB_1,items\n_BKTB_2,orders\n");
        var serverBefore = await ServerSnapshotAsync();

        var (exit, cli) = await CliProcess.RunAsync("recover", "--host", Replica, "--mycnf", cnf, "--hashfile", rollback);

        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            Assert.Contains(cli.Lines, l => Regex.IsMatch(l, @"^bf_cli\.items\s+PutBack\s+Dropped the BLACKHOLE twin"));
            Assert.Contains(cli.Lines, l => Regex.IsMatch(l, @"^bf_cli\.orders\s+PutBack\s+Renamed _BKTB_2 back"));
        }
        await AssertTablesIntactAsync();
        // Put back without logging; as with the old tool, replication was stopped and not started again.
        var serverAfter = await ServerSnapshotAsync();
        Assert.Equal(serverBefore.Binlog, serverAfter.Binlog);
        Assert.False(serverAfter.SqlThreadRunning);

        // The same cron line again: nothing to do, exit 0.
        var (again, second) = await CliProcess.RunAsync("recover", "--host", Replica, "--mycnf", cnf, "--hashfile", rollback, "--start-slave");
        using (second)
        {
            Assert.True(again == 0, second.Text);
            Assert.Contains(second.Lines, l => Regex.IsMatch(l, @"^bf_cli\.items\s+AlreadyInPlace"));
            Assert.Single(second.Lines, l => l.EndsWith(": nothing to restore; every table is in place.", StringComparison.Ordinal));
        }
        await AssertTablesIntactAsync();
        Assert.True(await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));
    }

    [Fact]
    public async Task RecoverRefusesARollbackFileNamingTablesThatDoNotExistWithExit3()
    {
        var rollback = Path.Combine(folder, "other-host-rollback.txt");
        File.WriteAllText(rollback, "_BKTB_1,no_such_table\n");
        var serverBefore = await ServerSnapshotAsync();

        var (exit, cli) = await CliProcess.RunAsync("recover", "--host", Replica, "--mycnf", cnf, "--hashfile", rollback);

        using (cli)
        {
            Assert.True(exit == 3, cli.Text);
            Assert.Contains(cli.ErrorLines, l => l.Contains("names no_such_table (backup _BKTB_1), but neither exists") && l.Contains("Nothing was changed."));
        }
        await AssertTablesIntactAsync();
        Assert.Equal(serverBefore, await ServerSnapshotAsync());
    }

    /// <summary>
    /// A --hashfile that is neither a state file nor the old tool's rollback file: exit 3, one line that says what the
    /// file was expected to be and what it is (for a rollback file, the bad line's number), never its content or the
    /// JSON parser's internals.
    /// </summary>
    [Theory]
    [InlineData("empty.json", "", "is neither a state file written by a flush nor the old tool's rollback file (_BKTB_<n>,<table> lines): it is empty. Give the state file the flush reported (binlogflush-<host>-<port>-<time>.json), or use --discover.")]
    [InlineData("cut.json", "{\"format\": 1, \"tool\": \"BinlogFlusher\", \"host\": \"127.0.0.1\", \"port\": 33", ": it ends before its JSON does (cut off?).")]
    [InlineData("replica.cnf", "[client]\nuser=flusher\npassword=Not-This-Secret-2\n", ": it looks like a MySQL option file (a my.cnf of [section] lines).")]
    [InlineData("rollback.txt", "_BKTB_1,items\n_BKTB_2 orders\n", "has a line the old tool does not write: line 2 has no comma between the backup table and the table (each line is _BKTB_<n>,<table>). Nothing was changed. Correct that line, or use --discover.")]
    public async Task RecoverRefusesAFileThatIsNotAStateOrRollbackFileSayingWhatItIsWithExit3(string name, string content, string message)
    {
        var file = Path.Combine(folder, name);
        File.WriteAllText(file, content);
        var serverBefore = await ServerSnapshotAsync();

        var (exit, cli) = await CliProcess.RunAsync("recover", "--host", Replica, "--mycnf", cnf, "--hashfile", file);

        using (cli)
        {
            Assert.True(exit == 3, cli.Text);
            var error = Assert.Single(cli.ErrorLines);
            Assert.StartsWith($"binlog-flusher: {Replica}: The {(name.EndsWith(".txt", StringComparison.Ordinal) ? "rollback file" : "file")} '{file}' ", error);
            Assert.Contains(message, error);
            foreach (var hidden in new[] { "Not-This-Secret-2", "orders", "Path: $", "LineNumber", "BytePosition", "BinlogFlusher.Engine", "-Discover" })
                Assert.DoesNotContain(hidden, cli.Text);
        }
        await AssertTablesIntactAsync();
        Assert.Equal(serverBefore, await ServerSnapshotAsync());
    }

    [Fact]
    public async Task RecoverDiscoverPutsBackAKilledFlushWithoutItsStateFile()
    {
        using (var flush = CliProcess.Start(new Dictionary<string, string> { ["BINLOGFLUSHER_TEST_STOP_AT"] = "Twin" },
                   "flush", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--threads", "1", "--state-file", StateFile))
        {
            await flush.WaitForLineAsync(l => l == "STOPPED AT Twin", TimeSpan.FromSeconds(60));
            flush.Kill();
        }
        Assert.NotEmpty(await TableState.LeftoversAsync(servers.Replica));
        File.Delete(StateFile);

        var (dryExit, dry) = await CliProcess.RunAsync("recover", "--host", Replica, "--mycnf", cnf, "--discover", "--dry-run");
        using (dry)
        {
            Assert.True(dryExit == 0, dry.Text);
            Assert.Contains(dry.Lines, l => Regex.IsMatch(l, @"^bf_cli\.\w+\s+Would restore\s+Drop the flush's table"));
        }
        Assert.NotEmpty(await TableState.LeftoversAsync(servers.Replica));

        var (exit, cli) = await CliProcess.RunAsync("recover", "--host", Replica, "--mycnf", cnf, "--discover");
        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            Assert.Contains(cli.Lines, l => Regex.IsMatch(l, @"^bf_cli\.\w+\s+PutBack\s"));
            AssertNoPasswordIn(cli);
        }
        await AssertTablesIntactAsync();
    }

    [Fact]
    public async Task SigtermMidCopyPutsEveryTableBackAndExits1()
    {
        await servers.OnPrimaryAsync("CREATE TABLE bf_cli.big (id INT PRIMARY KEY, filler VARCHAR(40))",
            "INSERT INTO bf_cli.big VALUES " + string.Join(", ", Enumerable.Range(1, 5000).Select(i => $"({i}, 'row {i}')")));
        before = await TableState.ReadAllAsync(servers.Replica, "bf_cli");

        // One row per chunk: thousands of statements, so the signal lands mid-copy of big, the first table; the others wait.
        using var cli = CliProcess.Start("flush", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--threads", "1", "--chunk-size", "1", "--verbose", "--state-file", StateFile);
        await cli.WaitForLineAsync(l => l.Contains("INSERT INTO `bf_cli`.`big`"), TimeSpan.FromSeconds(60));
        cli.Terminate();
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(exit == 1, cli.Text);
        Assert.Contains(cli.Lines, l => l == "Status:        Interrupted");
        // The error once, on stderr, ending with the host's state and what to do next.
        var error = Assert.Single(cli.Lines, l => l.Contains("every table was put back", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(error, cli.ErrorLines);
        Assert.EndsWith("holds a partial snapshot: flush again for a complete one.", error);
        Assert.DoesNotContain(cli.Lines, l => l.StartsWith("Error:", StringComparison.Ordinal));
        // Progress in the summary's words: the table copied half way was put back, and the host's last line says so.
        Assert.Contains(cli.Lines, l => l.Contains(": bf_cli.big put back ", StringComparison.Ordinal));
        Assert.Contains(cli.Lines, l => l.EndsWith("interrupted; every table put back", StringComparison.Ordinal));
        Assert.DoesNotContain(cli.Lines, l => l.Contains(" Restored ", StringComparison.Ordinal) || l.EndsWith(", Done", StringComparison.Ordinal));
        await AssertTablesIntactAsync();

        // Nothing is left unfinished: tomorrow's cron run would start.
        var (planExit, plan) = await CliProcess.RunAsync("plan", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli");
        using (plan) Assert.True(planExit == 0, plan.Text);
    }

    [Fact]
    public async Task PlanListsTheChecksAndTheCandidatesAndExits3WhenAFlushWouldBeRefused()
    {
        var serverBefore = await ServerSnapshotAsync();
        var (exit, cli) = await CliProcess.RunAsync("plan", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli");
        using (cli)
        {
            Assert.True(exit == 0, cli.Text);
            Assert.Contains(cli.Lines, l => l.StartsWith("Ready:        yes", StringComparison.Ordinal));
            foreach (var check in new[] { "BinaryLog", "BinlogFormat", "Replication", "ReplicaStop", "Blackhole", "Privileges", "LeftoverState", "Tables" })
                Assert.Contains(cli.Lines, l => Regex.IsMatch(l, @"^\s+PASS\s+" + check + @"\s"));
            Assert.Contains(cli.Lines, l => Regex.IsMatch(l, @"^\s+bf_cli\.items\s+InnoDB\s+[\d,]+\s+id$"));
            Assert.Contains(cli.Lines, l => Regex.IsMatch(l, @"^\s+bf_cli\.notes\s+InnoDB\s+[\d,]+\s+none \(no primary key or NOT NULL unique key\)$"));
            Assert.Contains(cli.Lines, l => Regex.IsMatch(l, @"^\s+twin: secondary indexes dropped: 1$"));
        }

        var (refusedExit, refused) = await CliProcess.RunAsync("plan", "--host", Replica, "--mycnf", cnf, "--db", "bf_cli", "--no-stop-slave");
        using (refused)
        {
            Assert.True(refusedExit == 3, refused.Text);
            Assert.Contains(refused.Lines, l => l.StartsWith("Ready:        no", StringComparison.Ordinal));
            Assert.Contains(refused.Lines, l => Regex.IsMatch(l, @"^\s+FAIL\s+ReplicaStop\s+--no-stop-slave while the replication SQL thread runs"));
        }
        await AssertTablesIntactAsync();
        Assert.Equal(serverBefore, await ServerSnapshotAsync());
    }
}
