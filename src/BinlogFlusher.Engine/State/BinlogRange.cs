using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.State
{
    /// <summary>One run's stretch of the binlog; a resumed snapshot is the union of its runs' ranges.</summary>
    public sealed class BinlogRange
    {
        public BinlogCoordinates? Start { get; set; }
        public BinlogCoordinates? End { get; set; }
        public override string ToString() => $"{Start} .. {End}";
    }
}
