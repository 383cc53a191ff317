using System;

namespace BinlogFlusher.Engine.Restoring
{
    public enum RestoreAction { PutBack, AlreadyInPlace, Conflict, Skipped }

    public sealed class RestoreOutcome
    {
        public string HostName { get; set; } = "";
        public int Port { get; set; }
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string BackupTable { get; set; } = "";
        public RestoreAction Action { get; set; }
        public string Message { get; set; } = "";
        public override string ToString() => $"{HostName}:{Port} {Schema}.{Table}: {Action}";
    }
}
