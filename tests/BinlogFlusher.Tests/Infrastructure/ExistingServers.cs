using BinlogFlusher.Sandbox;
using MySqlConnector;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>
/// Servers someone already runs: BINLOGFLUSHER_TEST_SERVERS="primary=host:port;replica=host:port;user=admin;password=secret"
/// (consumer=host:port optional). The replica must already replicate from the primary; tests reset user schemas on both.
/// </summary>
sealed class ExistingServers : IReplicaPairSource
{
    ExistingServers(ServerEndpoint primary, ServerEndpoint replica, ServerEndpoint? consumer)
    {
        Primary = primary;
        Replica = replica;
        Consumer = consumer;
    }

    public ServerEndpoint Primary { get; }
    public ServerEndpoint Replica { get; }
    ServerEndpoint? Consumer { get; }
    public string Description => $"existing servers {Primary.Host}:{Primary.Port} -> {Replica.Host}:{Replica.Port}";
    public bool CanStartConsumer => Consumer is not null;

    public static ExistingServers Parse(string text)
    {
        var parts = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0].ToLowerInvariant(), p => p.Length > 1 ? p[1] : "");
        string Get(string key) => parts.TryGetValue(key, out var value) ? value
            : throw new InvalidOperationException($"{ReplicaPairFixture.EnvironmentVariable} lacks '{key}=': write primary=host:port;replica=host:port;user=...;password=...");
        ServerEndpoint Endpoint(string value)
        {
            var colon = value.LastIndexOf(':');
            return new ServerEndpoint(value[..colon], int.Parse(value[(colon + 1)..]), Get("user"), Get("password"));
        }
        return new ExistingServers(Endpoint(Get("primary")), Endpoint(Get("replica")), parts.TryGetValue("consumer", out var consumer) ? Endpoint(consumer) : null);
    }

    public async Task StartReplicationAsync()
    {
        await using var connection = new MySqlConnection(Replica.ConnectionString());
        await connection.OpenAsync();
        var version = (string)(await new MySqlCommand("SELECT VERSION()", connection).ExecuteScalarAsync())!;
        await new MySqlCommand(version.Contains("MariaDB") ? "START ALL SLAVES" : "START REPLICA", connection).ExecuteNonQueryAsync();
    }

    public async Task WaitForReplicaAsync()
    {
        await using var primary = new MySqlConnection(Primary.ConnectionString());
        await primary.OpenAsync();
        await using var replica = new MySqlConnection(Replica.ConnectionString());
        await replica.OpenAsync();
        var version = (string)(await new MySqlCommand("SELECT VERSION()", replica).ExecuteScalarAsync())!;
        if (version.Contains("MariaDB"))
        {
            var position = (string)(await new MySqlCommand("SELECT @@gtid_binlog_pos", primary).ExecuteScalarAsync())!;
            await new MySqlCommand($"SELECT MASTER_GTID_WAIT('{position}', 30)", replica).ExecuteScalarAsync();
        }
        else
        {
            var executed = (string)(await new MySqlCommand("SELECT @@GLOBAL.gtid_executed", primary).ExecuteScalarAsync())!;
            await new MySqlCommand($"SELECT WAIT_FOR_EXECUTED_GTID_SET('{executed}', 30)", replica).ExecuteScalarAsync();
        }
    }

    public Task<IConsumerServer> StartConsumerAsync() => Consumer is { } consumer
        ? Task.FromResult<IConsumerServer>(new Fixed(consumer))
        : throw new InvalidOperationException($"Replaying a binlog needs a third server: add consumer=host:port to {ReplicaPairFixture.EnvironmentVariable}.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    sealed class Fixed(ServerEndpoint endpoint) : IConsumerServer
    {
        public ServerEndpoint Endpoint => endpoint;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
