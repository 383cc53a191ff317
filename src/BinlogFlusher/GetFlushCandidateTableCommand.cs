using System;
using System.Linq;
using System.Management.Automation;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Commands
{
    /// <summary>The tables a flush would take, with chunk key, twin adjustments and blockers. Reads only.</summary>
    [Cmdlet(VerbsCommon.Get, "FlushCandidateTable")]
    [OutputType("BinlogFlusher.FlushCandidateTable")]
    public sealed class GetFlushCandidateTableCommand : SelectionCommandBase
    {
        protected override void OnRecord()
        {
            foreach (var host in HostName)
            {
                if (!TryResolve(host, out var settings)) continue;
                var options = new FlushOptions { Selection = Selection };
                try
                {
                    var plan = RunEngine(settings.Target, (verbose, _, stop) => HostPlan.ReadAsync(settings, options, verbose, stop));
                    foreach (var candidate in plan.Candidates) WriteObject(OutputObjects.Candidate(settings, candidate));
                }
                catch (Exception exception) when (FlushException.Classify(exception) is not null)
                {
                    WriteError(ToErrorRecord(exception, settings.Target));
                }
            }
        }
    }
}
