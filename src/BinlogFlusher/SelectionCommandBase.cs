using System;
using System.Management.Automation;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Commands
{
    /// <summary>The table selection shared by the cmdlets that act on tables: -Database, -Table, -ExcludeDatabase, -ExcludeTable.</summary>
    public abstract class SelectionCommandBase : HostCommandBase
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Schema")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NameCompleter))]
        public string[]? Database { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NameCompleter))]
        public string[]? Table { get; set; }

        [Parameter]
        [Alias("Skip")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NameCompleter))]
        public string[]? ExcludeDatabase { get; set; }

        /// <summary>Tables to leave out: 'table' or 'db.table', with wildcards, applied after -Database and -Table.</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NameCompleter))]
        public string[]? ExcludeTable { get; set; }

        protected FlushSelection Selection => new FlushSelection
        {
            Databases = Database ?? Array.Empty<string>(),
            Tables = Table ?? Array.Empty<string>(),
            ExcludeDatabases = ExcludeDatabase ?? Array.Empty<string>(),
            ExcludeTables = ExcludeTable ?? Array.Empty<string>(),
        };
    }
}
