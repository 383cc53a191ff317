using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace BinlogFlusher.Sandbox;

public sealed class LocalReplicaPairOptions
{
    /// <summary>InnoDB buffer pool per server, in megabytes.</summary>
    public int BufferPoolMegabytes { get; init; } = 128;
    /// <summary>Replica: gtid_strict_mode (MariaDB).</summary>
    public bool GtidStrictMode { get; init; } = true;
    /// <summary>Extra lines for the [mysqld] section of both servers.</summary>
    public IReadOnlyList<string> ExtraSettings { get; init; } = Array.Empty<string>();
    /// <summary>my.cnf lines for the replica alone, after ExtraSettings (a later line wins): e.g. its binlog on another disk.</summary>
    public IReadOnlyList<string> ReplicaSettings { get; init; } = Array.Empty<string>();
}
