using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MySqlConnector;

namespace BinlogFlusher.Sandbox;

/// <summary>
/// A throwaway primary and a replica replicating from it (GTID, ROW binlog, log_slave_updates, BLACKHOLE),
/// started from the MariaDB or MySQL server binaries on this machine as plain processes on 127.0.0.1.
/// Each server has its own temp datadir, free port and socket; a watchdog process kills the server and deletes
/// its folder when the owning process dies, so an aborted test run leaves nothing behind.
/// </summary>
public sealed class LocalReplicaPair : IAsyncDisposable
{
    public const string AdminUser = "bf_admin";
    const string ReplicationUser = "bf_repl";

    readonly List<LocalServer> servers = new();

    LocalReplicaPair(string adminPassword, string replicationPassword)
    {
        AdminPassword = adminPassword;
        ReplicationPassword = replicationPassword;
    }

    public string AdminPassword { get; }
    string ReplicationPassword { get; }
    public ServerEndpoint Primary => servers[0].Endpoint;
    public ServerEndpoint Replica => servers[1].Endpoint;
    public ServerBinaries Binaries { get; private set; } = null!;
    /// <summary>The folder that holds both servers' datadirs, sockets and logs.</summary>
    public string RootDirectory { get; private set; } = "";
    public IReadOnlyList<int> ServerProcessIds => servers.Select(s => s.ProcessId).ToList();

    /// <summary>The replica crashes (SIGKILL) and starts again on its own datadir and port after <paramref name="downtime"/>.</summary>
    public Task CrashAndRestartReplicaAsync(TimeSpan downtime, CancellationToken cancellationToken = default) =>
        servers[1].CrashAndRestartAsync(downtime, cancellationToken);

    /// <summary>Starts a primary and a replica; throws <see cref="SandboxUnavailableException"/> when this machine has no server binaries.</summary>
    public static async Task<LocalReplicaPair> StartAsync(LocalReplicaPairOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalReplicaPairOptions();
        var binaries = ServerBinaries.Find() ?? throw new SandboxUnavailableException(ServerBinaries.InstallHint);
        var pair = new LocalReplicaPair(NewPassword(), NewPassword()) { Binaries = binaries };
        pair.RootDirectory = Directory.CreateTempSubdirectory("binlogflusher-sandbox-").FullName;
        try
        {
            var primaryTask = LocalServer.StartAsync(binaries, Path.Combine(pair.RootDirectory, "primary"), serverId: 1, options, cancellationToken);
            var replicaTask = LocalServer.StartAsync(binaries, Path.Combine(pair.RootDirectory, "replica"), serverId: 2, options, cancellationToken, options.ReplicaSettings);
            foreach (var task in new[] { primaryTask, replicaTask })
            {
                try { pair.servers.Add(await task.ConfigureAwait(false)); }
                catch when (task == primaryTask) { pair.servers.Add(await replicaTask.ConfigureAwait(false)); throw; }
            }
            foreach (var server in pair.servers)
                await server.CreateUsersAsync(pair.AdminPassword, ReplicationUser, pair.ReplicationPassword, cancellationToken).ConfigureAwait(false);
            await pair.StartReplicationAsync(cancellationToken).ConfigureAwait(false);
            await pair.WaitForReplicaAsync(cancellationToken).ConfigureAwait(false);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>(Re)points the replica at the primary with GTID auto-positioning and starts it.</summary>
    public async Task StartReplicationAsync(CancellationToken cancellationToken = default)
    {
        await using var replica = await OpenAsync(Replica, cancellationToken).ConfigureAwait(false);
        var sql = Binaries.IsMariaDb
            ? $"STOP ALL SLAVES; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={Primary.Port}, MASTER_USER='{ReplicationUser}', " +
              $"MASTER_PASSWORD='{ReplicationPassword}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;"
            : $"STOP REPLICA; CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT={Primary.Port}, SOURCE_USER='{ReplicationUser}', " +
              $"SOURCE_PASSWORD='{ReplicationPassword}', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=1; START REPLICA;";
        await ExecuteAsync(replica, sql, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the replica has applied everything the primary has written.</summary>
    public async Task WaitForReplicaAsync(CancellationToken cancellationToken = default, int timeoutSeconds = 30)
    {
        await using var primary = await OpenAsync(Primary, cancellationToken).ConfigureAwait(false);
        await using var replica = await OpenAsync(Replica, cancellationToken).ConfigureAwait(false);
        if (Binaries.IsMariaDb)
        {
            var position = (string?)await ScalarAsync(primary, "SELECT @@gtid_binlog_pos", cancellationToken).ConfigureAwait(false) ?? "";
            var reached = await ScalarAsync(replica, $"SELECT MASTER_GTID_WAIT('{position}', {timeoutSeconds})", cancellationToken).ConfigureAwait(false);
            if (Convert.ToInt32(reached) != 0)
                throw new InvalidOperationException($"The replica did not reach the primary's GTID position {position} within {timeoutSeconds}s.");
        }
        else
        {
            var executed = (string?)await ScalarAsync(primary, "SELECT @@GLOBAL.gtid_executed", cancellationToken).ConfigureAwait(false) ?? "";
            var reached = await ScalarAsync(replica, $"SELECT WAIT_FOR_EXECUTED_GTID_SET('{executed}', {timeoutSeconds})", cancellationToken).ConfigureAwait(false);
            if (Convert.ToInt32(reached) != 0)
                throw new InvalidOperationException($"The replica did not reach the primary's GTID set {executed} within {timeoutSeconds}s.");
        }
    }

    /// <summary>The path of a binary log file of the replica (for decoding it in tests).</summary>
    public string ReplicaBinlogPath(string fileName) => Path.Combine(servers[1].DataDirectory, fileName);
    public string PrimaryBinlogPath(string fileName) => Path.Combine(servers[0].DataDirectory, fileName);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
            await server.DisposeAsync().ConfigureAwait(false);
        try { if (Directory.Exists(RootDirectory)) Directory.Delete(RootDirectory, recursive: true); }
        catch (IOException) { /* the watchdogs delete it once the servers are gone */ }
    }

    internal static async Task<MySqlConnection> OpenAsync(ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(endpoint.ConnectionString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    internal static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    static string NewPassword() => "Bf-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(9)).ToLowerInvariant();

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
