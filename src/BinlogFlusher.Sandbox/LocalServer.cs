using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace BinlogFlusher.Sandbox;

/// <summary>One throwaway server process with its own datadir, port and socket, watched by a watchdog.</summary>
sealed class LocalServer : IAsyncDisposable
{
    // Runs the server as its child and outlives nothing: when the owner (this process) dies, it kills the
    // server; when the server stops, it deletes the folder (unless a crash test asked to keep it for a restart).
    const string WatchdogScript =
        "exec 2>/dev/null; owner=$1; dir=$2; shift 2; \"$@\" >>\"$dir/stderr.log\" 2>&1 & server=$!; " +
        "while kill -0 \"$owner\" 2>/dev/null && kill -0 \"$server\" 2>/dev/null; do sleep 0.3; done; " +
        "kill -9 \"$server\" 2>/dev/null; wait \"$server\" 2>/dev/null; " +
        "if kill -0 \"$owner\" 2>/dev/null && [ -e \"$dir/restarting\" ]; then exit 0; fi; " +
        "if kill -0 \"$owner\" 2>/dev/null; then tail -n 15 \"$dir/error.log\" >\"$dir.lastlog\" 2>/dev/null; fi; " +
        "rm -rf \"$dir\"; rmdir \"$(dirname \"$dir\")\" 2>/dev/null; exit 0";

    ServerBinaries? binaries;
    string? configFile;

    Process? watchdog;

    LocalServer(string directory, ServerEndpoint endpoint)
    {
        Directory_ = directory;
        Endpoint = endpoint;
    }

    string Directory_ { get; }
    public string DataDirectory => Path.Combine(Directory_, "data");
    string SocketPath => Path.Combine(Directory_, "mysqld.sock");
    string ErrorLog => Path.Combine(Directory_, "error.log");
    string PidFile => Path.Combine(Directory_, "mysqld.pid");
    public ServerEndpoint Endpoint { get; private set; }
    public int ProcessId { get; private set; }

    public static async Task<LocalServer> StartAsync(ServerBinaries binaries, string directory, int serverId,
        LocalReplicaPairOptions options, CancellationToken cancellationToken, IReadOnlyList<string>? ownSettings = null)
    {
        // A free port can be taken by another process between choosing it and the server binding it: try a new one.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(binaries, directory, serverId, options, cancellationToken, ownSettings).ConfigureAwait(false);
            }
            catch (InvalidOperationException exception) when (attempt < 3 && exception.Message.Contains("exited while starting", StringComparison.Ordinal))
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    static async Task<LocalServer> StartOnceAsync(ServerBinaries binaries, string directory, int serverId,
        LocalReplicaPairOptions options, CancellationToken cancellationToken, IReadOnlyList<string>? ownSettings)
    {
        Directory.CreateDirectory(directory);
        var port = LocalReplicaPair.FreePort();
        var server = new LocalServer(directory, new ServerEndpoint("127.0.0.1", port, LocalReplicaPair.AdminUser, ""));
        var config = Path.Combine(directory, "my.cnf");
        await File.WriteAllTextAsync(config, server.Config(binaries, serverId, port, options, ownSettings ?? Array.Empty<string>()), cancellationToken).ConfigureAwait(false);
        await server.InitializeAsync(binaries, config, cancellationToken).ConfigureAwait(false);
        server.Launch(binaries, config);
        await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    string Config(ServerBinaries binaries, int serverId, int port, LocalReplicaPairOptions options, IReadOnlyList<string> ownSettings)
    {
        var lines = new List<string>
        {
            "[mysqld]",
            $"datadir={DataDirectory}",
            $"port={port}",
            "bind-address=127.0.0.1",
            $"socket={SocketPath}",
            $"pid-file={PidFile}",
            $"log-error={ErrorLog}",
            // Its own tmpdir: two bootstraps sharing /tmp collide on temporary table names.
            $"tmpdir={Directory_}",
            $"server-id={serverId}",
            "log-bin=binlog",
            "binlog_format=ROW",
            "skip-name-resolve",
            $"innodb_buffer_pool_size={options.BufferPoolMegabytes}M",
            "innodb_flush_log_at_trx_commit=2",
            "sync_binlog=0",
            "max_connections=300",
            "character-set-server=utf8mb4",
        };
        if (Environment.UserName == "root") lines.Add("user=root");
        if (binaries.IsMariaDb)
        {
            lines.AddRange(new[] { "log_slave_updates=ON", "plugin-load-add=ha_blackhole", "innodb_log_file_size=48M" });
            if (options.GtidStrictMode) lines.Add("gtid_strict_mode=ON");
        }
        else
        {
            lines.AddRange(new[] { "gtid_mode=ON", "enforce_gtid_consistency=ON", "log_replica_updates=ON", "mysqlx=OFF", "skip-replica-start=OFF" });
        }
        lines.AddRange(options.ExtraSettings);
        lines.AddRange(ownSettings);
        return string.Join("\n", lines) + "\n";
    }

    async Task InitializeAsync(ServerBinaries binaries, string config, CancellationToken cancellationToken)
    {
        var (file, arguments) = binaries.IsMariaDb
            ? (binaries.InstallDb ?? throw new SandboxUnavailableException("mariadb-install-db was not found beside mariadbd. " + ServerBinaries.InstallHint),
               new[] { $"--defaults-file={config}", "--auth-root-authentication-method=normal", "--skip-test-db" })
            : (binaries.Server, new[] { $"--defaults-file={config}", "--initialize-insecure" });
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}{ReadErrorLog()}");
    }

