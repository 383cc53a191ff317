using System.Collections.Generic;

namespace BinlogFlusher.Engine.Server
{
    public sealed class IndexInfo
    {
        public string Name { get; set; } = "";
        public bool IsUnique { get; set; }
        /// <summary>BTREE, HASH, FULLTEXT, SPATIAL…</summary>
        public string Kind { get; set; } = "";
        public List<string?> Columns { get; } = new List<string?>();
        public bool IsPrimary => Name == "PRIMARY";
        /// <summary>Invisible (MySQL) or ignored (MariaDB): the optimizer may not use it, so chunks cannot walk it.</summary>
        public bool IsHidden { get; set; }
    }
}
