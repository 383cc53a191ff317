using System;
using System.Collections.Generic;

namespace BinlogFlusher.Engine.Verifying
{
    public enum VerificationStatus { Verified, Mismatch }

    /// <summary>What the binlog holds of one flushed table, against what the flush says it wrote.</summary>
    public sealed class TableVerification
    {
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public VerificationStatus Status { get; set; }
        public long RowsInBinlog { get; set; }
        public long RowsExpected { get; set; }
        /// <summary>COUNT(*) of the table put back, read before the binlog; null when it could not be counted, or when replication runs again (its writes change the table).</summary>
        public long? RowsInTable { get; set; }
        public string? FirstKey { get; set; }
        public string? LastKey { get; set; }
        public IReadOnlyList<string> Problems { get; set; } = Array.Empty<string>();
        public override string ToString() => $"{Schema}.{Table}: {Status}, {RowsInBinlog:N0} of {RowsExpected:N0} rows in the binlog" + (Problems.Count == 0 ? "" : ": " + string.Join("; ", Problems));
    }
}
