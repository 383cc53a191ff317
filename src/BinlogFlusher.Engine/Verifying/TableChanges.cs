using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// What else changed a flushed table inside the run's binlog range: UPDATE and DELETE rows, and statements that alter,
    /// drop, truncate or rename it. The flush logs only the table's CREATE TABLE and its INSERT ... SELECT rows, with
    /// replication stopped and read_only ON: any of these is a session that bypassed read_only, or a damaged range, and a
    /// consumer would apply it as part of the snapshot.
    /// </summary>
    sealed class TableChanges
    {
        const string Update = "UPDATE", Delete = "DELETE";
        /// <summary>Per kind of change, in the order first seen: how many rows (or statements), and where the first is.</summary>
        readonly List<(string Kind, long Count, string First)> changes = new List<(string, long, string)>();

        public void Updated(int rows, string at) => Add(Update, rows, at);
        public void Deleted(int rows, string at) => Add(Delete, rows, at);
        /// <param name="kind">"ALTER TABLE", "DROP TABLE", ... (<see cref="TableStatement.Kind"/>).</param>
        public void Logged(string kind, string at) => Add(kind, 1, at);

        void Add(string kind, long count, string at)
        {
            var index = changes.FindIndex(c => c.Kind == kind);
            if (index < 0) changes.Add((kind, count, at));
            else changes[index] = (kind, changes[index].Count + count, changes[index].First);
        }

        /// <summary>One problem a kind of change, e.g. "3 rows are changed by UPDATE in the range, the first at binlog.000001:1234".</summary>
        public IEnumerable<string> Problems() => changes.Select(c =>
        {
            var where = c.Count == 1 ? $", at {c.First}" : $", the first at {c.First}";
            var rows = c.Count == 1 ? "1 row is" : c.Count.ToString("N0", CultureInfo.InvariantCulture) + " rows are";
            return c.Kind switch
            {
                Update => $"{rows} changed by UPDATE in the range{where}",
                Delete => $"{rows} deleted by DELETE in the range{where}",
                _ => $"{c.Kind} is logged {(c.Count == 1 ? "" : c.Count.ToString(CultureInfo.InvariantCulture) + " times ")}in the range{where}",
            };
        });
    }
}
