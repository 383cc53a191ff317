using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Restoring;

namespace BinlogFlusher.Commands
{
    /// <summary>Puts every table of an interrupted flush back: drops BLACKHOLE twins and renames backups back, without logging.</summary>
    [Cmdlet(VerbsData.Restore, "BinlogFlushState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "StateFile")]
    [OutputType(typeof(RestoreOutcome))]
    [OutputType("BinlogFlusher.RestoreOutcome")]
    public sealed class RestoreBinlogFlushStateCommand : SelectionCommandBase
    {
        readonly CancellationTokenSource stopping = new CancellationTokenSource();

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("HashFile")]
        public string? StateFile { get; set; }

        [Parameter]
        public SwitchParameter Discover { get; set; }

        [Parameter]
        [Alias("NoStopSlave", "NoStopReplica")]
        public SwitchParameter NoReplicaStop { get; set; }

        [Parameter]
        [Alias("StartSlave")]
        public SwitchParameter StartReplica { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var host in HostName)
            {
                if (!TryResolve(host, out var settings)) continue;
                try
                {
                    RestoreHost(settings);
                }
                catch (Exception exception) when (FlushException.Classify(exception) is not null || exception is System.IO.IOException)
                {
                    WriteError(ToErrorRecord(exception, settings.Target));
                }
            }
        }

        void RestoreHost(Engine.Connection.ConnectionSettings settings)
        {
            var stateFile = StateFile is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(StateFile);
            var statements = new List<string>();
            var restore = HostRestore.OpenAsync(settings, statements.Add, stopping.Token).GetAwaiter().GetResult();
            try
            {
                RestoreHost(settings, restore, stateFile, statements);
            }
            finally
            {
                restore.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        void RestoreHost(Engine.Connection.ConnectionSettings settings, HostRestore restore, string? stateFile, List<string> statements)
        {
            var request = new RestoreRequest
            {
                StateFile = stateFile,
                Discover = Discover,
                Selection = Selection,
            };
            var plan = restore.PlanAsync(request, stopping.Token).GetAwaiter().GetResult();
            FlushVerbose(statements, settings.Target);
            // A killed flush's statements can still be running on the server: stop them first, then look again.
            if (plan.RunConnections.Count > 0 && ShouldProcess(settings.Target, $"Stop {plan.RunConnections.Count} connection(s) the interrupted flush left running (KILL CONNECTION {string.Join(", ", plan.RunConnections)})"))
            {
                restore.StopRunConnectionsAsync(plan, stopping.Token).GetAwaiter().GetResult();
                plan = restore.PlanAsync(request, stopping.Token).GetAwaiter().GetResult();
                FlushVerbose(statements, settings.Target);
            }

            foreach (var warning in plan.Warnings) WriteWarning($"{settings.Target}: {warning}");
            foreach (var orphan in plan.Orphans)
                WriteWarning($"{settings.Target}: {orphan} looks like a flush backup, but no record says which table it belongs to. It was not touched; rename it back by hand.");
            if (!plan.NeedsChange)
                WriteVerbose($"{settings.Target}: nothing to restore; every table is in place.");

            var done = new List<RestoreStep>();
            var replicationStopped = false;
            foreach (var step in plan.Steps)
            {
                var action = step.Verdict;
                if (step.NeedsChange)
                {
                    if (!ShouldProcess($"{step.Entry.Schema}.{step.Entry.Table} on {settings.Target}", step.Description))
                    {
                        action = RestoreAction.Skipped;
                    }
                    else
                    {
                        if (!replicationStopped && !NoReplicaStop)
                        {
                            restore.StopReplicationAsync().GetAwaiter().GetResult();
                            replicationStopped = true;
                        }
                        restore.ApplyAsync(step).GetAwaiter().GetResult();
                        // Decided again when a killed flush's last statement landed after the plan (see HostRestore.ApplyAsync).
                        action = step.Verdict;
                        if (action != RestoreAction.Conflict) done.Add(step);
                    }
                }
                else if (step.Verdict == RestoreAction.AlreadyRestored)
                {
                    done.Add(step);
                }
                FlushVerbose(statements, settings.Target);
                WriteObject(OutputObjects.Typed(new RestoreOutcome
                {
                    HostName = settings.Host,
                    Port = settings.Port,
                    Schema = step.Entry.Schema,
                    Table = step.Entry.Table,
                    BackupTable = step.Entry.BackupTable,
                    Action = action,
                    Message = action == RestoreAction.Skipped ? "Not confirmed; left as it is." : step.Message,
                }, "BinlogFlusher.RestoreOutcome"));
                if (action == RestoreAction.Conflict)
                    WriteError(ToErrorRecord(new FlushException(FlushErrorKind.RestoreConflict, $"{settings.Target}: {step.Message}"), settings.Target));
            }
            if (ShouldProcessQuietly() && restore.FinishAsync(plan, done, stateFile).GetAwaiter().GetResult() is { } readOnly)
            {
                if (readOnly.PutBack) WriteVerbose(readOnly.Message);
                else WriteWarning(readOnly.Message);
            }
            if (StartReplica && ShouldProcess(settings.Target, "Start the replication SQL thread")) restore.StartReplicationAsync().GetAwaiter().GetResult();
            FlushVerbose(statements, settings.Target);
        }

        // Bookkeeping (the server's record, the state file) follows what was done; under -WhatIf nothing was.
        bool ShouldProcessQuietly() => !(MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && whatIf is SwitchParameter { IsPresent: true });

        void FlushVerbose(List<string> statements, string target)
        {
            foreach (var sql in statements) WriteVerbose($"{target}: {sql}");
            statements.Clear();
        }

        protected override void StopProcessing() => stopping.Cancel();
    }
}
