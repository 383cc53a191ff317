using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// Turns event bytes into events, keeping what later events depend on: the current file, the last
    /// FORMAT_DESCRIPTION (post-header lengths, checksum algorithm) and the TABLE_MAPs by table id.
    /// </summary>
    internal sealed class EventDecoder
    {
        const byte ChecksumOff = 0, ChecksumCrc32 = 1;
        readonly Dictionary<ulong, TableMapEvent> tables = new();
        FormatDescriptionEvent? format;

        /// <param name="checksumAlgorithm">The algorithm until a FORMAT_DESCRIPTION says otherwise (the dump's first, made-up Rotate has one when the server's binlog_checksum is CRC32).</param>
        public EventDecoder(string file, byte checksumAlgorithm)
        {
            File = file;
            ChecksumAlgorithm = checksumAlgorithm;
        }

        public string File { get; private set; }
        public byte ChecksumAlgorithm { get; private set; }

        /// <summary>Decodes the event in <paramref name="bytes"/>[offset..offset+count) (a dump packet without its OK byte).</summary>
        public BinlogEvent Decode(byte[] bytes, int offset, int count)
        {
            if (count < EventHeader.Length) throw new BinlogReaderException($"An event of {count} bytes is shorter than the 19-byte event header ({File}).");
            var reader = new ByteReader(bytes, offset, offset + count);
            var header = EventHeader.Read(ref reader);
            if (header.EventSize != count) throw new BinlogReaderException($"An event in {File} says it is {header.EventSize} bytes long but {count} bytes arrived.");
            var end = offset + count;
            if (header.Type == BinlogEventType.FormatDescription)
            {
                var algorithm = count >= EventHeader.Length + 57 + 5 ? bytes[end - 5] : ChecksumOff;
                if (algorithm == ChecksumCrc32) Verify(bytes, offset, count, header);
                return DecodeFormatDescription(header, new ByteReader(bytes, reader.Offset, end - 5), algorithm);
            }
            if (ChecksumAlgorithm == ChecksumCrc32)
            {
                Verify(bytes, offset, count, header);
                end -= 4;
            }
            var body = new ByteReader(bytes, reader.Offset, end);
            return header.Type switch
            {
                BinlogEventType.Rotate => DecodeRotate(header, body),
                BinlogEventType.Query or BinlogEventType.MariaDbQueryCompressed => DecodeQuery(header, body),
                BinlogEventType.Xid => new XidEvent(header, File, body.UInt(8)),
                BinlogEventType.TableMap => DecodeTableMap(header, body),
                _ when RowsLayouts.TryGetValue(header.Type, out var layout) => DecodeRows(header, body, layout),
                BinlogEventType.Gtid => DecodeMySqlGtid(header, body),
                BinlogEventType.MariaDbGtid => DecodeMariaDbGtid(header, body),
                _ => new BinlogEvent(header, File),
            };
        }

        void Verify(byte[] bytes, int offset, int count, EventHeader header)
        {
            var stored = (uint)(bytes[offset + count - 4] | bytes[offset + count - 3] << 8 | bytes[offset + count - 2] << 16 | bytes[offset + count - 1] << 24);
            var computed = Crc32.Compute(bytes, offset, count - 4);
            if (stored != computed)
                throw new BinlogReaderException(string.Format(CultureInfo.InvariantCulture,
                    "The {0} event ending at {1}:{2} fails its CRC32 check (stored 0x{3:x8}, computed 0x{4:x8}): the binlog or the network damaged it.",
                    header.Type, File, header.NextPosition, stored, computed));
        }

        FormatDescriptionEvent DecodeFormatDescription(EventHeader header, ByteReader body, byte algorithm)
        {
            var description = new FormatDescriptionEvent(header, File)
            {
                BinlogVersion = body.UInt16(),
                ServerVersion = body.Text(50).TrimEnd('\0'),
                ChecksumAlgorithm = algorithm,
            };
            body.Skip(4 + 1); // created timestamp, header length (19 for v4)
            description.PostHeaderLengths = body.Bytes(body.Remaining);
            format = description;
            ChecksumAlgorithm = algorithm;
            return description;
        }

        RotateEvent DecodeRotate(EventHeader header, ByteReader body)
        {
            var position = (long)body.UInt(8);
            var next = body.Rest();
            var rotate = new RotateEvent(header, File, next, position);
            File = next;
            tables.Clear();
            return rotate;
        }

        QueryEvent DecodeQuery(EventHeader header, ByteReader body)
        {
            var postHeader = PostHeader(header.Type, 13);
            var start = body.Offset;
            body.Skip(8); // thread id, execution time
            var schemaLength = body.Byte();
            var errorCode = body.UInt16();
            var statusLength = postHeader >= 13 ? body.UInt16() : 0;
            body.Offset = start + postHeader;
            body.Skip(statusLength);
            var schema = body.Text(schemaLength);
            body.Skip(1);
            var statement = header.Type == BinlogEventType.MariaDbQueryCompressed ? Encoding.UTF8.GetString(MariaDbCompression.Uncompress(ref body)) : body.Rest();
            return new QueryEvent(header, File, schema, statement, errorCode);
        }

        ulong TableId(ref ByteReader body, BinlogEventType type, int usual)
        {
            var postHeader = PostHeader(type, usual);
            return body.UInt(postHeader == 6 ? 4 : 6);
        }

        int PostHeader(BinlogEventType type, int usual) => format?.PostHeaderLength(type, usual) ?? usual;

        TableMapEvent DecodeTableMap(EventHeader header, ByteReader body)
        {
            var map = new TableMapEvent(header, File) { TableId = TableId(ref body, BinlogEventType.TableMap, 8) };
            body.Skip(2); // flags
            map.Schema = body.Text(body.Byte());
            body.Skip(1);
            map.Table = body.Text(body.Byte());
            body.Skip(1);
            var count = checked((int)body.LengthEncoded());
            var columns = new BinlogColumn[count];
            for (var i = 0; i < count; i++) columns[i] = new BinlogColumn { Index = i, WireType = (ColumnType)body.Byte() };
            var metadataLength = checked((int)body.LengthEncoded());
            var metadata = new ByteReader(body.Buffer, body.Offset, body.Offset + metadataLength);
            foreach (var column in columns) TableMapMetadata.Read(ref metadata, column);
            body.Skip(metadataLength);
            var nulls = body.Bytes((count + 7) / 8);
            for (var i = 0; i < count; i++) columns[i].Nullable = (nulls[i / 8] & (1 << (i % 8))) != 0;
            TableMapMetadata.ReadOptional(ref body, columns);
            map.Columns = columns;
            tables[map.TableId] = map;
            return map;
        }

        enum RowsKind { Write, Update, Delete }

        /// <summary>
        /// The rows events by type: what they do, whether they have v2's extra-data header, whether their rows are
        /// zlib-compressed (MariaDB's log_bin_compress).
        /// </summary>
        static readonly Dictionary<BinlogEventType, (RowsKind Kind, bool Version2, bool Compressed)> RowsLayouts = new()
        {
            [BinlogEventType.WriteRowsV1] = (RowsKind.Write, false, false),
            [BinlogEventType.UpdateRowsV1] = (RowsKind.Update, false, false),
            [BinlogEventType.DeleteRowsV1] = (RowsKind.Delete, false, false),
            [BinlogEventType.WriteRowsV2] = (RowsKind.Write, true, false),
            [BinlogEventType.UpdateRowsV2] = (RowsKind.Update, true, false),
            [BinlogEventType.DeleteRowsV2] = (RowsKind.Delete, true, false),
            [BinlogEventType.MariaDbWriteRowsCompressedV1] = (RowsKind.Write, false, true),
            [BinlogEventType.MariaDbUpdateRowsCompressedV1] = (RowsKind.Update, false, true),
            [BinlogEventType.MariaDbDeleteRowsCompressedV1] = (RowsKind.Delete, false, true),
            [BinlogEventType.MariaDbWriteRowsCompressed] = (RowsKind.Write, true, true),
            [BinlogEventType.MariaDbUpdateRowsCompressed] = (RowsKind.Update, true, true),
            [BinlogEventType.MariaDbDeleteRowsCompressed] = (RowsKind.Delete, true, true),
        };

        /// <summary>
        /// A rows event: post-header (table id, flags, v2's extra data), column count, the columns-present bitmap (UPDATE:
        /// a second one, for the after image), then the rows, each one image (UPDATE: before, then after).
        /// </summary>
        RowsEvent DecodeRows(EventHeader header, ByteReader body, (RowsKind Kind, bool Version2, bool Compressed) layout)
        {
            var postHeader = PostHeader(header.Type, layout.Version2 ? 10 : 8);
            var tableId = body.UInt(postHeader == 6 ? 4 : 6);
            body.Skip(2); // flags
            if (postHeader >= 10)
            {
                var extraLength = body.UInt16();
                body.Skip(Math.Max(0, extraLength - 2));
            }
            if (!tables.TryGetValue(tableId, out var table))
                throw new BinlogReaderException($"A row event at {File}:{header.NextPosition - header.EventSize} names table id {tableId}, which no TABLE_MAP before it mapped.");
            var count = checked((int)body.LengthEncoded());
            if (count != table.Columns.Count)
                throw new BinlogReaderException($"A row event for {table.QuotedName} has {count} columns, its TABLE_MAP {table.Columns.Count}.");
            var present = ColumnsPresent(ref body, count);
            var presentAfter = layout.Kind == RowsKind.Update ? ColumnsPresent(ref body, count) : null;
            if (layout.Compressed)
            {
                // Only the rows are compressed: the bitmaps before them are not.
                var uncompressed = MariaDbCompression.Uncompress(ref body);
                body = new ByteReader(uncompressed, 0, uncompressed.Length);
            }
            var rows = new List<object?[]>();
            var rowsAfter = new List<object?[]>();
            var nullBytes = NullBytes(present);
            var nullBytesAfter = presentAfter is null ? 0 : NullBytes(presentAfter);
            while (body.Remaining > 0)
            {
                rows.Add(Image(ref body, table, present, nullBytes));
                if (presentAfter is not null) rowsAfter.Add(Image(ref body, table, presentAfter, nullBytesAfter));
            }
            return layout.Kind switch
            {
                RowsKind.Update => new UpdateRowsEvent(header, File, table, rows, present, rowsAfter, presentAfter!),
                RowsKind.Delete => new DeleteRowsEvent(header, File, table, rows, present),
                _ => new WriteRowsEvent(header, File, table, rows, present),
            };
        }

        static bool[] ColumnsPresent(ref ByteReader body, int count)
        {
            var bits = body.Bytes((count + 7) / 8);
            var present = new bool[count];
            for (var i = 0; i < count; i++) present[i] = (bits[i / 8] & (1 << (i % 8))) != 0;
            return present;
        }

        /// <summary>An image's NULL bitmap has a bit for each column the image holds.</summary>
        static int NullBytes(bool[] present)
        {
            var held = 0;
            foreach (var column in present)
                if (column) held++;
            return (held + 7) / 8;
        }

        /// <summary>One row image: its NULL bitmap, then the value of each column present and not NULL.</summary>
        static object?[] Image(ref ByteReader body, TableMapEvent table, bool[] present, int nullBytes)
        {
            var nullStart = body.Offset;
            body.Skip(nullBytes);
            var row = new object?[present.Length];
            var bit = 0;
            for (var i = 0; i < present.Length; i++)
            {
                if (!present[i]) continue;
                var isNull = (body.Buffer[nullStart + bit / 8] & (1 << (bit % 8))) != 0;
                bit++;
                if (!isNull) row[i] = RowValueDecoder.Decode(ref body, table.Columns[i]);
            }
            return row;
        }

        GtidEvent DecodeMySqlGtid(EventHeader header, ByteReader body)
        {
            body.Skip(1); // flags
            var sid = body.Bytes(16);
            var number = body.UInt(8);
            var uuid = BitConverter.ToString(sid).Replace("-", "").ToLowerInvariant().Insert(20, "-").Insert(16, "-").Insert(12, "-").Insert(8, "-");
            return new GtidEvent(header, File, uuid + ":" + number.ToString(CultureInfo.InvariantCulture), -1, number, isStandalone: false);
        }

        GtidEvent DecodeMariaDbGtid(EventHeader header, ByteReader body)
        {
            var sequence = body.UInt(8);
            var domain = body.UInt32();
            var flags = body.Byte();
            var gtid = domain.ToString(CultureInfo.InvariantCulture) + "-" + header.ServerId.ToString(CultureInfo.InvariantCulture) + "-" + sequence.ToString(CultureInfo.InvariantCulture);
            return new GtidEvent(header, File, gtid, domain, sequence, isStandalone: (flags & 1) != 0);
        }
    }
}
