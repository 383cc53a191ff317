using System.Text;
using BinlogFlusher.Engine.Binlog;

namespace BinlogFlusher.Tests;

/// <summary>The binlog reader's event decoding, on event bytes built by hand from the MySQL binlog format documentation.</summary>
public sealed class BinlogReaderEventTests
{
    const byte Crc32Algorithm = 1;

    /// <summary>A v4 event: timestamp, type, server id, size, next position, flags, body, then the CRC32 of all that.</summary>
    static byte[] Event(BinlogEventType type, uint nextPosition, byte[] body)
    {
        var size = 19 + body.Length + 4;
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes(1_700_000_000u));
        bytes.Add((byte)type);
        bytes.AddRange(BitConverter.GetBytes(1u));
        bytes.AddRange(BitConverter.GetBytes((uint)size));
        bytes.AddRange(BitConverter.GetBytes(nextPosition));
        bytes.AddRange(BitConverter.GetBytes((ushort)0));
        bytes.AddRange(body);
        var withoutChecksum = bytes.ToArray();
        bytes.AddRange(BitConverter.GetBytes(Crc32.Compute(withoutChecksum, 0, withoutChecksum.Length)));
        return bytes.ToArray();
    }

    static BinlogEvent Decode(EventDecoder decoder, byte[] bytes) => decoder.Decode(bytes, 0, bytes.Length);

    [Fact]
    public void Crc32IsZlibs()
    {
        var check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xCBF43926u, Crc32.Compute(check, 0, check.Length));
        var longer = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("123456789", 7)));
        uint bitwise = 0xFFFFFFFF;
        foreach (var b in longer)
        {
            bitwise ^= b;
            for (var i = 0; i < 8; i++) bitwise = (bitwise & 1) != 0 ? (bitwise >> 1) ^ 0xEDB88320u : bitwise >> 1;
        }
        Assert.Equal(~bitwise, Crc32.Compute(longer, 0, longer.Length));
    }

    [Fact]
    public void AnEventWhoseCrc32DoesNotMatchIsRefused()
    {
        var xid = Event(BinlogEventType.Xid, 1000, BitConverter.GetBytes(77UL));
        Assert.Equal(77UL, ((XidEvent)Decode(new EventDecoder("binlog.000001", Crc32Algorithm), xid)).Xid);

        xid[19] ^= 0x01;
        var error = Assert.Throws<BinlogReaderException>(() => Decode(new EventDecoder("binlog.000001", Crc32Algorithm), xid));

        Assert.Contains("fails its CRC32 check", error.Message, StringComparison.Ordinal);
        Assert.Contains("binlog.000001:1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AVersion2WriteRowsEventDecodes()
    {
        var decoder = new EventDecoder("binlog.000003", Crc32Algorithm);
        // TABLE_MAP: table id (6 bytes), flags; schema and table (length, name, NUL); column count; types;
        // metadata (VARCHAR max bytes 2 LE, NEWDECIMAL precision and scale, DATETIME2 fsp); NULL bitmap; SIGNEDNESS (all signed).
        var map = new List<byte> { 42, 0, 0, 0, 0, 0, 1, 0 };
        map.Add(4);
        map.AddRange(Encoding.ASCII.GetBytes("shop\0"));
        map.Add(5);
        map.AddRange(Encoding.ASCII.GetBytes("items\0"));
        map.AddRange(new byte[] { 4, (byte)ColumnType.Long, (byte)ColumnType.VarChar, (byte)ColumnType.NewDecimal, (byte)ColumnType.DateTime2 });
        map.AddRange(new byte[] { 5, 80, 0, 5, 2, 3 });
        map.Add(0b1110);
        map.AddRange(new byte[] { 1, 1, 0 });
        var table = (TableMapEvent)Decode(decoder, Event(BinlogEventType.TableMap, 500, map.ToArray()));
        Assert.Equal(("shop", "items", 42UL), (table.Schema, table.Table, table.TableId));

        // WRITE_ROWS v2: table id, flags, extra-data length (2 + its 3 bytes of extra data), column count, columns present.
        var rows = new List<byte> { 42, 0, 0, 0, 0, 0, 1, 0, 5, 0, 0xA, 0xB, 0xC, 4, 0b1111 };
        // Row 1: no NULL; INT 1; VARCHAR 'ab'; DECIMAL(5,2) 123.45 = 00 7B (3 integer digits in 2 bytes) 2D (2 fraction digits in 1), sign bit set;
        // DATETIME2(3) 2024-02-29 13:45:12.500 = 0x8000000000 + ((2024 * 13 + 2) << 22 | 29 << 17 | 13 << 12 | 45 << 6 | 12), then 5000 in 2 bytes.
        rows.Add(0);
        rows.AddRange(BitConverter.GetBytes(1));
        rows.AddRange(new byte[] { 2, (byte)'a', (byte)'b' });
        rows.AddRange(new byte[] { 0x80, 123, 45 });
        var datetime = 0x8000000000L + ((2024L * 13 + 2) << 22 | 29L << 17 | 13L << 12 | 45L << 6 | 12L);
        rows.AddRange(Enumerable.Range(0, 5).Select(i => (byte)(datetime >> (8 * (4 - i)))));
        rows.AddRange(new byte[] { 0x13, 0x88 });
        // Row 2: VARCHAR and DATETIME2 NULL (bits 1 and 3); INT -2; DECIMAL -0.05: 00 00 05 with the sign bit set, then every byte inverted.
        rows.Add(0b1010);
        rows.AddRange(BitConverter.GetBytes(-2));
        rows.AddRange(new byte[] { 0x80 ^ 0xFF, 0x00 ^ 0xFF, 0x05 ^ 0xFF });
        var write = (WriteRowsEvent)Decode(decoder, Event(BinlogEventType.WriteRowsV2, 600, rows.ToArray()));

        Assert.Same(table, write.Table);
        Assert.Equal(BinlogEventType.WriteRowsV2, write.Type);
        Assert.Equal(2, write.Rows.Count);
        Assert.Equal(new object?[] { 1L, "ab", 123.45m, "2024-02-29 13:45:12.500" }, write.Rows[0].Select(v => v is byte[] b ? Encoding.UTF8.GetString(b) : v));
        Assert.Equal(new object?[] { -2L, null, -0.05m, null }, write.Rows[1]);
        Assert.Equal(600 - write.Header.EventSize, write.Position);
    }

    [Fact]
    public void Version2UpdateRowsCarryBeforeAndAfterImagesAndDeleteRowsOneImageEach()
    {
        var decoder = new EventDecoder("binlog.000004", Crc32Algorithm);
        // TABLE_MAP of shop.accounts (id INT, name VARCHAR(20) NULL, n INT NULL): VARCHAR's metadata is its max bytes, 80 in 2 bytes LE.
        var map = new List<byte> { 7, 0, 0, 0, 0, 0, 1, 0, 4 };
        map.AddRange(Encoding.ASCII.GetBytes("shop\0"));
        map.Add(8);
        map.AddRange(Encoding.ASCII.GetBytes("accounts\0"));
        map.AddRange(new byte[] { 3, (byte)ColumnType.Long, (byte)ColumnType.VarChar, (byte)ColumnType.Long, 2, 80, 0, 0b110 });
        var table = (TableMapEvent)Decode(decoder, Event(BinlogEventType.TableMap, 700, map.ToArray()));

        // UPDATE_ROWS v2: table id, flags, extra-data length (2: none), column count, then two column bitmaps: the before
        // image holds every column, the after image name and n only (as binlog_row_image=MINIMAL logs a change).
        var update = new List<byte> { 7, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0b111, 0b110 };
        // Row 1: before (NULL bitmap over 3 columns) 1, 'ab', 7; after (NULL bitmap over 2 columns: n NULL) 'abc'.
        update.Add(0);
        update.AddRange(BitConverter.GetBytes(1));
        update.AddRange(new byte[] { 2, (byte)'a', (byte)'b' });
        update.AddRange(BitConverter.GetBytes(7));
        update.Add(0b10);
        update.AddRange(new byte[] { 3, (byte)'a', (byte)'b', (byte)'c' });
        // Row 2: before 2, 'x', NULL; after 'y', -5.
        update.Add(0b100);
        update.AddRange(BitConverter.GetBytes(2));
        update.AddRange(new byte[] { 1, (byte)'x' });
        update.Add(0);
        update.AddRange(new byte[] { 1, (byte)'y' });
        update.AddRange(BitConverter.GetBytes(-5));
        var updated = (UpdateRowsEvent)Decode(decoder, Event(BinlogEventType.UpdateRowsV2, 800, update.ToArray()));

        static object?[] Text(object?[] row) => row.Select(v => v is byte[] b ? Encoding.UTF8.GetString(b) : v).ToArray();
        Assert.Same(table, updated.Table);
        Assert.Equal(2, updated.Rows.Count);
        Assert.Equal(new object?[] { 1L, "ab", 7L }, Text(updated.Rows[0]));
        Assert.Equal(new object?[] { 2L, "x", null }, Text(updated.Rows[1]));
        Assert.Equal(new[] { false, true, true }, updated.ColumnsPresentAfter);
        Assert.Equal(new object?[] { null, "abc", null }, Text(updated.RowsAfter[0]));
        Assert.Equal(new object?[] { null, "y", -5L }, Text(updated.RowsAfter[1]));

        // DELETE_ROWS v2 with 3 bytes of extra data (MySQL's extra row info): one image a row.
        var delete = new List<byte> { 7, 0, 0, 0, 0, 0, 1, 0, 5, 0, 0, 1, 9, 3, 0b111, 0 };
        delete.AddRange(BitConverter.GetBytes(3));
        delete.AddRange(new byte[] { 1, (byte)'c' });
        delete.AddRange(BitConverter.GetBytes(9));
        var deleted = (DeleteRowsEvent)Decode(decoder, Event(BinlogEventType.DeleteRowsV2, 900, delete.ToArray()));

        Assert.Same(table, deleted.Table);
        Assert.Equal(new object?[] { 3L, "c", 9L }, Text(Assert.Single(deleted.Rows)));
    }

    [Fact]
    public async Task APayloadOf16MiBOrMoreTravelsInContinuationPackets()
    {
        var payload = new byte[PacketChannel.MaxPacketPayload * 2 + 10];
        new Random(7).NextBytes(payload);
        var wire = new MemoryStream();
        await new PacketChannel(wire).WritePayloadAsync(payload, CancellationToken.None);
        await new PacketChannel(wire).WritePayloadAsync(new byte[PacketChannel.MaxPacketPayload], CancellationToken.None);

        // Three packets (16 MiB - 1, 16 MiB - 1, 10 bytes) with sequence ids 0, 1, 2; then a full packet and an empty one.
        Assert.Equal(payload.Length + 3 * 4 + PacketChannel.MaxPacketPayload + 2 * 4, wire.Length);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0 }, wire.GetBuffer()[..4]);
        Assert.Equal(new byte[] { 10, 0, 0, 2 }, wire.GetBuffer()[(2 * (PacketChannel.MaxPacketPayload + 4))..(2 * (PacketChannel.MaxPacketPayload + 4) + 4)]);
        wire.Position = 0;
        var reader = new PacketChannel(wire);
        Assert.Equal(payload, await reader.ReadPayloadAsync(CancellationToken.None));
        Assert.Equal(PacketChannel.MaxPacketPayload, (await reader.ReadPayloadAsync(CancellationToken.None)).Length);
    }

    [Theory]
    [InlineData("binlog.999999", "binlog.1000000", -1)]
    [InlineData("binlog.000009", "binlog.000010", -1)]
    [InlineData("binlog.000010", "binlog.000010", 0)]
    [InlineData("mysql-bin.1000001", "mysql-bin.999999", 1)]
    public void BinlogFilesCompareByTheirNumberAsTheServerOrdersThem(string a, string b, int sign)
    {
        // Past .999999 the server writes .1000000: as text it would sort first and end a range at once.
        Assert.Equal(sign, Math.Sign(BinlogFlusher.Engine.Binlog.BinlogReader.CompareFiles(a, b)));
    }
}
