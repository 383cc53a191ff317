using System;

namespace BinlogFlusher.Engine.Flushing
{
    public sealed class HostProgress
    {
        public string Target { get; set; } = "";
        public int TablesDone { get; set; }
        public int TablesTotal { get; set; }
        public long RowsCopied { get; set; }
        public long RowsEstimated { get; set; }
        public TimeSpan Elapsed { get; set; }
        public string Stage { get; set; } = "";
        public bool Completed { get; set; }
    }
}
