using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// Reads a range of a server's binlog over the replication protocol, as a CDC consumer does: registers as a replica
    /// under a server id of its own, asks for a non-blocking COM_BINLOG_DUMP from the start coordinates, and hands the
    /// events over one at a time until the end coordinates or the end of the server's binlog. Nothing of the range is
    /// kept: memory holds one event. Needs REPLICATION SLAVE and an account using mysql_native_password or
    /// caching_sha2_password; TLS follows the settings' SslMode (Preferred by default), without client certificates.
    /// </summary>
    public sealed class BinlogReader
    {
        /// <summary>Reader server ids are 4,000,000,000 plus a random number below 100,000,000 (server ids of real servers are rarely that high).</summary>
        public const uint DefaultServerIdBase = 4_000_000_000;
        /// <summary>COM_BINLOG_DUMP flag: answer EOF at the end of the binlog instead of waiting for more.</summary>
        const ushort DumpNonBlock = 1;
        /// <summary>MARIA_SLAVE_CAPABILITY_GTID: MariaDB sends its events as they are (GTID events included), not rewritten for old replicas.</summary>
        const int MariaDbCapabilityGtid = 4;

        readonly ConnectionSettings settings;

        public BinlogReader(ConnectionSettings settings)
        {
            this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
            ServerId = DefaultServerIdBase + (uint)new Random().Next(100_000_000);
        }

        /// <summary>The server id the reader registers with; it must differ from every server's and every other reader's (the server drops an older dump with the same id).</summary>
        public uint ServerId { get; set; }

        /// <summary>Bytes of events read so far (their sizes as the binlog stores them, checksums included).</summary>
        public long BytesRead { get; private set; }

        public static IAsyncEnumerable<BinlogEvent> ReadAsync(ConnectionSettings settings, BinlogCoordinates start, BinlogCoordinates? end, CancellationToken cancellationToken) =>
            new BinlogReader(settings).ReadAsync(start, end, cancellationToken);

        /// <summary>
        /// The events from <paramref name="start"/> (an event's start, e.g. SHOW MASTER STATUS before some writes) to
        /// <paramref name="end"/> (exclusive: events that start before it; null for the end of the binlog). The
        /// server's own events that describe the stream (the first Rotate, the file's FORMAT_DESCRIPTION) come first, with
        /// <see cref="BinlogEvent.IsArtificial"/> or at positions before the start.
        /// </summary>
        public async IAsyncEnumerable<BinlogEvent> ReadAsync(BinlogCoordinates start, BinlogCoordinates? end, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (start is null) throw new ArgumentNullException(nameof(start));
            if (string.IsNullOrEmpty(start.File)) throw new ArgumentException("The start coordinates name no binlog file.", nameof(start));
            if (start.Position < 4 || start.Position > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(start), start.Position, "COM_BINLOG_DUMP starts at a position from 4 to 4 GiB.");
            using var connection = await ReplicationConnection.OpenAsync(settings, cancellationToken).ConfigureAwait(false);
            // A socket read does not always watch the token (.NET Framework's does not): closing the connection ends it.
            using var closeOnCancel = cancellationToken.Register(connection.Dispose);
            await connection.ExecuteAsync("SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = @@global.binlog_checksum", cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("SET @mariadb_slave_capability = " + MariaDbCapabilityGtid, cancellationToken).ConfigureAwait(false);
            var checksum = await connection.ScalarAsync("SELECT @master_binlog_checksum", cancellationToken).ConfigureAwait(false);
            await connection.RegisterReplicaAsync(ServerId, cancellationToken).ConfigureAwait(false);
            await connection.StartDumpAsync(start.File, (uint)start.Position, DumpNonBlock, ServerId, cancellationToken).ConfigureAwait(false);

            var decoder = new EventDecoder(start.File, string.Equals(checksum, "CRC32", StringComparison.OrdinalIgnoreCase) ? (byte)1 : (byte)0);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var packet = await ReadEventAsync(connection, cancellationToken).ConfigureAwait(false);
                if (packet is null) yield break;
                var binlogEvent = decoder.Decode(packet, 1, packet.Length - 1);
                BytesRead += binlogEvent.Header.EventSize;
                if (end is not null && !binlogEvent.IsArtificial && IsAtOrPast(binlogEvent, end)) yield break;
                yield return binlogEvent;
            }
        }

        static async Task<byte[]?> ReadEventAsync(ReplicationConnection connection, CancellationToken cancellationToken)
        {
            try
            {
                return await connection.ReadEventAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                throw new OperationCanceledException("The binlog read was cancelled.", e, cancellationToken);
            }
        }

        static bool IsAtOrPast(BinlogEvent binlogEvent, BinlogCoordinates end)
        {
            var files = CompareFiles(binlogEvent.File, end.File);
            return files > 0 || (files == 0 && binlogEvent.Position >= end.Position);
        }

        /// <summary>Binlog files in the server's order: by the number after the last dot (binlog.999999 before binlog.1000000).</summary>
        internal static int CompareFiles(string a, string b)
        {
            static (string Base, long? Number) Split(string name)
            {
                var dot = name.LastIndexOf('.');
                return dot >= 0 && long.TryParse(name.Substring(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                    ? (name.Substring(0, dot), number)
                    : (name, null);
            }
            var (baseA, numberA) = Split(a);
            var (baseB, numberB) = Split(b);
            return numberA is { } x && numberB is { } y && baseA == baseB ? x.CompareTo(y) : string.CompareOrdinal(a, b);
        }
    }
}
