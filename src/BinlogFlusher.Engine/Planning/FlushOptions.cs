using System;
using System.Linq;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Planning
{
    /// <summary>What a flush would be asked to do beyond the defaults.</summary>
    public sealed class FlushOptions
    {
        public const int DefaultGtidDomainId = 191;
        public const int DefaultChunkSize = 100000;
        public const long DefaultChunkBytes = 32L * 1024 * 1024;
        public const int DefaultThrottleLimit = 4;

        // The ranges the cmdlet and the CLI accept.
        public const int MaxChunkSize = 10_000_000;
        public const long MinChunkBytes = 64L * 1024, MaxChunkBytes = 1024L * 1024 * 1024;
        public const int MaxThrottleLimit = 64;

        public FlushSelection Selection { get; set; } = new FlushSelection();
        public bool Force { get; set; }
        public bool NoReplicaStop { get; set; }
        public bool StartReplica { get; set; }
        public bool ResetBinaryLogs { get; set; }
        /// <summary>MariaDB: the GTID domain the flush writes in (default 191).</summary>
        public int? GtidDomainId { get; set; }
        /// <summary>The most rows in one chunk, and so in one binlog transaction: a hard bound.</summary>
        public int ChunkSize { get; set; } = DefaultChunkSize;
        /// <summary>The binlog bytes a chunk aims at: a table's chunks hold fewer rows than ChunkSize when its rows are wide.</summary>
        public long ChunkBytes { get; set; } = DefaultChunkBytes;
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;
        public string? StateFile { get; set; }
        /// <summary>Where the default state file goes (the caller's current location); the process directory when null.</summary>
        public string? StateDirectory { get; set; }
        public int LockWaitTimeoutSeconds { get; set; } = 5;
        public int RenameAttempts { get; set; } = 5;
        /// <summary>How long the server may wait for disk space (a full binlog disk) in the run's sessions before the run stops and puts the tables back.</summary>
        public TimeSpan DiskFullTimeout { get; set; } = TimeSpan.FromSeconds(30);
        public int ReconnectAttempts { get; set; } = 3;
        /// <summary>How long a lost connection is tried again (with backoff) before the run gives up: long enough to outlast a server restart.</summary>
        public TimeSpan ReconnectTimeout { get; set; } = TimeSpan.FromSeconds(DefaultReconnectTimeoutSeconds);
        public const int DefaultReconnectTimeoutSeconds = 60;
        public const int MaxReconnectTimeoutSeconds = 3600;

        public int EffectiveGtidDomainId => GtidDomainId ?? DefaultGtidDomainId;

        /// <summary>
        /// The rows in each chunk of this table: ChunkSize, or fewer when ChunkBytes divided by the table's average row
        /// length (DATA_LENGTH / TABLE_ROWS, as pt-table-checksum sized chunks in bytes) allows fewer. InnoDB's figure
        /// includes record headers and free space in pages, so it errs large and the chunk's binlog transaction small.
        /// A table whose statistics say no rows counts its whole data length as one row.
        /// </summary>
        public int ChunkRows(TableInfo table)
        {
            var averageRowBytes = Math.Max(1L, table.DataLength / Math.Max(1L, table.EstimatedRows));
            var byBytes = Math.Max(1L, ChunkBytes / averageRowBytes);
            return (int)Math.Min(ChunkSize, byBytes);
        }
    }
}
