
namespace BinlogFlusher.Engine.Server
{
    public sealed class ForeignKeyInfo
    {
        public string Name { get; set; } = "";
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string ReferencedSchema { get; set; } = "";
        public string ReferencedTable { get; set; } = "";
    }
}
