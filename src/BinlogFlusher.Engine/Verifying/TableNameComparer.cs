using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// Schema and table names compared as the server compares them: without regard to case under lower_case_table_names
    /// 1 or 2. A logged statement names a table as it was typed, so `ALTER TABLE Items` changes items on such a server.
    /// </summary>
    sealed class TableNameComparer : IEqualityComparer<(string Schema, string Table)>
    {
        public static readonly TableNameComparer Exact = new TableNameComparer(StringComparer.Ordinal);
        public static readonly TableNameComparer IgnoringCase = new TableNameComparer(StringComparer.OrdinalIgnoreCase);

        readonly StringComparer names;

        TableNameComparer(StringComparer names) => this.names = names;

        public static async Task<TableNameComparer> OfServerAsync(ServerSession session, CancellationToken cancellationToken)
        {
            var setting = await session.ScalarAsync("SELECT @@lower_case_table_names", cancellationToken).ConfigureAwait(false);
            return Convert.ToInt64(setting, CultureInfo.InvariantCulture) == 0 ? Exact : IgnoringCase;
        }

        public bool Equals((string Schema, string Table) x, (string Schema, string Table) y) => names.Equals(x.Schema, y.Schema) && names.Equals(x.Table, y.Table);

        public int GetHashCode((string Schema, string Table) name) => unchecked(names.GetHashCode(name.Schema) * 31 + names.GetHashCode(name.Table));
    }
}
