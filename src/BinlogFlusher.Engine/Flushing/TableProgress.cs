using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Flushing
{
    public sealed class TableProgress
    {
        public string Target { get; set; } = "";
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public long RowsCopied { get; set; }
        /// <summary>The table's rows by its statistics (at least those copied so far); 0 when not known.</summary>
        public long RowsEstimated { get; set; }
        /// <summary>Where the table is, in the words of the results: copying, flushed, put back, failed…</summary>
        public string Stage { get; set; } = "";
        public bool Completed { get; set; }

        public const string PutBack = "put back";
        public const string Failed = "failed";

        /// <summary>A journal phase as the reader of progress says it: a table back in place is flushed, or put back when its copy did not finish.</summary>
        internal static string StageOf(TablePhase phase, bool flushed) => phase switch
        {
            TablePhase.Renamed => "set aside",
            TablePhase.Created => "created in the binlog",
            TablePhase.Twin => "BLACKHOLE twin in place",
            TablePhase.Copying => "copying",
            TablePhase.Restoring => flushed ? "finishing" : "putting back",
            TablePhase.Restored => flushed ? "flushed" : PutBack,
            TablePhase.Skipped => "skipped",
            _ => "not started",
        };
    }
}
