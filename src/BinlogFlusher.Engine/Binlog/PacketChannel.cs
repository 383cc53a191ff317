using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// MySQL client/server packets over a stream: a 3-byte little-endian length, a sequence id, the payload; a payload of
    /// 16 MiB - 1 bytes or more continues in the next packet (one ending with a shorter packet, possibly empty).
    /// </summary>
    internal sealed class PacketChannel : IDisposable
    {
        internal const int MaxPacketPayload = 0xFFFFFF;
        Stream stream;
        readonly byte[] header = new byte[4];

        public PacketChannel(Stream stream)
        {
            this.stream = stream;
        }

        /// <summary>The sequence id the next packet written carries (the last read + 1; reset to 0 for each command).</summary>
        public byte Sequence { get; set; }

        /// <summary>One logical payload, continuation packets joined.</summary>
        public async Task<byte[]> ReadPayloadAsync(CancellationToken cancellationToken)
        {
            var length = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            var payload = new byte[length];
            await ReadExactlyAsync(payload, 0, length, cancellationToken).ConfigureAwait(false);
            while (length == MaxPacketPayload)
            {
                length = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                var joined = new byte[payload.Length + length];
                Buffer.BlockCopy(payload, 0, joined, 0, payload.Length);
                await ReadExactlyAsync(joined, payload.Length, length, cancellationToken).ConfigureAwait(false);
                payload = joined;
            }
            return payload;
        }

        public async Task WritePayloadAsync(byte[] payload, CancellationToken cancellationToken)
        {
            var offset = 0;
            while (true)
            {
                var length = Math.Min(MaxPacketPayload, payload.Length - offset);
                var packet = new byte[4 + length];
                packet[0] = (byte)length;
                packet[1] = (byte)(length >> 8);
                packet[2] = (byte)(length >> 16);
                packet[3] = Sequence++;
                Buffer.BlockCopy(payload, offset, packet, 4, length);
                await stream.WriteAsync(packet, 0, packet.Length, cancellationToken).ConfigureAwait(false);
                offset += length;
                if (length < MaxPacketPayload) break;
            }
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        async Task<int> ReadHeaderAsync(CancellationToken cancellationToken)
        {
            await ReadExactlyAsync(header, 0, 4, cancellationToken).ConfigureAwait(false);
            Sequence = (byte)(header[3] + 1);
            return header[0] | (header[1] << 8) | (header[2] << 16);
        }

        async Task ReadExactlyAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                var read = await stream.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                if (read == 0) throw new BinlogReaderException("The server closed the connection.");
                offset += read;
                count -= read;
            }
        }

        /// <summary>Goes on over another stream (TLS over the same socket, after the SSL request).</summary>
        public void Replace(Stream secure) => stream = secure;

        public void Dispose() => stream.Dispose();
    }
}
