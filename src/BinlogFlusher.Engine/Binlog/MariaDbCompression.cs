using System.IO;
using System.IO.Compression;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// MariaDB's compressed events (log_bin_compress=ON): the rows of a row event, or a query's statement, as one header
    /// byte (0x80 | number of length bytes), the uncompressed length big-endian in that many bytes, then zlib data.
    /// </summary>
    internal static class MariaDbCompression
    {
        public static byte[] Uncompress(ref ByteReader body)
        {
            var header = body.Byte();
            if ((header & 0xE0) != 0x80) throw new BinlogReaderException($"A compressed event starts with 0x{header:X2}, not a MariaDB compression header (0x8n).");
            var length = checked((int)body.BigEndian(header & 0x07));
            body.Skip(2); // zlib header; DeflateStream reads the raw deflate data after it
            var output = new byte[length];
            using (var inflate = new DeflateStream(new MemoryStream(body.Buffer, body.Offset, body.Remaining), CompressionMode.Decompress))
            {
                var read = 0;
                int count;
                while (read < length && (count = inflate.Read(output, read, length - read)) > 0) read += count;
                if (read != length) throw new BinlogReaderException($"A compressed event holds {read} bytes where its header says {length}.");
            }
            body.Skip(body.Remaining);
            return output;
        }
    }
}
