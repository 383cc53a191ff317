using System;
using System.Text;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>A cursor over protocol or event bytes: little-endian integers, length-encoded integers and strings.</summary>
    internal struct ByteReader
    {
        readonly byte[] buffer;
        readonly int end;

        public ByteReader(byte[] buffer, int offset, int end)
        {
            this.buffer = buffer;
            Offset = offset;
            this.end = end;
        }

        public int Offset { get; set; }
        public int Remaining => end - Offset;
        public byte[] Buffer => buffer;

        void Need(int count)
        {
            if (count < 0 || Offset + count > end)
                throw new BinlogReaderException($"An event or packet is shorter than its contents say (needed {count} bytes at offset {Offset}, it ends at {end}).");
        }

        public byte Byte()
        {
            Need(1);
            return buffer[Offset++];
        }

        public ulong UInt(int bytes)
        {
            Need(bytes);
            ulong value = 0;
            for (var i = bytes - 1; i >= 0; i--) value = (value << 8) | buffer[Offset + i];
            Offset += bytes;
            return value;
        }

        public ulong BigEndian(int bytes)
        {
            Need(bytes);
            ulong value = 0;
            for (var i = 0; i < bytes; i++) value = (value << 8) | buffer[Offset + i];
            Offset += bytes;
            return value;
        }

        public ushort UInt16() => (ushort)UInt(2);
        public uint UInt32() => (uint)UInt(4);

        /// <summary>A length-encoded integer: below 0xFB itself, 0xFC + 2 bytes, 0xFD + 3 bytes, 0xFE + 8 bytes.</summary>
        public ulong LengthEncoded()
        {
            var first = Byte();
            if (first < 0xFB) return first;
            return first switch
            {
                0xFC => UInt(2),
                0xFD => UInt(3),
                0xFE => UInt(8),
                _ => throw new BinlogReaderException($"0x{first:X2} does not start a length-encoded integer."),
            };
        }

        public byte[] Bytes(int count)
        {
            Need(count);
            var bytes = new byte[count];
            System.Buffer.BlockCopy(buffer, Offset, bytes, 0, count);
            Offset += count;
            return bytes;
        }

        public void Skip(int count)
        {
            Need(count);
            Offset += count;
        }

        public string Text(int count)
        {
            Need(count);
            var text = Encoding.UTF8.GetString(buffer, Offset, count);
            Offset += count;
            return text;
        }

        public string NulTerminated()
        {
            var zero = Array.IndexOf(buffer, (byte)0, Offset, end - Offset);
            if (zero < 0) zero = end;
            var text = Encoding.UTF8.GetString(buffer, Offset, zero - Offset);
            Offset = Math.Min(end, zero + 1);
            return text;
        }

        public string Rest() => Text(Remaining);
    }
}
