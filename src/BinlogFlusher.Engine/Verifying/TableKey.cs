using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using MySqlConnector;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// The chunk key the flush walked a table by (<see cref="FlushCandidate.ChunkKey"/>: its primary key, else its
    /// shortest NOT NULL unique key), as the verifier reads and orders it.
    /// </summary>
    sealed class TableKey
    {
        /// <summary>Comparisons in one query: a table of a few chunks takes one.</summary>
        const int ComparisonsPerQuery = 500;

        TableKey(IReadOnlyList<KeyColumn> columns) => Columns = columns;

        public IReadOnlyList<KeyColumn> Columns { get; }
        public IReadOnlyList<string> Names => Columns.Select(c => c.Name).ToList();

        /// <summary>A text column orders by its collation, which the client cannot reproduce: the server compares such keys.</summary>
        public bool ServerOrdered => Columns.Any(c => c.Ordering == KeyOrdering.Collated);

        /// <summary>The table's chunk key as the flush chooses it; null when it has none (copied in one statement).</summary>
        public static TableKey? Of(TableInfo table)
        {
            var columns = FlushCandidate.For(table).ChunkKey.Select(KeyColumn.For).ToList();
            return columns.Count == 0 || columns.Any(c => c is null) ? null : new TableKey(columns.Select(c => c!).ToList());
        }

        /// <summary>A row image's key in comparable form; null when the image lacks a key column (not a full row image).</summary>
        public object?[]? FromRow(object?[] row)
        {
            var key = new object?[Columns.Count];
            for (var i = 0; i < key.Length; i++)
            {
                var position = Columns[i].Position;
                if (position >= row.Length) return null;
                key[i] = Columns[i].FromBinlog(row[position]);
            }
            return key;
        }

        /// <summary>A journal's key bound in comparable form; TIMESTAMP parts are converted to seconds by <paramref name="session"/>.</summary>
        public async Task<object?[]> FromJournalAsync(IReadOnlyList<KeyValue> values, ServerSession session, CancellationToken cancellationToken)
        {
            if (values.Count != Columns.Count)
                throw new FormatException($"it holds {values.Count} values for a key of {Columns.Count} columns");
            var key = new object?[Columns.Count];
            for (var i = 0; i < key.Length; i++)
            {
                key[i] = Columns[i].FromJournal(values[i]);
                if (Columns[i].NeedsServerForJournal && key[i] is string local)
                    key[i] = Convert.ToDecimal(await session.ScalarAsync("SELECT UNIX_TIMESTAMP(@t)", cancellationToken, new MySqlParameter("@t", local)).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }
            return key;
        }

        /// <summary>(5, 'abc'), as an operator reads a key.</summary>
        public string Describe(IReadOnlyList<object?> key) => "(" + string.Join(", ", key.Select((v, i) => Columns[i].Describe(v))) + ")";

        /// <summary>
        /// For each pair, whether its first key lies above its second in the index's order: on the client, or for a
        /// key with text columns by the server, each text value cast to its column's character set and COLLATE its
        /// collation, the keys compared as row constructors (lexicographically, as the index orders them).
        /// </summary>
        public async Task<bool[]> AboveAsync(IReadOnlyList<(object?[] A, object?[] B)> pairs, ServerSession? session, CancellationToken cancellationToken)
        {
            if (!ServerOrdered) return pairs.Select(p => KeyComparer.Instance.Compare(p.A, p.B) > 0).ToArray();
            if (session is null) throw new InvalidOperationException("A key with text columns is compared by the server: a session is needed.");
            var above = new bool[pairs.Count];
            for (var start = 0; start < pairs.Count; start += ComparisonsPerQuery)
            {
                var count = Math.Min(ComparisonsPerQuery, pairs.Count - start);
                var parameters = new List<MySqlParameter>();
                var columns = new List<string>();
                for (var i = 0; i < count; i++)
                    columns.Add($"{Row(pairs[start + i].A, "a" + Number(i), parameters)} > {Row(pairs[start + i].B, "b" + Number(i), parameters)}");
                var rows = await session.QueryAsync("SELECT " + string.Join(", ", columns), cancellationToken, parameters.ToArray()).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                    above[start + i] = rows[0][i] is { } result && !(result is DBNull) && Convert.ToInt64(result, CultureInfo.InvariantCulture) == 1;
            }
            return above;
        }

        /// <summary>(CAST(@a0_0 ...) COLLATE ..., @a0_1): one key as a row constructor, its values as parameters.</summary>
        string Row(object?[] key, string prefix, List<MySqlParameter> parameters)
        {
            var row = new StringBuilder("(");
            for (var i = 0; i < key.Length; i++)
            {
                var name = "@" + prefix + "_" + Number(i);
                parameters.Add(new MySqlParameter(name, KeyColumn.SqlValue(key[i])));
                row.Append(i == 0 ? "" : ", ").Append(Columns[i].Sql(name));
            }
            return row.Append(')').ToString();
        }

        static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
