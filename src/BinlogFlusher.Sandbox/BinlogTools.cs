using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace BinlogFlusher.Sandbox;

/// <summary>What a server wrote to its binlog, read back with the server's own mariadb-binlog / mysqlbinlog client.</summary>
public static class BinlogTools
{
    public static string? ClientBinary => ServerBinaries.Which("mariadb-binlog") ?? ServerBinaries.Which("mysqlbinlog");
    public static string? SqlClientBinary => ServerBinaries.Which("mariadb") ?? ServerBinaries.Which("mysql");

    /// <summary>The decoded text (--base64-output=decode-rows -v) of the binlog between two coordinates, read from the server over the network.</summary>
    public static async Task<string> DecodeAsync(ServerEndpoint server, string startFile, long startPosition, string endFile, long endPosition, CancellationToken cancellationToken = default)
    {
        var files = await FilesBetweenAsync(server, startFile, endFile, cancellationToken).ConfigureAwait(false);
        return await RunBinlogClientAsync(server, files, startPosition, endPosition, decodeRows: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The raw SQL of the range (BINLOG statements included), for replaying it onto another server.</summary>
    public static async Task<string> ReadAsSqlAsync(ServerEndpoint server, string startFile, long startPosition, string endFile, long endPosition, CancellationToken cancellationToken = default)
    {
        var files = await FilesBetweenAsync(server, startFile, endFile, cancellationToken).ConfigureAwait(false);
        return await RunBinlogClientAsync(server, files, startPosition, endPosition, decodeRows: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs SQL text through the command-line client against a server (replays a binlog range as a consumer would).</summary>
    public static async Task ApplySqlAsync(ServerEndpoint server, string sql, CancellationToken cancellationToken = default)
    {
        var client = SqlClientBinary ?? throw new SandboxUnavailableException("The mariadb/mysql client is not installed: install mariadb-client.");
        using var defaults = new DefaultsFile(server);
        var start = new ProcessStartInfo(client) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { $"--defaults-extra-file={defaults.Path}", "--binary-mode", "--batch" }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(sql.AsMemory(), cancellationToken).ConfigureAwait(false);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(client)} failed ({process.ExitCode}): {await error.ConfigureAwait(false)}");
        await output.ConfigureAwait(false);
    }

    /// <summary>Counts decoded row inserts per `schema`.`table`.</summary>
    public static Dictionary<string, int> CountInserts(string decoded)
    {
        var counts = new Dictionary<string, int>();
        foreach (Match match in Regex.Matches(decoded, @"^### INSERT INTO (.+)$", RegexOptions.Multiline))
        {
            var name = match.Groups[1].Value.Trim();
            counts[name] = counts.TryGetValue(name, out var n) ? n + 1 : 1;
        }
        return counts;
    }

    /// <summary>The decoded row inserts of each transaction that has any, in binlog order.</summary>
    public static List<int> InsertsPerTransaction(string decoded) =>
        Regex.Matches(decoded, @"^(?:BEGIN|START TRANSACTION)\n(.*?)^COMMIT", RegexOptions.Multiline | RegexOptions.Singleline)
            .Select(m => Regex.Matches(m.Groups[1].Value, "^### INSERT INTO ", RegexOptions.Multiline).Count).Where(n => n > 0).ToList();

    /// <summary>
    /// The bytes of each transaction that writes rows, in binlog order: from its GTID event to the end of its last event
    /// (a file's Rotate and the next file's header events belong to no transaction).
    /// </summary>
    public static List<long> RowTransactionBytes(string decoded)
    {
        var sizes = new List<long>();
        long at = 0, start = -1, end = 0;
        var writesRows = false;
        void Close()
        {
            if (start >= 0 && writesRows) sizes.Add(end - start);
            start = -1;
            writesRows = false;
        }
        foreach (var line in decoded.Split('\n'))
        {
            if (line.StartsWith("# at ", StringComparison.Ordinal))
            {
                at = long.Parse(line.Substring(5).Trim(), CultureInfo.InvariantCulture);
                continue;
            }
            var header = EventHeader.Match(line);
            if (!header.Success) continue;
            var type = header.Groups[2].Value;
            if (type is "GTID" or "Gtid" or "Anonymous_GTID" or "Rotate" or "Start" or "Format_desc")
            {
                Close();
                if (type is "GTID" or "Gtid" or "Anonymous_GTID") start = at;
            }
            if (type.Contains("_rows", StringComparison.Ordinal) && type != "Annotate_rows") writesRows = true;
            end = long.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        Close();
        return sizes;
    }

    /// <summary>mariadb-binlog's event header line: "#241124 10:58:40 server id 2  end_log_pos 379 CRC32 0x6f8c2e4b \tGTID 191-2-1 trans".</summary>
    static readonly Regex EventHeader = new(@"^#\d{6}\s+\d+:\d+:\d+\s+server id \d+\s+end_log_pos (\d+)\b[^\t]*\t([A-Za-z_]+)");

    static async Task<List<string>> FilesBetweenAsync(ServerEndpoint server, string startFile, string endFile, CancellationToken cancellationToken)
    {
        await using var connection = await LocalReplicaPair.OpenAsync(server, cancellationToken).ConfigureAwait(false);
        await using var command = new MySqlCommand("SHOW BINARY LOGS", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var files = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            if (string.CompareOrdinal(name, startFile) >= 0 && string.CompareOrdinal(name, endFile) <= 0) files.Add(name);
        }
        return files;
    }

    static async Task<string> RunBinlogClientAsync(ServerEndpoint server, List<string> files, long startPosition, long endPosition, bool decodeRows, CancellationToken cancellationToken)
    {
        var client = ClientBinary ?? throw new SandboxUnavailableException("mariadb-binlog (or mysqlbinlog) is not installed: install mariadb-client (or mysql-client).");
        using var defaults = new DefaultsFile(server);
        var start = new ProcessStartInfo(client) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        var arguments = new List<string> { $"--defaults-extra-file={defaults.Path}", "--read-from-remote-server", $"--start-position={startPosition}", $"--stop-position={endPosition}" };
        if (decodeRows) arguments.AddRange(new[] { "--base64-output=decode-rows", "--verbose" });
        arguments.AddRange(files);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(client)} failed ({process.ExitCode}): {await error.ConfigureAwait(false)}");
        return await output.ConfigureAwait(false);
    }

    /// <summary>A [client] option file for the command-line tools, so the password is never on a command line.</summary>
    sealed class DefaultsFile : IDisposable
    {
        public DefaultsFile(ServerEndpoint server)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bf-client-" + Guid.NewGuid().ToString("N") + ".cnf");
            File.WriteAllText(Path, $"[client]\nhost={server.Host}\nport={server.Port}\nuser={server.User}\npassword=\"{server.Password}\"\nprotocol=TCP\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        public string Path { get; }
        public void Dispose() => File.Delete(Path);
    }
}
