using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace BinlogFlusher.Engine.Connection
{
    /// <summary>The [client] section of a my.cnf option file: user, password, host, port, socket, ssl options.</summary>
    public sealed class MyCnfFile
    {
        readonly Dictionary<string, string> client;

        MyCnfFile(string path, Dictionary<string, string> client)
        {
            Path = path;
            this.client = client;
        }

        public string Path { get; }
        public string? User => Get("user");
        internal string? Password => Get("password");
        public string? Socket => Get("socket");
        public string? SslMode => Get("ssl-mode");
        public string? SslCa => Get("ssl-ca");
        public string? SslCert => Get("ssl-cert");
        public string? SslKey => Get("ssl-key");

        public int? Port
        {
            get
            {
                var text = Get("port");
                if (text is null) return null;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port > 0 && port <= 65535) return port;
                throw new InvalidDataException($"{Path}: port '{text}' in [client] is not a port number; write port=3306.");
            }
        }

        string? Get(string key) => client.TryGetValue(key, out var value) ? value : null;

        /// <summary>The default search: ~/.my.cnf, then ~/my.cnf (the old tool's default). Null when neither exists.</summary>
        public static string? FindDefault(string? homeDirectory = null)
        {
            var home = homeDirectory ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            foreach (var name in new[] { ".my.cnf", "my.cnf" })
            {
                var candidate = System.IO.Path.Combine(home, name);
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        public static MyCnfFile Read(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"The option file '{path}' does not exist: give {FrontEnd.Of(FlushOption.MyCnf)} a my.cnf with a [client] section{FrontEnd.OrUse(FlushOption.Credential)}.", path);
            return Parse(path, File.ReadAllLines(path));
        }

        internal static MyCnfFile Parse(string path, IEnumerable<string> lines)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var inClient = false;
            foreach (var raw in lines)
            {
                var line = raw.Trim();
                if (line.Length == 0 || line[0] == '#' || line[0] == ';' || line[0] == '!') continue;
                if (line[0] == '[')
                {
                    var close = line.IndexOf(']');
                    var section = close > 0 ? line.Substring(1, close - 1).Trim() : "";
                    inClient = section.Equals("client", StringComparison.OrdinalIgnoreCase);
                    continue;
                }
                if (!inClient) continue;
                var equals = line.IndexOf('=');
                var key = (equals < 0 ? line : line.Substring(0, equals)).Trim().Replace('_', '-').ToLowerInvariant();
                var value = equals < 0 ? "" : Unquote(line.Substring(equals + 1).Trim());
                values[key] = value;
            }
            return new MyCnfFile(path, values);
        }

        static string Unquote(string value)
        {
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0])
                return value.Substring(1, value.Length - 2).Replace("\\\"", "\"").Replace("\\'", "'").Replace("\\\\", "\\");
            var hash = value.IndexOf(" #", StringComparison.Ordinal);
            return hash >= 0 ? value.Substring(0, hash).TrimEnd() : value;
        }
    }
}
