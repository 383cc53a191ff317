using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MySqlConnector;

namespace BinlogFlusher.Sandbox;

/// <summary>Where a server of a pair listens and how the admin user logs in.</summary>
public sealed record ServerEndpoint(string Host, int Port, string User, string Password)
{
    public string ConnectionString(string? database = null) => new MySqlConnectionStringBuilder
    {
        Server = Host,
        Port = (uint)Port,
        UserID = User,
        Password = Password,
        Database = database ?? "",
        AllowUserVariables = true,
        Pooling = false,
        ConnectionTimeout = 10,
        AllowPublicKeyRetrieval = true,
    }.ConnectionString;
}
