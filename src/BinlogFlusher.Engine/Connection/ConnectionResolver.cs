using System;

namespace BinlogFlusher.Engine.Connection
{
    /// <summary>Turns what the operator gave (host or host:port, port, credential, my.cnf) into connection settings.</summary>
    public static class ConnectionResolver
    {
        /// <param name="hostArgument">host or host:port</param>
        /// <param name="port">-Port, when given</param>
        /// <param name="user">from -Credential, when given (then <paramref name="password"/> is used and my.cnf is not read)</param>
        /// <param name="myCnfPath">-MyCnf, when given; else ~/.my.cnf, then ~/my.cnf</param>
        public static ConnectionSettings Resolve(string hostArgument, int? port, string? user, string? password, string? myCnfPath)
        {
            MyCnfFile? cnf = null;
            if (user is null)
            {
                var path = myCnfPath ?? MyCnfFile.FindDefault();
                // Never a silent default account: a tool that renames tables logs in as someone the operator named.
                if (path is null)
                {
                    ConnectionSettings.ParseHost(hostArgument, port ?? ConnectionSettings.DefaultPort); // a bad host says so first
                    throw new ArgumentException($"No credentials for {hostArgument}: give {FrontEnd.Of(FlushOption.MyCnf)} with an option file whose [client] section has user= and password={FrontEnd.OrUse(FlushOption.Credential)} (there is no ~/.my.cnf or ~/my.cnf).");
                }
                cnf = MyCnfFile.Read(path);
            }
            else if (myCnfPath is not null)
            {
                cnf = MyCnfFile.Read(myCnfPath); // still the source of port and ssl options
            }
            var (host, hostPort) = ConnectionSettings.ParseHost(hostArgument, port ?? cnf?.Port ?? ConnectionSettings.DefaultPort);
            if (port.HasValue && hostArgument.Contains(":") && hostPort != port.Value && !hostArgument.StartsWith("[", StringComparison.Ordinal))
                throw new FormatException($"'{hostArgument}' names port {hostPort} but {FrontEnd.Of(FlushOption.Port)} says {port}: give the port once.");
            var settings = new ConnectionSettings(host, hostPort, user ?? cnf?.User ?? "", user is null ? cnf?.Password : password)
            {
                SslMode = cnf?.SslMode,
                SslCa = cnf?.SslCa,
                SslCert = cnf?.SslCert,
                SslKey = cnf?.SslKey,
                Credentials = user is not null ? CredentialSource.Credential : CredentialSource.FromOptionFile(cnf!.Path, userNamed: !string.IsNullOrEmpty(cnf.User)),
            };
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(cnf?.Socket)) settings.Socket = cnf!.Socket;
            return settings;
        }
    }
}
