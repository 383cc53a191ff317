using BinlogFlusher.Sandbox;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Networks;
using MySqlConnector;
using Testcontainers.MySql;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>A MySQL primary and replica in containers (developer laptops with Docker): GTID replication, ROW binlog.</summary>
sealed class TestcontainersReplicaPair : IReplicaPairSource
{
    public const string DefaultImage = "mysql:8.4";
    const string RootPassword = "bf-root-pw";
    readonly string image;
    readonly INetwork network;
    readonly MySqlContainer primary;
    readonly MySqlContainer replica;

    TestcontainersReplicaPair(string image, INetwork network, MySqlContainer primary, MySqlContainer replica)
    {
        this.image = image;
        this.network = network;
        this.primary = primary;
        this.replica = replica;
    }

    public ServerEndpoint Primary => Endpoint(primary);
    public ServerEndpoint Replica => Endpoint(replica);
    public string Description => "Testcontainers " + image;
    public bool CanStartConsumer => true;

    static ServerEndpoint Endpoint(MySqlContainer container) => new(container.Hostname, container.GetMappedPublicPort(3306), "root", RootPassword);

    /// <summary>Null when no Docker engine answers.</summary>
    public static async Task<TestcontainersReplicaPair?> TryStartAsync(string image = DefaultImage)
    {
        if (!DockerAnswers()) return null;
        var network = new NetworkBuilder().Build();
        var primary = Server(image, network, "primary", 1);
        var replica = Server(image, network, "replica", 2);
        await network.CreateAsync();
        await Task.WhenAll(primary.StartAsync(), replica.StartAsync());
        var pair = new TestcontainersReplicaPair(image, network, primary, replica);
        await ReplicaPairFixture.ExecuteAsync(pair.Primary, "SET SESSION sql_log_bin = 0",
            "CREATE USER 'bf_repl'@'%' IDENTIFIED BY 'bf-repl-pw'", "GRANT REPLICATION SLAVE ON *.* TO 'bf_repl'@'%'");
        await pair.StartReplicationAsync();
        return pair;
    }

    public static bool DockerAnswers()
    {
        try
        {
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
        catch (Exception)
        {
            return false;
        }
    }

    static MySqlContainer Server(string image, INetwork network, string alias, int serverId) => new MySqlBuilder(image)
        .WithUsername("root")
        .WithPassword(RootPassword)
        .WithNetwork(network)
        .WithNetworkAliases(alias)
        .WithCommand($"--server-id={serverId}", "--log-bin=binlog", "--binlog-format=ROW", "--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--log-replica-updates=ON")
        .Build();

    public async Task StartReplicationAsync() => await ReplicaPairFixture.ExecuteAsync(Replica, "STOP REPLICA",
        "CHANGE REPLICATION SOURCE TO SOURCE_HOST='primary', SOURCE_PORT=3306, SOURCE_USER='bf_repl', SOURCE_PASSWORD='bf-repl-pw', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1",
        "START REPLICA");

    public async Task WaitForReplicaAsync()
    {
        var executed = (string?)await ReplicaPairFixture.ScalarAsync(Primary, "SELECT @@GLOBAL.gtid_executed") ?? "";
        var waited = await ReplicaPairFixture.ScalarAsync(Replica, $"SELECT WAIT_FOR_EXECUTED_GTID_SET('{executed}', 30)");
        if (Convert.ToInt32(waited) != 0) throw new InvalidOperationException($"The replica did not reach {executed} within 30s.");
    }

    public async Task<IConsumerServer> StartConsumerAsync()
    {
        var container = new MySqlBuilder(image).WithUsername("root").WithPassword(RootPassword).Build();
        await container.StartAsync();
        return new Consumer(container);
    }

    public async ValueTask DisposeAsync()
    {
        await replica.DisposeAsync();
        await primary.DisposeAsync();
        await network.DisposeAsync();
    }

    sealed class Consumer(MySqlContainer container) : IConsumerServer
    {
        public ServerEndpoint Endpoint => TestcontainersReplicaPair.Endpoint(container);
        public ValueTask DisposeAsync() => container.DisposeAsync();
    }
}
