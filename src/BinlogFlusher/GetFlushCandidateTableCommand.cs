using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Commands
{
    /// <summary>The tables a flush would take, with chunk key, twin adjustments and blockers. Reads only.</summary>
    [Cmdlet(VerbsCommon.Get, "FlushCandidateTable")]
    [OutputType("BinlogFlusher.FlushCandidateTable")]
    public sealed class GetFlushCandidateTableCommand : HostCommandBase
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
        public string[]? ExcludeDatabase { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var host in HostName)
            {
                if (!TryResolve(host, out var settings)) continue;
                var options = new FlushOptions { Selection = new FlushSelection { Databases = Database ?? Array.Empty<string>(), Tables = Table ?? Array.Empty<string>(), ExcludeDatabases = ExcludeDatabase ?? Array.Empty<string>() } };
                try
                {
                    var plan = HostPlan.ReadAsync(settings, options, null, CancellationToken.None).GetAwaiter().GetResult();
                    foreach (var candidate in plan.Candidates) WriteObject(OutputObjects.Candidate(settings, candidate));
                }
                catch (Exception exception) when (exception is FlushException or MySqlConnector.MySqlException)
                {
                    WriteError(ToErrorRecord(exception, settings.Target));
                }
            }
        }
    }
}
