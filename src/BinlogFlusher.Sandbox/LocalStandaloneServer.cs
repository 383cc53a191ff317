namespace BinlogFlusher.Sandbox;

/// <summary>A throwaway server that replicates from nothing: the consumer side, for replaying a binlog range onto.</summary>
public sealed class LocalStandaloneServer : IAsyncDisposable
{
    readonly LocalServer server;
    readonly string root;

    LocalStandaloneServer(LocalServer server, string root)
    {
        this.server = server;
        this.root = root;
    }

    public ServerEndpoint Endpoint => server.Endpoint;

    public static async Task<LocalStandaloneServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binaries = ServerBinaries.Find() ?? throw new SandboxUnavailableException(ServerBinaries.InstallHint);
        var root = Directory.CreateTempSubdirectory("binlogflusher-sandbox-").FullName;
        var server = await LocalServer.StartAsync(binaries, Path.Combine(root, "consumer"), serverId: 99, new LocalReplicaPairOptions { GtidStrictMode = false }, cancellationToken).ConfigureAwait(false);
        await server.CreateUsersAsync("Bf-consumer-" + Guid.NewGuid().ToString("N")[..8], "bf_repl", "Bf-" + Guid.NewGuid().ToString("N")[..8], cancellationToken).ConfigureAwait(false);
        return new LocalStandaloneServer(server, root);
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync().ConfigureAwait(false);
        try { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
        catch (IOException) { /* the watchdog deletes it */ }
    }
}