    void Launch(ServerBinaries binaries, string config)
    {
        this.binaries = binaries;
        configFile = config;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = false, RedirectStandardError = false, UseShellExecute = false };
        foreach (var argument in new[] { "-c", WatchdogScript, "watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Directory_, binaries.Server, $"--defaults-file={config}" })
            start.ArgumentList.Add(argument);
        watchdog = Process.Start(start)!;
    }

    async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var rootOverSocket = new MySqlConnectionStringBuilder
        {
            Server = SocketPath,
            ConnectionProtocol = MySqlConnectionProtocol.Unix,
            UserID = "root",
            Pooling = false,
            ConnectionTimeout = 2,
        }.ConnectionString;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (watchdog!.HasExited)
                throw new InvalidOperationException($"The server in {Directory_} exited while starting. {ReadErrorLog()}");
            try
            {
                await using var connection = new MySqlConnection(rootOverSocket);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                ProcessId = int.Parse((await File.ReadAllTextAsync(PidFile, cancellationToken).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
                return;
            }
            catch (Exception exception) when (exception is MySqlException or FileNotFoundException or FormatException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A crash: SIGKILL of the server, then (in the background) the same server started again on the same datadir and
    /// port after <paramref name="downtime"/>. The returned task ends when the server answers again.
    /// </summary>
    public async Task CrashAndRestartAsync(TimeSpan downtime, CancellationToken cancellationToken = default)
    {
        var marker = Path.Combine(Directory_, "restarting");
        await File.WriteAllTextAsync(marker, "", cancellationToken).ConfigureAwait(false);
        try { Process.GetProcessById(ProcessId).Kill(); }
        catch (ArgumentException) { /* already gone */ }
        await watchdog!.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        watchdog.Dispose();
        watchdog = null;
        await Task.Delay(downtime, cancellationToken).ConfigureAwait(false);
        Launch(binaries!, configFile!);
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        File.Delete(marker);
    }

    public async Task CreateUsersAsync(string adminPassword, string replicationUser, string replicationPassword, CancellationToken cancellationToken)
    {
        var rootOverSocket = new MySqlConnectionStringBuilder
        {
            Server = SocketPath,
            ConnectionProtocol = MySqlConnectionProtocol.Unix,
            UserID = "root",
            Pooling = false,
        }.ConnectionString;
        await using var connection = new MySqlConnection(rootOverSocket);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Unlogged: the users are the sandbox's own, not part of what replicates.
        await LocalReplicaPair.ExecuteAsync(connection,
            "SET SESSION sql_log_bin=0; " +
            $"CREATE USER '{LocalReplicaPair.AdminUser}'@'%' IDENTIFIED BY '{adminPassword}'; " +
            $"GRANT ALL ON *.* TO '{LocalReplicaPair.AdminUser}'@'%' WITH GRANT OPTION; " +
            $"CREATE USER '{replicationUser}'@'%' IDENTIFIED BY '{replicationPassword}'; " +
            $"GRANT REPLICATION SLAVE ON *.* TO '{replicationUser}'@'%';", cancellationToken).ConfigureAwait(false);
        Endpoint = Endpoint with { Password = adminPassword };
    }

    string ReadErrorLog()
    {
        // A server that exited has its folder removed by its watchdog, which keeps the log's tail beside it.
        var kept = Directory_.TrimEnd(Path.DirectorySeparatorChar) + ".lastlog";
        try
        {
            if (File.Exists(ErrorLog)) return "Server log: " + string.Join("\n", File.ReadLines(ErrorLog).TakeLast(15));
            if (!File.Exists(kept)) return "";
            var text = File.ReadAllText(kept);
            File.Delete(kept);
            return "Server log: " + text;
        }
        catch (IOException) { return ""; }
    }

    public async ValueTask DisposeAsync()
    {
        if (watchdog is null) return;
        try
        {
            if (ProcessId > 0)
            {
                try { Process.GetProcessById(ProcessId).Kill(); }
                catch (ArgumentException) { /* already gone */ }
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await watchdog.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            watchdog.Kill(entireProcessTree: true);
        }
        finally
        {
            watchdog.Dispose();
            watchdog = null;
        }
    }
}
