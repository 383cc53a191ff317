
namespace BinlogFlusher.Engine.Server
{
    public sealed class ColumnInfo
    {
        public string Name { get; set; } = "";
        public int Ordinal { get; set; }
        public string DataType { get; set; } = "";
        /// <summary>The full type as information_schema gives it, e.g. "decimal(10,2) unsigned"; generated columns' plain type.</summary>
        public string ColumnType { get; set; } = "";
        public string? CharacterSet { get; set; }
        public string? Collation { get; set; }
        public bool IsNullable { get; set; }
        /// <summary>VIRTUAL or STORED for a generated column, else null.</summary>
        public string? Generated { get; set; }
        public bool IsInvisible { get; set; }
    }
}
