using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace BinlogFlusher.Sandbox;

/// <summary>The server binaries this machine has: MariaDB (mariadbd + mariadb-install-db) or MySQL (mysqld --initialize-insecure).</summary>
public sealed record ServerBinaries(string Server, string? InstallDb, bool IsMariaDb, string Version)
{
    public const string InstallHint =
        "No MySQL-compatible server for the integration tests: install Docker (Testcontainers starts MySQL 8.4), " +
        "or the MariaDB server package (Debian/Ubuntu: 'apt-get install -y mariadb-server mariadb-client'), " +
        "or MySQL server binaries on PATH, or set BINLOGFLUSHER_TEST_SERVERS to an existing primary and replica.";

    static readonly string[] ExtraFolders = { "/usr/sbin", "/usr/local/sbin", "/usr/local/mysql/bin", "/opt/mysql/bin" };

    public static ServerBinaries? Find()
    {
        var mariadbd = Which("mariadbd");
        if (mariadbd is not null)
            return new ServerBinaries(mariadbd, Which("mariadb-install-db") ?? Which("mysql_install_db"), true, VersionOf(mariadbd));
        var mysqld = Which("mysqld");
        if (mysqld is null) return null;
        var version = VersionOf(mysqld);
        var isMariaDb = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        return new ServerBinaries(mysqld, isMariaDb ? Which("mysql_install_db") : null, isMariaDb, version);
    }

    public static string? Which(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(ExtraFolders)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }

    static string VersionOf(string server)
    {
        using var process = Process.Start(new ProcessStartInfo(server, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }
}
