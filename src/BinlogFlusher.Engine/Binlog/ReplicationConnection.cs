using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Connection;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// A connection of our own to a server, speaking the client/server protocol directly (MySqlConnector cannot send
    /// COM_REGISTER_SLAVE or COM_BINLOG_DUMP): handshake v10, TLS as SslMode asks, mysql_native_password and
    /// caching_sha2_password (fast, or full over RSA; either also after an auth switch), simple queries, then the binlog dump's stream of event packets.
    /// </summary>
    internal sealed class ReplicationConnection : IDisposable
    {
        const uint ClientLongPassword = 0x1, ClientLongFlag = 0x4, ClientProtocol41 = 0x200, ClientSsl = 0x800, ClientTransactions = 0x2000,
            ClientSecureConnection = 0x8000, ClientMultiResults = 0x20000, ClientPluginAuth = 0x80000, ClientPluginAuthLenencData = 0x200000;
        const byte ComQuery = 0x03, ComBinlogDump = 0x12, ComRegisterSlave = 0x15;

        readonly TcpClient client;
        readonly PacketChannel channel;
        readonly ConnectionSettings settings;

        ReplicationConnection(TcpClient client, ConnectionSettings settings)
        {
            this.client = client;
            this.settings = settings;
            channel = new PacketChannel(new BufferedStream(client.GetStream(), 1 << 16));
        }

        public string ServerVersion { get; private set; } = "";
        public bool IsMariaDb => ServerVersion.IndexOf("MariaDB", StringComparison.OrdinalIgnoreCase) >= 0;

        public static async Task<ReplicationConnection> OpenAsync(ConnectionSettings settings, CancellationToken cancellationToken)
        {
            var tls = TlsPolicy.From(settings);
            var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 1 << 20 };
            try
            {
                await ConnectAsync(client, settings, cancellationToken).ConfigureAwait(false);
                var connection = new ReplicationConnection(client, settings);
                await connection.LogInAsync(tls, cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary>Cancelled on a stop, or when the connect timeout has passed: how long the connection and its TLS handshake may take.</summary>
        static CancellationTokenSource StopOrConnectTimeout(ConnectionSettings settings, CancellationToken cancellationToken)
        {
            var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            source.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, settings.ConnectTimeoutSeconds)));
            return source;
        }

        static async Task ConnectAsync(TcpClient client, ConnectionSettings settings, CancellationToken cancellationToken)
        {
            var connect = client.ConnectAsync(settings.Host, settings.Port);
            using var timeout = StopOrConnectTimeout(settings, cancellationToken);
            var finished = await Task.WhenAny(connect, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != connect)
            {
                _ = connect.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                throw new BinlogReaderException($"Cannot connect to {settings.Target} to read its binlog: no answer within {settings.ConnectTimeoutSeconds} s. Check that the server runs and that the host and port are right.");
            }
            try
            {
                await connect.ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new BinlogReaderException($"Cannot connect to {settings.Target} to read its binlog: {e.Message}. Check that the server runs and that the host and port are right.", 0, e);
            }
        }

        /// <summary>Whether the connection runs over TLS.</summary>
        public bool IsSecure { get; private set; }

        async Task LogInAsync(TlsPolicy tls, CancellationToken cancellationToken)
        {
            var handshake = ServerHandshake.Parse(await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false));
            ServerVersion = handshake.ServerVersion;
            var capabilities = ClientLongPassword | ClientLongFlag | ClientProtocol41 | ClientTransactions | ClientSecureConnection | ClientMultiResults | ClientPluginAuth;
            if ((handshake.Capabilities & ClientPluginAuthLenencData) != 0) capabilities |= ClientPluginAuthLenencData;
            if (tls.Mode != TlsPolicy.TlsMode.None && (handshake.Capabilities & ClientSsl) != 0)
            {
                capabilities |= ClientSsl;
                await StartTlsAsync(tls, capabilities, cancellationToken).ConfigureAwait(false);
            }
            else if (tls.Mode >= TlsPolicy.TlsMode.Required)
            {
                throw new BinlogReaderException($"{settings.Target} does not offer TLS, and SslMode is {settings.SslMode}: configure TLS on the server, or read with SslMode=Preferred.");
            }
            var plugin = handshake.AuthPlugin == CachingSha2Password.PluginName ? CachingSha2Password.PluginName : NativePassword.PluginName;
            var nonce = handshake.Scramble;
            var authResponse = AuthResponse(plugin, nonce);

            var response = ResponseStart(capabilities);
            AddNulTerminated(response, settings.User);
            if ((capabilities & ClientPluginAuthLenencData) != 0) AddLengthEncoded(response, (ulong)authResponse.Length);
            else response.Add((byte)authResponse.Length);
            response.AddRange(authResponse);
            AddNulTerminated(response, plugin);
            await channel.WritePayloadAsync(response.ToArray(), cancellationToken).ConfigureAwait(false);

            var reply = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            if (reply.Length > 0 && reply[0] == 0xFE)
            {
                var reader = new ByteReader(reply, 1, reply.Length);
                plugin = reader.NulTerminated();
                nonce = reader.Bytes(reader.Remaining);
                if (nonce.Length > 0 && nonce[nonce.Length - 1] == 0) Array.Resize(ref nonce, nonce.Length - 1);
                await channel.WritePayloadAsync(AuthResponse(plugin, nonce), cancellationToken).ConfigureAwait(false);
                reply = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            }
            if (plugin == CachingSha2Password.PluginName && reply.Length == 2 && reply[0] == CachingSha2Password.MoreData)
                reply = await CachingSha2ResultAsync(reply[1], nonce, cancellationToken).ConfigureAwait(false);
            try
            {
                ExpectOk(reply, $"Cannot log in to {settings.Target} as {settings.CredentialsText} to read its binlog");
            }
            catch (BinlogReaderException e) when (e.ServerErrorCode != 0)
            {
                throw new BinlogReaderException(e.Message + " " + settings.WhatToCheck, e.ServerErrorCode, e);
            }
        }

        /// <summary>Capabilities, maximum packet size, character set, 23 zero bytes: the SSL request, and the start of the handshake response.</summary>
        static List<byte> ResponseStart(uint capabilities)
        {
            var response = new List<byte>();
            AddUInt(response, capabilities, 4);
            AddUInt(response, PacketChannel.MaxPacketPayload, 4);
            response.Add(45); // utf8mb4_general_ci
            response.AddRange(new byte[23]);
            return response;
        }

        async Task StartTlsAsync(TlsPolicy tls, uint capabilities, CancellationToken cancellationToken)
        {
            await channel.WritePayloadAsync(ResponseStart(capabilities).ToArray(), cancellationToken).ConfigureAwait(false);
            var secure = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, tls.Validate);
            // SslStream's handshake takes no CancellationToken on netstandard2.0: closing the socket is what stops it,
            // on a stop or when the server does not answer within the connect timeout.
            using var abort = StopOrConnectTimeout(settings, cancellationToken);
            try
            {
                using (abort.Token.Register(() => client.Dispose()))
                    await secure.AuthenticateAsClientAsync(settings.Host).ConfigureAwait(false);
            }
            catch (Exception e) when (abort.IsCancellationRequested && e is AuthenticationException or IOException or ObjectDisposedException or SocketException)
            {
                secure.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                throw new BinlogReaderException($"TLS with {settings.Target} failed (SslMode {settings.SslMode ?? "Preferred"}): no answer to the TLS handshake within {settings.ConnectTimeoutSeconds} s. "
                    + "Check that the server's port speaks the MySQL protocol with TLS, or read with SslMode=None.", 0, e);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                secure.Dispose();
                throw new BinlogReaderException($"TLS with {settings.Target} failed (SslMode {settings.SslMode ?? "Preferred"}): {e.Message} "
                    + "Check the server's certificate, or give its CA with SslCa.", 0, e);
            }
            channel.Replace(new BufferedStream(secure, 1 << 16));
            IsSecure = true;
        }

        byte[] AuthResponse(string plugin, byte[] nonce) => plugin switch
        {
            NativePassword.PluginName => NativePassword.Scramble(settings.Password, nonce),
            CachingSha2Password.PluginName => CachingSha2Password.Scramble(settings.Password, nonce),
            _ => throw UnsupportedPlugin(plugin),
        };

        /// <summary>After the scramble: fast authentication succeeded (the OK follows), or full authentication over RSA with the server's public key.</summary>
        async Task<byte[]> CachingSha2ResultAsync(byte result, byte[] nonce, CancellationToken cancellationToken)
        {
            if (result == CachingSha2Password.FastAuthSuccess) return await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            if (result != CachingSha2Password.PerformFullAuthentication)
                throw new BinlogReaderException($"{settings.Target} answered caching_sha2_password with 0x{result:X2}, neither fast authentication success (3) nor full authentication (4).");
            if (IsSecure)
            {
                // Over TLS the password goes as it is, NUL-terminated.
                await channel.WritePayloadAsync(Encoding.UTF8.GetBytes((settings.Password ?? "") + "\0"), cancellationToken).ConfigureAwait(false);
                return await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            }
            await channel.WritePayloadAsync(new[] { CachingSha2Password.RequestPublicKey }, cancellationToken).ConfigureAwait(false);
            var key = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            if (key.Length > 0 && key[0] == 0xFF) return key;
            if (key.Length < 2 || key[0] != CachingSha2Password.MoreData) throw new BinlogReaderException($"{settings.Target} sent no RSA public key for caching_sha2_password's full authentication.");
            var pem = Encoding.ASCII.GetString(key, 1, key.Length - 1);
            await channel.WritePayloadAsync(CachingSha2Password.EncryptPassword(settings.Password, nonce, pem), cancellationToken).ConfigureAwait(false);
            return await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
        }

        BinlogReaderException UnsupportedPlugin(string plugin) => new(
            $"The account {settings.User}@{settings.Target} authenticates with {plugin}, and the binlog reader speaks only mysql_native_password and caching_sha2_password. "
            + $"Read the binlog as an account with one of those (ALTER USER ... IDENTIFIED WITH mysql_native_password BY '...', on MariaDB IDENTIFIED VIA mysql_native_password USING PASSWORD('...')).");

        /// <summary>A statement that returns no rows (SET ...).</summary>
        public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
        {
            await SendCommandAsync(ComQuery, Encoding.UTF8.GetBytes(sql), cancellationToken).ConfigureAwait(false);
            var reply = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            ExpectOk(reply, $"{settings.Target} refused '{sql}'");
        }

        /// <summary>The first column of the first row of a query's text result (null for SQL NULL or no row).</summary>
        public async Task<string?> ScalarAsync(string sql, CancellationToken cancellationToken)
        {
            await SendCommandAsync(ComQuery, Encoding.UTF8.GetBytes(sql), cancellationToken).ConfigureAwait(false);
            var first = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            if (first.Length > 0 && first[0] == 0xFF) throw ServerError(first, $"{settings.Target} refused '{sql}'");
            if (first.Length > 0 && first[0] == 0x00) return null;
            string? value = null;
            var seenEof = 0;
            var rows = 0;
            while (seenEof < 2)
            {
                var packet = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
                if (packet.Length > 0 && packet[0] == 0xFF) throw ServerError(packet, $"{settings.Target} refused '{sql}'");
                if (packet.Length > 0 && packet[0] == 0xFE && packet.Length < 9)
                {
                    seenEof++;
                    continue;
                }
                if (seenEof == 1 && rows++ == 0)
                {
                    var reader = new ByteReader(packet, 0, packet.Length);
                    if (packet[0] != 0xFB) value = reader.Text((int)reader.LengthEncoded());
                }
            }
            return value;
        }

        /// <summary>COM_REGISTER_SLAVE: the server lists this reader among its replicas under <paramref name="serverId"/>.</summary>
        public async Task RegisterReplicaAsync(uint serverId, CancellationToken cancellationToken)
        {
            var body = new List<byte>();
            AddUInt(body, serverId, 4);
            foreach (var text in new[] { "binlogflusher-reader", "", "" })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                body.Add((byte)bytes.Length);
                body.AddRange(bytes);
            }
            AddUInt(body, 0, 2); // port
            AddUInt(body, 0, 4); // replication rank
            AddUInt(body, 0, 4); // master id
            await SendCommandAsync(ComRegisterSlave, body.ToArray(), cancellationToken).ConfigureAwait(false);
            var reply = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ExpectOk(reply, $"{settings.Target} refused to register the binlog reader as a replica (server id {serverId})");
            }
            catch (BinlogReaderException e) when (e.ServerErrorCode is 1045 or 1227)
            {
                // MariaDB answers a missing privilege here with 1045 (access denied), MySQL with 1227.
                throw new BinlogReaderException($"{e.Message} The account {settings.User} cannot read binlogs: GRANT REPLICATION SLAVE ON *.* TO the account.", e.ServerErrorCode, e);
            }
        }

        /// <summary>COM_BINLOG_DUMP from (file, position); the events follow as packets (see <see cref="ReadEventAsync"/>).</summary>
        public Task StartDumpAsync(string file, uint position, ushort flags, uint serverId, CancellationToken cancellationToken)
        {
            var body = new List<byte>();
            AddUInt(body, position, 4);
            AddUInt(body, flags, 2);
            AddUInt(body, serverId, 4);
            body.AddRange(Encoding.UTF8.GetBytes(file));
            return SendCommandAsync(ComBinlogDump, body.ToArray(), cancellationToken);
        }

        /// <summary>The next event packet of the dump (its leading OK byte included), or null at the server's EOF.</summary>
        public async Task<byte[]?> ReadEventAsync(CancellationToken cancellationToken)
        {
            var packet = await channel.ReadPayloadAsync(cancellationToken).ConfigureAwait(false);
            if (packet.Length == 0) throw new BinlogReaderException($"{settings.Target} sent an empty packet in the binlog dump.");
            if (packet[0] == 0x00) return packet;
            if (packet[0] == 0xFE && packet.Length < 9) return null;
            if (packet[0] == 0xFF) throw ServerError(packet, $"{settings.Target} stopped sending its binlog");
            throw new BinlogReaderException($"{settings.Target} sent a packet starting with 0x{packet[0]:X2} in the binlog dump.");
        }

        Task SendCommandAsync(byte command, byte[] body, CancellationToken cancellationToken)
        {
            var payload = new byte[body.Length + 1];
            payload[0] = command;
            Buffer.BlockCopy(body, 0, payload, 1, body.Length);
            channel.Sequence = 0;
            return channel.WritePayloadAsync(payload, cancellationToken);
        }

        static void ExpectOk(byte[] reply, string context)
        {
            if (reply.Length > 0 && reply[0] == 0x00) return;
            if (reply.Length > 0 && reply[0] == 0xFF) throw ServerError(reply, context);
            throw new BinlogReaderException($"{context}: the server answered with a packet starting 0x{(reply.Length > 0 ? reply[0] : 0):X2} instead of OK.");
        }

        /// <summary>An ERR packet: 0xFF, error code, '#' and SQL state, message.</summary>
        internal static BinlogReaderException ServerError(byte[] packet, string context)
        {
            var reader = new ByteReader(packet, 1, packet.Length);
            var code = reader.Remaining >= 2 ? reader.UInt16() : 0;
            if (reader.Remaining > 0 && packet[reader.Offset] == (byte)'#') reader.Skip(Math.Min(6, reader.Remaining));
            var message = reader.Rest();
            var hint = code switch
            {
                1236 => " Check that the start coordinates name a binlog file the server still has (SHOW BINARY LOGS) and a position at an event's start.",
                _ => "",
            };
            return new BinlogReaderException($"{context}: error {code}: {message}.{hint}", code);
        }

        static void AddUInt(List<byte> bytes, ulong value, int count)
        {
            for (var i = 0; i < count; i++) bytes.Add((byte)(value >> (8 * i)));
        }

        static void AddLengthEncoded(List<byte> bytes, ulong value)
        {
            if (value < 0xFB) bytes.Add((byte)value);
            else if (value <= 0xFFFF) { bytes.Add(0xFC); AddUInt(bytes, value, 2); }
            else if (value <= 0xFFFFFF) { bytes.Add(0xFD); AddUInt(bytes, value, 3); }
            else { bytes.Add(0xFE); AddUInt(bytes, value, 8); }
        }

        static void AddNulTerminated(List<byte> bytes, string text)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(text));
            bytes.Add(0);
        }

        public void Dispose()
        {
            channel.Dispose();
            client.Dispose();
        }
    }
}
