
namespace BinlogFlusher.Engine.Server
{
    /// <summary>One replication connection (MariaDB named connection or MySQL channel).</summary>
    public sealed class ReplicationChannel
    {
        public string Name { get; set; } = "";
        public bool IoRunning { get; set; }
        public bool SqlRunning { get; set; }
        public string SourceHost { get; set; } = "";
        public int SourcePort { get; set; }
        public string? LastError { get; set; }
        public override string ToString() => (Name.Length == 0 ? "" : Name + ": ") + $"source {SourceHost}:{SourcePort}, IO {(IoRunning ? "running" : "stopped")}, SQL {(SqlRunning ? "running" : "stopped")}";
    }
}
