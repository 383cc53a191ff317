using System;
using System.Globalization;
using MySqlConnector;

namespace BinlogFlusher.Engine.Connection
{
    /// <summary>How to reach one server. <see cref="ToString"/> never shows the password.</summary>
    public sealed class ConnectionSettings
    {
        public const int DefaultPort = 3306;

        public ConnectionSettings(string host, int port, string user, string? password)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ArgumentException("A host name is required.", nameof(host));
            if (port <= 0 || port > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "A port is between 1 and 65535.");
            Host = host;
            Port = port;
            User = string.IsNullOrEmpty(user) ? Environment.UserName : user;
            Password = password;
        }

        public string Host { get; }
        public int Port { get; }
        public string User { get; }
        internal string? Password { get; }
        public string? Socket { get; set; }
        public string? SslMode { get; set; }
        public string? SslCa { get; set; }
        public string? SslCert { get; set; }
        public string? SslKey { get; set; }
        public int ConnectTimeoutSeconds { get; set; } = 10;

        /// <summary>Where <see cref="User"/> and the password came from.</summary>
        public CredentialSource Credentials { get; set; } = CredentialSource.Caller;

        bool HasPassword => !string.IsNullOrEmpty(Password);

        /// <summary>"user 'flusher' from /root/.my.cnf": which account, from where; never the password.</summary>
        public string CredentialsText => Credentials.Describe(User, HasPassword);

        /// <summary>A warning for a login nobody named (this process's login name) or root without a password; else null.</summary>
        public string? CredentialsWarning => Credentials.Warning(User, HasPassword);

        /// <summary>The end of a connection failure's message: what to check, naming the source actually used.</summary>
        internal string WhatToCheck => Credentials.WhatToCheck(User, HasPassword);

        /// <summary>host:port, the name used in messages, journals and progress.</summary>
        public string Target => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);

        internal string BuildConnectionString()
        {
            var builder = new MySqlConnectionStringBuilder
            {
                Server = Socket ?? Host,
                Port = (uint)Port,
                UserID = User,
                Password = Password ?? "",
                Pooling = false,
                AllowUserVariables = true,
                AllowZeroDateTime = true,
                AllowPublicKeyRetrieval = true,
                ConnectionTimeout = (uint)ConnectTimeoutSeconds,
                DefaultCommandTimeout = 0,
                CharacterSet = "utf8mb4",
                UseAffectedRows = false,
                GuidFormat = MySqlGuidFormat.None,
                TreatTinyAsBoolean = false,
                ConvertZeroDateTime = false,
            };
            if (Socket is not null) builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
            if (!string.IsNullOrEmpty(SslMode) && Enum.TryParse<MySqlSslMode>(SslMode!.Replace("_", ""), ignoreCase: true, out var mode)) builder.SslMode = mode;
            if (!string.IsNullOrEmpty(SslCa)) builder.SslCa = SslCa;
            if (!string.IsNullOrEmpty(SslCert)) builder.SslCert = SslCert;
            if (!string.IsNullOrEmpty(SslKey)) builder.SslKey = SslKey;
            return builder.ConnectionString;
        }

        public override string ToString() => User + "@" + Target;

        /// <summary>Splits "host" or "host:port" (or "[v6]:port"); the port falls back to <paramref name="defaultPort"/>.</summary>
        public static (string Host, int Port) ParseHost(string value, int defaultPort)
        {
            if (string.IsNullOrWhiteSpace(value)) throw new FormatException("A host name is empty: give 'host' or 'host:port'.");
            value = value.Trim();
            if (value.StartsWith("[", StringComparison.Ordinal))
            {
                var close = value.IndexOf(']');
                if (close < 0) throw new FormatException($"'{value}' has '[' without ']': write an IPv6 address as [address]:port.");
                var address = value.Substring(1, close - 1);
                var rest = value.Substring(close + 1);
                return rest.Length == 0 ? (address, defaultPort) : (address, ParsePort(rest.TrimStart(':'), value));
            }
            var colon = value.LastIndexOf(':');
            if (colon < 0 || value.IndexOf(':') != colon) return (value, defaultPort);
            return (value.Substring(0, colon), ParsePort(value.Substring(colon + 1), value));
        }

        static int ParsePort(string text, string whole)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port > 0 && port <= 65535) return port;
            throw new FormatException($"'{whole}' has no valid port after ':': write host:port with a port from 1 to 65535.");
        }
    }
}
