namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>The CRC-32 of binlog_checksum=CRC32 (zlib's: polynomial 0xEDB88320, reflected), slicing by 8 bytes at a time.</summary>
    internal static class Crc32
    {
        static readonly uint[] Table = BuildTable();

        static uint[] BuildTable()
        {
            var table = new uint[8 * 256];
            for (uint i = 0; i < 256; i++)
            {
                var crc = i;
                for (var bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
                table[i] = crc;
            }
            for (var i = 0; i < 256; i++)
                for (var slice = 1; slice < 8; slice++)
                    table[slice * 256 + i] = (table[(slice - 1) * 256 + i] >> 8) ^ table[table[(slice - 1) * 256 + i] & 0xFF];
            return table;
        }

        public static uint Compute(byte[] data, int offset, int count)
        {
            var crc = 0xFFFFFFFFu;
            var t = Table;
            while (count >= 8)
            {
                var one = crc ^ (uint)(data[offset] | data[offset + 1] << 8 | data[offset + 2] << 16 | data[offset + 3] << 24);
                crc = t[7 * 256 + (one & 0xFF)] ^ t[6 * 256 + ((one >> 8) & 0xFF)] ^ t[5 * 256 + ((one >> 16) & 0xFF)] ^ t[4 * 256 + (one >> 24)]
                    ^ t[3 * 256 + data[offset + 4]] ^ t[2 * 256 + data[offset + 5]] ^ t[256 + data[offset + 6]] ^ t[data[offset + 7]];
                offset += 8;
                count -= 8;
            }
            while (count-- > 0) crc = (crc >> 8) ^ t[(crc ^ data[offset++]) & 0xFF];
            return ~crc;
        }
    }
}
