using System;
using System.Linq;
using System.Management.Automation;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.State;
using BinlogFlusher.Engine.Verifying;

namespace BinlogFlusher.Commands
{
    /// <summary>
    /// Verifies a finished run later, from its state file: reads the run's binlog ranges back from the server and checks
    /// each table the run flushed, as Invoke-BinlogFlush -Verify does. Reads only.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "BinlogFlushResult")]
    [OutputType(typeof(bool))]
    [OutputType("BinlogFlusher.TableVerification")]
    public sealed class TestBinlogFlushResultCommand : HostCommandBase
    {
        /// <summary>The state file the flush wrote (binlogflush-host-port-time.json).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HashFile")]
        [ValidateNotNullOrEmpty]
        public string StateFile { get; set; } = "";

        /// <summary>One object per table, and the differences as an error, instead of $true or $false.</summary>
        [Parameter]
        public SwitchParameter Detailed { get; set; }

        protected override void OnRecord()
        {
            foreach (var host in HostName)
            {
                if (!TryResolve(host, out var settings)) continue;
                try
                {
                    VerifyHost(settings);
                }
                catch (Exception exception) when (FlushException.Classify(exception) is not null || exception is System.IO.IOException)
                {
                    if (Detailed) WriteError(ToErrorRecord(exception, settings.Target));
                    else
                    {
                        WriteWarning($"{settings.Target}: {(FlushException.Classify(exception) ?? exception).Message}");
                        WriteObject(false);
                    }
                }
            }
        }

        void VerifyHost(Engine.Connection.ConnectionSettings settings)
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(StateFile);
            var journal = FlushJournal.Load(path);
            var verification = RunEngine(settings.Target, (_, _, stop) => new FlushVerifier(settings).VerifyRunAsync(journal, path, stop));
            var message = MismatchMessage(settings.Target, $"the run in '{path}'", verification);
            // As Test-BinlogFlushReadiness: a Boolean a script tests, the differences said as a warning.
            if (!Detailed)
            {
                if (message is not null) WriteWarning(message);
                WriteObject(message is null);
                return;
            }
            foreach (var table in verification)
            {
                var output = OutputObjects.Typed(table, "BinlogFlusher.TableVerification");
                output.Properties.Add(new PSNoteProperty("HostName", settings.Host));
                output.Properties.Add(new PSNoteProperty("Port", settings.Port));
                WriteObject(output);
            }
            if (message is not null) WriteError(MismatchRecord(settings.Target, message));
        }
    }
}
