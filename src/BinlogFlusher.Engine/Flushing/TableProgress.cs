
namespace BinlogFlusher.Engine.Flushing
{
    public sealed class TableProgress
    {
        public string Target { get; set; } = "";
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public long RowsCopied { get; set; }
        public long RowsEstimated { get; set; }
        public string Stage { get; set; } = "";
        public bool Completed { get; set; }
    }
}
