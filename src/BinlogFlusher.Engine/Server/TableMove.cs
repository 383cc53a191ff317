
namespace BinlogFlusher.Engine.Server
{
    /// <summary>A table's place during a flush: its name, and the backup name it is renamed to.</summary>
    public sealed class TableMove
    {
        public TableMove(string schema, string table, string backup)
        {
            Schema = schema;
            Table = table;
            Backup = backup;
        }

        public string Schema { get; }
        public string Table { get; }
        public string Backup { get; }
        public string Original => SqlText.Qualified(Schema, Table);
        public string BackupQualified => SqlText.Qualified(Schema, Backup);
    }
}
