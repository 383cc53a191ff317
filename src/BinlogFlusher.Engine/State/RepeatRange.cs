using System.Collections.Generic;

namespace BinlogFlusher.Engine.State
{
    /// <summary>
    /// The keys one MayRepeat entry covers, for the verifier: the rows after <see cref="Lower"/> up to and including
    /// <see cref="Upper"/> by the chunk key <see cref="Key"/> (a null bound is open), or every row of the table
    /// (<see cref="AllRows"/>: a copy in one statement, or with its batch). The bounds are encoded as LastChunkKey and
    /// PendingChunkUpper are. State files written before these were recorded hold the text alone.
    /// </summary>
    public sealed class RepeatRange
    {
        /// <summary>The MayRepeat entry this range belongs to, word for word.</summary>
        public string Text { get; set; } = "";
        public bool AllRows { get; set; }
        /// <summary>The chunk key's columns in key order; each bound holds one value per column.</summary>
        public List<string> Key { get; set; } = new List<string>();
        /// <summary>The last key before the range (exclusive); null from the table's first key.</summary>
        public List<KeyValue>? Lower { get; set; }
        /// <summary>The range's last key (inclusive); null to the table's end.</summary>
        public List<KeyValue>? Upper { get; set; }
    }
}
