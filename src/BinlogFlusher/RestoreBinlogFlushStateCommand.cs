using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
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

        protected override void OnRecord()
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
            var request = new RestoreRequest
            {
                StateFile = StateFile is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(StateFile),
                Discover = Discover,
                Selection = Selection,
            };
            var options = new RestoreOptions { StopReplica = !NoReplicaStop, StartReplica = StartReplica, DryRun = WhatIfInEffect() };
            RunEngine(settings.Target, async (verbose, dispatcher, stop) =>
            {
                await using var restore = await HostRestore.OpenAsync(settings, verbose, stop).ConfigureAwait(false);
                var result = await restore.RunAsync(request, options, new CmdletRestoreListener(this, dispatcher, settings, options.DryRun), stop).ConfigureAwait(false);
                if (result.ReadOnly is { } readOnly) dispatcher.Post(() => { if (readOnly.PutBack) WriteVerbose(readOnly.Message); else WriteWarning(readOnly.Message); });
                return result;
            });
        }

        /// <summary>-WhatIf, given or by $WhatIfPreference: the server's record and the state file stay as they are too.</summary>
        bool WhatIfInEffect() => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? whatIf is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

        /// <summary>The restore's questions and news, carried out on the pipeline thread.</summary>
        sealed class CmdletRestoreListener(RestoreBinlogFlushStateCommand cmdlet, PipelineDispatcher dispatcher, Engine.Connection.ConnectionSettings settings, bool whatIf) : IRestoreListener
        {
            public Task<bool> ConfirmAsync(RestoreConfirmation kind, string target, string action) => dispatcher.AskAsync(() => cmdlet.ShouldProcess(target, action));

            public void Warning(string message) => dispatcher.Post(() => cmdlet.WriteWarning(message));

            public void Verbose(string message) => dispatcher.Post(() => cmdlet.WriteVerbose(message));

            // As Write-Host writes it: shown in the console, and in the information stream (6>) for a script.
            public void Information(string message) => dispatcher.Post(() => cmdlet.WriteInformation(new HostInformationMessage { Message = message }, new[] { "PSHOST" }));

            public void Outcome(RestoreStep step, RestoreAction action, string message) => dispatcher.Post(() =>
            {
                // Under -WhatIf the "What if:" lines are the answer for what would change: no outcome objects for what
                // was not done. A conflict is not a change the restore would make, so it is said either way.
                if (!whatIf)
                {
                    cmdlet.WriteObject(OutputObjects.Typed(new RestoreOutcome
                    {
                        HostName = settings.Host,
                        Port = settings.Port,
                        Schema = step.Entry.Schema,
                        Table = step.Entry.Table,
                        BackupTable = step.Entry.BackupTable,
                        Action = action,
                        Message = message,
                    }, "BinlogFlusher.RestoreOutcome"));
                }
                if (action == RestoreAction.Conflict)
                    cmdlet.WriteError(ToErrorRecord(new FlushException(FlushErrorKind.RestoreConflict, $"{settings.Target}: {message}"), settings.Target));
            });
        }

    }
}
