using System;
using System.Collections.Generic;
using System.Linq;

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

    public sealed class ForeignKeyInfo
    {
        public string Name { get; set; } = "";
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string ReferencedSchema { get; set; } = "";
        public string ReferencedTable { get; set; } = "";
    }

    /// <summary>One base table as information_schema describes it.</summary>
    public sealed class TableInfo
    {
        public string Schema { get; set; } = "";
        public string Name { get; set; } = "";
        public string TableType { get; set; } = "";
        public string? Engine { get; set; }
        public long EstimatedRows { get; set; }
        public long DataLength { get; set; }
        public string CreateOptions { get; set; } = "";
        public int Partitions { get; set; }
        public int Subpartitions { get; set; }
        public List<ColumnInfo> Columns { get; } = new List<ColumnInfo>();
        public List<IndexInfo> Indexes { get; } = new List<IndexInfo>();
        public List<ForeignKeyInfo> ForeignKeys { get; } = new List<ForeignKeyInfo>();
        public List<ForeignKeyInfo> ReferencedBy { get; } = new List<ForeignKeyInfo>();
        public List<string> Triggers { get; } = new List<string>();

        public string QualifiedName => SqlText.Qualified(Schema, Name);

        /// <summary>A hash of what the flush depends on: engine, columns, indexes, partitions. Equal while the definition is unchanged.</summary>
        public string Fingerprint
        {
            get
            {
                var text = new System.Text.StringBuilder(Engine).Append('|').Append(Partitions).Append('/').Append(Subpartitions);
                foreach (var c in Columns.OrderBy(c => c.Ordinal))
                    text.Append("|c:").Append(c.Name).Append(' ').Append(c.ColumnType).Append(' ').Append(c.Collation).Append(' ').Append(c.IsNullable).Append(' ').Append(c.Generated);
                foreach (var i in Indexes.OrderBy(i => i.Name, StringComparer.Ordinal))
                    text.Append("|i:").Append(i.Name).Append(' ').Append(i.IsUnique).Append(' ').Append(i.Kind).Append(' ').Append(string.Join(",", i.Columns));
                using var sha = System.Security.Cryptography.SHA256.Create();
                return BitConverter.ToString(sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(text.ToString()))).Replace("-", "").ToLowerInvariant();
            }
        }
        public IndexInfo? PrimaryKey => Indexes.FirstOrDefault(i => i.IsPrimary);
        public bool IsPartitioned => Partitions > 0;
        public override string ToString() => Schema + "." + Name;
    }

    /// <summary>The tables of a server (outside the system schemas), read in a handful of information_schema queries.</summary>
    public sealed class TableCatalog
    {
        public TableCatalog(IReadOnlyList<TableInfo> tables) => Tables = tables;

        public IReadOnlyList<TableInfo> Tables { get; }

        public TableInfo? Find(string schema, string table) =>
            Tables.FirstOrDefault(t => t.Schema == schema && t.Name == table);
    }
}
