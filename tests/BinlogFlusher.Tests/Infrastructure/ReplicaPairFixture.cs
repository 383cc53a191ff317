using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Sandbox;
using MySqlConnector;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>
/// A MySQL-compatible primary and a replica replicating from it, started once per test run and shared by every
/// integration test class. From, in this order: BINLOGFLUSHER_TEST_SERVERS (existing servers), Testcontainers
/// (MySQL 8.4) when a Docker engine answers, the local server binaries on PATH. With none of them, every integration
/// test fails with one message saying what to install.
/// </summary>
public class ReplicaPairFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "BINLOGFLUSHER_TEST_SERVERS";
    IReplicaPairSource source = null!;

    public ServerEndpoint Primary => source.Primary;
    public ServerEndpoint Replica => source.Replica;
    /// <summary>The replica as the engine connects to it.</summary>
    public ConnectionSettings ReplicaSettings => new(Replica.Host, Replica.Port, Replica.User, Replica.Password);
    public string Description => source.Description;
    public bool IsMariaDb { get; private set; }
    /// <summary>The statements the engine would send to these servers (SHOW MASTER STATUS is gone in MySQL 8.4).</summary>
    public ServerDialect Dialect { get; private set; } = null!;

    /// <summary>SHOW MASTER STATUS or its successor on this server: File, Position, ...</summary>
    public Task<List<object?[]>> BinlogStatusAsync(ServerEndpoint server) => QueryAsync(server, Dialect.BinlogStatus);
    public bool CanStartConsumer => source.CanStartConsumer;

    public virtual async Task InitializeAsync()
    {
        source = await StartSourceAsync();
        await using var connection = await OpenAsync(Replica);
        var version = (string)(await new MySqlCommand(ServerDialect.VersionQuery, connection).ExecuteScalarAsync())!;
        var isMariaDb = (await QueryAsync(Replica, ServerDialect.MariaDbProbe)).Count > 0;
        Dialect = ServerDialect.From(version, isMariaDb);
        IsMariaDb = Dialect.IsMariaDb;
        await ResetAsync();
    }

    public async Task DisposeAsync()
    {
        if (source is not null) await source.DisposeAsync();
    }

    private protected virtual Task<IReplicaPairSource> StartSourceAsync() => ChooseSourceAsync();

    static async Task<IReplicaPairSource> ChooseSourceAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return ExistingServers.Parse(configured);
        if (await TestcontainersReplicaPair.TryStartAsync() is { } containers) return containers;
        if (ServerBinaries.Find() is not null) return new LocalSource(await LocalReplicaPair.StartAsync());
        throw new InvalidOperationException(ServerBinaries.InstallHint);
    }

    public static async Task<MySqlConnection> OpenAsync(ServerEndpoint endpoint, string? database = null)
    {
        var connection = new MySqlConnection(endpoint.ConnectionString(database) + ";AllowZeroDateTime=true;DefaultCommandTimeout=300");
        await connection.OpenAsync();
        return connection;
    }

    public static async Task ExecuteAsync(ServerEndpoint endpoint, params string[] statements)
    {
        await using var connection = await OpenAsync(endpoint);
        foreach (var sql in statements) await new MySqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(ServerEndpoint endpoint, string sql)
    {
        await using var connection = await OpenAsync(endpoint);
        var value = await new MySqlCommand(sql, connection).ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public static async Task<List<object?[]>> QueryAsync(ServerEndpoint endpoint, string sql)
    {
        await using var connection = await OpenAsync(endpoint);
        await using var reader = await new MySqlCommand(sql, connection).ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Writes on the primary and waits until the replica has applied it.</summary>
    public async Task OnPrimaryAsync(params string[] statements)
    {
        await ExecuteAsync(Primary, statements);
        await source.WaitForReplicaAsync();
    }

    public Task WaitForReplicaAsync() => source.WaitForReplicaAsync();

    /// <summary>
    /// Back to a clean pair: user schemas dropped on both servers (unlogged), test accounts dropped, global settings
    /// the tests change put back, and replication re-pointed and running.
    /// </summary>
    public async Task ResetAsync()
    {
        var stop = IsMariaDb ? "STOP ALL SLAVES" : "STOP REPLICA";
        await ExecuteAsync(Replica, stop);
        foreach (var server in new[] { Replica, Primary })
        {
            var schemas = await QueryAsync(server, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('mysql','sys','information_schema','performance_schema')");
            var users = await QueryAsync(server, "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user WHERE User LIKE 'bf\\_test%'");
            var statements = new List<string> { "SET SESSION sql_log_bin = 0", "SET GLOBAL binlog_format = 'ROW'", "SET GLOBAL read_only = OFF" };
            if (!IsMariaDb) statements.Add("SET GLOBAL super_read_only = OFF");
            statements.AddRange(schemas.Select(row => "DROP DATABASE `" + ((string)row[0]!).Replace("`", "``") + "`"));
            statements.AddRange(users.Select(row => "DROP USER " + (string)row[0]!));
            await ExecuteAsync(server, statements.ToArray());
        }
        if (IsMariaDb && await ScalarAsync(Replica, "SELECT COUNT(*) FROM information_schema.ENGINES WHERE ENGINE = 'BLACKHOLE'") is 0L)
            await ExecuteAsync(Replica, "INSTALL SONAME 'ha_blackhole'");
        await source.StartReplicationAsync();
        await source.WaitForReplicaAsync();
    }

    /// <summary>A fresh server to replay a binlog range onto, as a consumer would.</summary>
    public Task<IConsumerServer> StartConsumerAsync() => source.StartConsumerAsync();

    sealed class LocalSource(LocalReplicaPair pair) : IReplicaPairSource
    {
        public ServerEndpoint Primary => pair.Primary;
        public ServerEndpoint Replica => pair.Replica;
        public string Description => "local " + pair.Binaries.Version;
        public bool CanStartConsumer => true;
        public Task StartReplicationAsync() => pair.StartReplicationAsync();
        public Task WaitForReplicaAsync() => pair.WaitForReplicaAsync();
        public async Task<IConsumerServer> StartConsumerAsync() => new LocalConsumer(await LocalStandaloneServer.StartAsync());
        public ValueTask DisposeAsync() => pair.DisposeAsync();
    }

    sealed class LocalConsumer(LocalStandaloneServer server) : IConsumerServer
    {
        public ServerEndpoint Endpoint => server.Endpoint;
        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}

public interface IReplicaPairSource : IAsyncDisposable
{
    ServerEndpoint Primary { get; }
    ServerEndpoint Replica { get; }
    string Description { get; }
    bool CanStartConsumer { get; }
    Task StartReplicationAsync();
    Task WaitForReplicaAsync();
    Task<IConsumerServer> StartConsumerAsync();
}

public interface IConsumerServer : IAsyncDisposable
{
    ServerEndpoint Endpoint { get; }
}

/// <summary>
/// The tests that share a replica pair, run one after another. There are two such collections, each with a pair of
/// its own, so that two run side by side (xunit runs collections in parallel): the suite takes about half the time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReplicaCollection : ICollectionFixture<ReplicaPairFixture>
{
    public const string Name = "replica pair";
}

/// <summary>The second replica pair: see <see cref="ReplicaCollection"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SecondReplicaCollection : ICollectionFixture<ReplicaPairFixture>
{
    public const string Name = "second replica pair";
}
