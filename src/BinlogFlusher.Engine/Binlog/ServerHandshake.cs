using System;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>The server's initial handshake packet (protocol version 10).</summary>
    internal sealed class ServerHandshake
    {
        public string ServerVersion { get; private set; } = "";
        public uint ConnectionId { get; private set; }
        public uint Capabilities { get; private set; }
        /// <summary>The 20-byte scramble (both parts of auth-plugin-data, without the trailing NUL).</summary>
        public byte[] Scramble { get; private set; } = Array.Empty<byte>();
        public string AuthPlugin { get; private set; } = NativePassword.PluginName;

        public static ServerHandshake Parse(byte[] payload)
        {
            if (payload.Length > 0 && payload[0] == 0xFF) throw ReplicationConnection.ServerError(payload, "The server refused the connection");
            var reader = new ByteReader(payload, 0, payload.Length);
            var protocol = reader.Byte();
            if (protocol != 10) throw new BinlogReaderException($"The server speaks handshake protocol {protocol}; only version 10 (MySQL 4.1 and later, MariaDB) is supported.");
            var handshake = new ServerHandshake { ServerVersion = reader.NulTerminated(), ConnectionId = reader.UInt32() };
            var part1 = reader.Bytes(8);
            reader.Skip(1);
            uint capabilities = reader.UInt16();
            var part2 = Array.Empty<byte>();
            if (reader.Remaining > 0)
            {
                reader.Skip(1 + 2); // character set, status flags
                capabilities |= (uint)reader.UInt16() << 16;
                var authDataLength = reader.Byte();
                reader.Skip(10);
                var length = Math.Max(13, authDataLength - 8);
                part2 = reader.Bytes(Math.Min(length, reader.Remaining));
                if (part2.Length > 0 && part2[part2.Length - 1] == 0) Array.Resize(ref part2, part2.Length - 1);
                if (reader.Remaining > 0) handshake.AuthPlugin = reader.NulTerminated();
            }
            handshake.Capabilities = capabilities;
            var scramble = new byte[part1.Length + part2.Length];
            Buffer.BlockCopy(part1, 0, scramble, 0, part1.Length);
            Buffer.BlockCopy(part2, 0, scramble, part1.Length, part2.Length);
            handshake.Scramble = scramble;
            return handshake;
        }
    }
}
