using System;
using System.Collections.Generic;
using System.Linq;

namespace BinlogFlusher.Engine.Server
{
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
}
