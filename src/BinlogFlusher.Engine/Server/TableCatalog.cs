using System;
using System.Collections.Generic;
using System.Linq;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>The tables of a server (outside the system schemas), read in a handful of information_schema queries.</summary>
    public sealed class TableCatalog
    {
        public TableCatalog(IReadOnlyList<TableInfo> tables) => Tables = tables;

        public IReadOnlyList<TableInfo> Tables { get; }
    }
}
