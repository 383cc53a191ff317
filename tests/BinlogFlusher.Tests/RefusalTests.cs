using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>
/// Each preflight refusal, caused by a real condition on the server: Invoke-BinlogFlush refuses with a clear error and
/// changes nothing (tables, binlog position, replication), and Test-BinlogFlushReadiness says the same, check by check.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class RefusalTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO bf_shop.items VALUES (1, 'a'), (2, 'b')");
    }

    public async Task DisposeAsync() => await servers.ResetAsync();

    [Fact]
    public async Task StatementBinlogFormatIsRefused()
    {
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, Stop, "SET GLOBAL binlog_format = 'STATEMENT'", Start);
        await AssertRefusedAsync("BinlogFormat", "binlog_format is STATEMENT");
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, Stop, "SET GLOBAL binlog_format = 'ROW'", Start);
        await AssertCheckAsync("BinlogFormat", CheckStatus.Pass);
    }

    [Fact]
    public async Task AHostWithoutReplicationIsRefusedUnlessForced()
    {
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, Stop, servers.IsMariaDb ? "RESET SLAVE ALL" : "RESET REPLICA ALL");
        await AssertRefusedAsync("Replication", "must never run on a primary");
        await AssertCheckAsync("Replication", CheckStatus.Warn, "-Force");
        await servers.ResetAsync();
        await AssertCheckAsync("Replication", CheckStatus.Pass);
    }

    [Fact]
    public async Task NoReplicaStopWhileTheAppliesRunsIsRefused()
    {
        await AssertRefusedAsync("ReplicaStop", "would fall into the BLACKHOLE twins", "-NoReplicaStop");
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, Stop);
        var run = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -NoReplicaStop -Confirm:$false", Variables(servers));
        Assert.Equal(Engine.Flushing.FlushStatus.Completed, SingleResult(run).Status);
        File.Delete(SingleResult(run).StateFile);
    }

    [Fact]
    public async Task MissingBlackholeIsRefusedWithTheFix()
    {
        if (!servers.IsMariaDb)
        {
            // MySQL builds BLACKHOLE in; it cannot be uninstalled there, only disabled at startup (refused by the same check).
            await AssertCheckAsync("Blackhole", CheckStatus.Pass);
            return;
        }
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "UNINSTALL SONAME 'ha_blackhole'");
        await AssertRefusedAsync("Blackhole", "INSTALL SONAME 'ha_blackhole'");
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "INSTALL SONAME 'ha_blackhole'");
        await AssertCheckAsync("Blackhole", CheckStatus.Pass);
    }

    [Fact]
    public async Task ALimitedAccountIsRefusedNamingThePrivileges()
    {
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0",
            "CREATE USER 'bf_test_limited'@'%' IDENTIFIED BY 'Limited-pw-1'", "GRANT SELECT, INSERT ON bf_shop.* TO 'bf_test_limited'@'%'");
        var limited = PowerShellRunner.Credential("bf_test_limited", "Limited-pw-1");
        await AssertRefusedAsync("Privileges", "lacks", credential: limited);
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "GRANT ALL ON *.* TO 'bf_test_limited'@'%'");
        await AssertCheckAsync("Privileges", CheckStatus.Pass, credential: limited);
    }

    [Fact]
    public async Task PrivilegesFromADefaultRoleAndAWildcardSchemaGrantCount()
    {
        // information_schema's grant tables list neither: the check reads the account's own SHOW GRANTS.
        var roleGrants = servers.IsMariaDb
            ? "GRANT SUPER, BINLOG ADMIN, BINLOG MONITOR, READ ONLY ADMIN, REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN, REPLICA MONITOR ON *.* TO bf_test_role"
            : "GRANT SUPER, REPLICATION CLIENT, REPLICATION SLAVE, REPLICATION_SLAVE_ADMIN, SYSTEM_VARIABLES_ADMIN, CONNECTION_ADMIN ON *.* TO bf_test_role";
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "DROP ROLE IF EXISTS bf_test_role", "CREATE ROLE bf_test_role", roleGrants,
            "CREATE USER 'bf_test_roled'@'%' IDENTIFIED BY 'Roled-pw-1'", "GRANT SELECT, INSERT, CREATE, DROP, ALTER ON `bf\\_sh%`.* TO 'bf_test_roled'@'%'",
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON `\\_binlogflusher`.* TO 'bf_test_roled'@'%'");
        try
        {
            var account = PowerShellRunner.Credential("bf_test_roled", "Roled-pw-1");
            await AssertRefusedAsync("Privileges", "lacks", credential: account);
            await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "GRANT bf_test_role TO 'bf_test_roled'@'%'",
                servers.IsMariaDb ? "SET DEFAULT ROLE bf_test_role FOR 'bf_test_roled'@'%'" : "SET DEFAULT ROLE ALL TO 'bf_test_roled'@'%'");
            await AssertCheckAsync("Privileges", CheckStatus.Pass, credential: account);
            // A server whose sql_mode quotes names with " (ANSI_QUOTES): the planning session reads its grants with backticks.
            await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',ANSI_QUOTES')");
            try { await AssertCheckAsync("Privileges", CheckStatus.Pass, credential: account); }
            finally { await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET GLOBAL sql_mode = REPLACE(@@GLOBAL.sql_mode, 'ANSI_QUOTES', '')"); }
            await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "REVOKE UPDATE, DELETE ON `\\_binlogflusher`.* FROM 'bf_test_roled'@'%'");
            await AssertRefusedAsync("Privileges", "UPDATE, DELETE on _binlogflusher", credential: account);
        }
        finally
        {
            await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "DROP ROLE IF EXISTS bf_test_role");
        }
    }

    [Fact]
    public async Task ReadOnlyThatBlocksTheAccountIsRefused()
    {
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0",
            "CREATE USER 'bf_test_ro'@'%' IDENTIFIED BY 'Readonly-pw-1'",
            servers.IsMariaDb ? "GRANT SELECT, INSERT, CREATE, DROP, ALTER, SUPER, BINLOG ADMIN, BINLOG MONITOR, REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN ON *.* TO 'bf_test_ro'@'%'"
                              : "GRANT SELECT, INSERT, CREATE, DROP, ALTER, SYSTEM_VARIABLES_ADMIN, REPLICATION_SLAVE_ADMIN, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'bf_test_ro'@'%'",
            "SET GLOBAL read_only = ON");
        var account = PowerShellRunner.Credential("bf_test_ro", "Readonly-pw-1");
        await AssertRefusedAsync("ReadOnly", "read_only is ON", credential: account);
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET GLOBAL read_only = OFF");
        // The flush turns read_only ON for its run: an account that could not write under it is refused, or warned with -Force.
        await AssertRefusedAsync("ReadOnly", "read_only is OFF, and the flush turns it ON", credential: account);
        await AssertCheckAsync("ReadOnly", CheckStatus.Warn, "-Force", credential: account);
        // MariaDB's own spelling of the privilege in USER_PRIVILEGES (READ_ONLY ADMIN) is the one that is read.
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0",
            servers.IsMariaDb ? "GRANT READ ONLY ADMIN ON *.* TO 'bf_test_ro'@'%'" : "GRANT SUPER ON *.* TO 'bf_test_ro'@'%'", "SET GLOBAL read_only = ON");
        await AssertCheckAsync("ReadOnly", CheckStatus.Pass, credential: account);
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET GLOBAL read_only = OFF");
        await AssertCheckAsync("ReadOnly", CheckStatus.Pass, credential: account);
    }

    [Fact]
    public async Task ALeftoverBackupTableIsRefusedPointingToRestore()
    {
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "CREATE TABLE bf_shop._bfbk_0badc0de_1 (id INT)");
        await AssertRefusedAsync("LeftoverState", "Restore-BinlogFlushState");
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "DROP TABLE bf_shop._bfbk_0badc0de_1");
        await AssertCheckAsync("LeftoverState", CheckStatus.Pass);
    }

    [Fact]
    public async Task ATableThatCannotBeFlushedStopsTheWholeHost()
    {
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "CREATE TABLE bf_shop.hole (id INT) ENGINE=BLACKHOLE");
        await AssertRefusedAsync("Tables", "bf_shop.hole: engine BLACKHOLE");
        await ReplicaPairFixture.ExecuteAsync(servers.Replica, "SET SESSION sql_log_bin = 0", "DROP TABLE bf_shop.hole");
        await AssertCheckAsync("Tables", CheckStatus.Pass);
    }

    [Fact]
    public async Task ASelectionThatMatchesNothingIsRefused()
    {
        await AssertRefusedAsync("Tables", "No table matches", "-Table no_such_table");
        await AssertCheckAsync("Tables", CheckStatus.Pass);
    }

    [Fact]
    public async Task ReplicasDownstreamAreRefused()
    {
        // The primary has our replica attached downstream (and no replication of its own).
        var run = PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName $primary -Credential $cred -Detailed",
            Variables(servers, ("primary", $"127.0.0.1:{servers.Primary.Port}")));
        var checks = ChecksOf(run);
        Assert.Equal(CheckStatus.Fail, checks["DownstreamReplicas"].Status);
        Assert.Contains("1 replica(s) replicate from this host", checks["DownstreamReplicas"].Message);
        var before = await servers.BinlogStatusAsync(servers.Primary);
        var flush = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $primary -Credential $cred -Database bf_shop -Confirm:$false",
            Variables(servers, ("primary", $"127.0.0.1:{servers.Primary.Port}")));
        Assert.Equal("PreflightRefused,BinlogFlusher.Commands.InvokeBinlogFlushCommand", Assert.Single(flush.Errors).FullyQualifiedErrorId);
        Assert.Equal(before[0][1], (await servers.BinlogStatusAsync(servers.Primary))[0][1]);
    }

    [Fact]
    public async Task LogSlaveUpdatesOffIsRefusedUnlessForced()
    {
        // log_slave_updates is not dynamic on MariaDB: a pair of its own, started with it off.
        if (ServerBinaries.Find() is null) throw new InvalidOperationException(ServerBinaries.InstallHint);
        await using var pair = await LocalReplicaPair.StartAsync(new LocalReplicaPairOptions { ExtraSettings = new[] { servers.IsMariaDb ? "log_slave_updates=OFF" : "log_replica_updates=OFF" } });
        await ReplicaPairFixture.ExecuteAsync(pair.Primary, "CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY)", "INSERT INTO bf_shop.items VALUES (1)");
        await pair.WaitForReplicaAsync();
        var variables = new Dictionary<string, object?>
        {
            ["replica"] = $"127.0.0.1:{pair.Replica.Port}",
            ["cred"] = PowerShellRunner.Credential(pair.Replica.User, pair.Replica.Password),
        };

        var refused = PowerShellRunner.Run("Invoke-BinlogFlush -HostName $replica -Credential $cred -Confirm:$false", variables);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("PreflightRefused,BinlogFlusher.Commands.InvokeBinlogFlushCommand", error.FullyQualifiedErrorId);
        Assert.Contains("none of the replicated changes after it", error.ToString());
        Assert.Empty(await TableState.LeftoversAsync(pair.Replica));

        var forced = PowerShellRunner.Run("Test-BinlogFlushReadiness -HostName $replica -Credential $cred -Force -Detailed", variables);
        Assert.Equal(CheckStatus.Warn, ChecksOf(forced)["LogReplicaUpdates"].Status);
        Assert.True((bool)forced.Output.Single().Properties["Ready"].Value);
    }

    string Stop => servers.IsMariaDb ? "STOP ALL SLAVES" : "STOP REPLICA";
    string Start => servers.IsMariaDb ? "START ALL SLAVES" : "START REPLICA";

    /// <summary>Invoke-BinlogFlush refuses naming the check, changes nothing; Test-BinlogFlushReadiness agrees.</summary>
    async Task AssertRefusedAsync(string check, string messagePart, string extra = "", System.Management.Automation.PSCredential? credential = null)
    {
        var tablesBefore = await TableState.ReadAllAsync(servers.Replica, "bf_shop");
        var leftoversBefore = await TableState.LeftoversAsync(servers.Replica);
        var binlogBefore = await servers.BinlogStatusAsync(servers.Replica);
        var sqlRunningBefore = await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb);
        var variables = Variables(servers);
        if (credential is not null) variables["cred"] = credential;

        var run = PowerShellRunner.Run($"Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop {extra} -Confirm:$false", variables);

        Assert.Empty(run.Output);
        var error = Assert.Single(run.Errors);
        Assert.Equal("PreflightRefused,BinlogFlusher.Commands.InvokeBinlogFlushCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Equal($"127.0.0.1:{servers.Replica.Port}", error.TargetObject);
        Assert.Contains(messagePart, error.ToString());
        AssertSameTables(tablesBefore, await TableState.ReadAllAsync(servers.Replica, "bf_shop"));
        Assert.Equal(leftoversBefore, await TableState.LeftoversAsync(servers.Replica));
        Assert.Equal(binlogBefore[0][1], (await servers.BinlogStatusAsync(servers.Replica))[0][1]);
        Assert.Equal(sqlRunningBefore, await SqlThreadRunningAsync(servers.Replica, servers.IsMariaDb));

        // Test-BinlogFlushReadiness has no selection or -NoReplicaStop: those refusals are Invoke-BinlogFlush's alone.
        if (extra.Length == 0) await AssertCheckAsync(check, CheckStatus.Fail, credential: credential);
    }

    /// <summary>Test-BinlogFlushReadiness: the check's status in -Detailed, and a Boolean that agrees with Ready.</summary>
    async Task AssertCheckAsync(string check, CheckStatus status, string switches = "", System.Management.Automation.PSCredential? credential = null)
    {
        var variables = Variables(servers);
        if (credential is not null) variables["cred"] = credential;
        var detailed = PowerShellRunner.Run($"Test-BinlogFlushReadiness -HostName $replica -Credential $cred {switches} -Detailed", variables);
        Assert.Empty(detailed.Errors);
        Assert.Equal(status, ChecksOf(detailed)[check].Status);
        var ready = (bool)detailed.Output.Single().Properties["Ready"].Value;
        if (status == CheckStatus.Fail) Assert.False(ready);
        var boolean = PowerShellRunner.Run($"Test-BinlogFlushReadiness -HostName $replica -Credential $cred {switches}", variables);
        Assert.Equal(ready, (bool)boolean.Output.Single().BaseObject);
        await Task.CompletedTask;
    }
}
