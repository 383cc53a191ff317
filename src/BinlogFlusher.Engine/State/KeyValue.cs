using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BinlogFlusher.Engine.State
{
    /// <summary>A key value with its type, so a resume binds exactly what the server returned.</summary>
    public sealed class KeyValue
    {
        public string Type { get; set; } = "";
        public string? Value { get; set; }
    }
}
