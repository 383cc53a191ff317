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
                    // A pattern that matched nothing, or a selection that took no table, would otherwise print nothing at all.
                    var unmatched = plan.Checks.Where(c => c.Name == "Selection" && c.Status != CheckStatus.Pass).ToList();
                    foreach (var check in unmatched) WriteWarning($"{settings.Target}: {check.Message}");
                    if (plan.Candidates.Count == 0 && unmatched.Count == 0) WriteWarning($"{settings.Target}: no table matches the selection (system schemas are always left out).");
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
