using System;
using System.Linq;
using System.Management.Automation;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Commands
{
    /// <summary>Whether Invoke-BinlogFlush would start on a host: $true/$false, or the report with -Detailed. Reads only.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "BinlogFlushReadiness")]
    [OutputType(typeof(bool))]
    [OutputType("BinlogFlusher.ReadinessReport")]
    public sealed class TestBinlogFlushReadinessCommand : SelectionCommandBase
    {
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter Detailed { get; set; }

        protected override void OnRecord()
        {
            foreach (var host in HostName)
            {
                if (!TryResolve(host, out var settings)) continue;
                try
                {
                    var options = new FlushOptions { Force = Force, Selection = Selection };
                    var plan = RunEngine(settings.Target, (verbose, _, stop) => HostPlan.ReadAsync(settings, options, verbose, stop));
                    WriteObject(Detailed ? Report(plan) : plan.Ready);
                }
                catch (Exception exception) when (FlushException.Classify(exception) is not null)
                {
                    if (Detailed) WriteError(ToErrorRecord(exception, settings.Target));
                    else
                    {
                        WriteWarning($"{settings.Target}: {exception.Message}");
                        WriteObject(false);
                    }
                }
            }
        }

        static PSObject Report(HostPlan plan)
        {
            var facts = plan.Facts;
            var report = new PSObject();
            report.TypeNames.Insert(0, "BinlogFlusher.ReadinessReport");
            void Add(string name, object? value) => report.Properties.Add(new PSNoteProperty(name, value));
            Add("HostName", plan.Settings.Host);
            Add("Port", plan.Settings.Port);
            Add("ServerVersion", facts.Dialect.VersionText);
            Add("Flavor", facts.Dialect.IsMariaDb ? "MariaDB" : "MySQL");
            Add("Ready", plan.Ready);
            Add("Checks", plan.Checks.ToArray());
            Add("BinlogFormat", facts.BinlogFormat);
            Add("BinlogRowImage", facts.BinlogRowImage);
            Add("GtidMode", facts.Dialect.IsMariaDb ? (facts.UsesGtids ? "MariaDB GTID" : "OFF") : facts.Variable("gtid_mode") ?? "OFF");
            Add("ReplicationState", facts.ReplicationState);
            Add("DownstreamReplicas", facts.DownstreamReplicas);
            Add("Tables", plan.Candidates.Count);
            Add("EstimatedRows", plan.EstimatedRows);
            Add("EstimatedBytes", plan.EstimatedBytes);
            return report;
        }
    }
}
