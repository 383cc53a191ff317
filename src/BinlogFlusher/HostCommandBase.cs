using System;
using System.Management.Automation;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Connection;

namespace BinlogFlusher.Commands
{
    /// <summary>The connection parameters every cmdlet shares: hosts from the pipeline, -Port, -Credential, -MyCnf.</summary>
    public abstract class HostCommandBase : PSCmdlet
    {
        /// <summary>Replica hosts: 'host' or 'host:port'.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName", "Server", "SqlInstance")]
        [ValidateNotNullOrEmpty]
        public string[] HostName { get; set; } = Array.Empty<string>();

        /// <summary>The port, when the host name does not say it (default: my.cnf's, else 3306).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>A my.cnf option file with a [client] section (default ~/.my.cnf, then ~/my.cnf).</summary>
        [Parameter]
        [Alias("DefaultsFile")]
        [ValidateNotNullOrEmpty]
        public string? MyCnf { get; set; }

        /// <summary>Resolves one host; a bad host or option file is this host's error, not the pipeline's.</summary>
        protected bool TryResolve(string host, out ConnectionSettings settings)
        {
            try
            {
                var network = Credential?.GetNetworkCredential();
                var path = MyCnf is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(MyCnf);
                settings = ConnectionResolver.Resolve(host, MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : (int?)null,
                    Credential is null ? null : network!.UserName, network?.Password, path);
                return true;
            }
            catch (Exception exception) when (exception is FormatException or System.IO.IOException or ArgumentException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(exception, "InvalidHostOrOptions", ErrorCategory.InvalidArgument, host)
                {
                    ErrorDetails = new ErrorDetails(exception.Message),
                });
                settings = null!;
                return false;
            }
        }

        /// <summary>An engine failure as an error record with a stable id, the right category and the host as target.</summary>
        protected static ErrorRecord ToErrorRecord(Exception exception, string target)
        {
            // The engine classifies server and driver errors: their types live in the module's own load context.
            var failure = FlushException.Classify(exception) ?? exception;
            var (id, category) = failure switch
            {
                FlushException flush => flush.Kind switch
                {
                    FlushErrorKind.ConnectionFailed => ("ConnectionFailed", ErrorCategory.ConnectionError),
                    FlushErrorKind.InvalidInput => ("InvalidInput", ErrorCategory.InvalidArgument),
                    FlushErrorKind.PreflightRefused => ("PreflightRefused", ErrorCategory.InvalidOperation),
                    FlushErrorKind.TableFailed => ("TableFlushFailed", ErrorCategory.WriteError),
                    FlushErrorKind.RowCountMismatch => ("RowCountMismatch", ErrorCategory.InvalidResult),
                    FlushErrorKind.Interrupted => ("FlushInterrupted", ErrorCategory.OperationStopped),
                    FlushErrorKind.StateFileInvalid => ("StateFileInvalid", ErrorCategory.InvalidData),
                    FlushErrorKind.StateFileMismatch => ("StateFileHostMismatch", ErrorCategory.InvalidArgument),
                    FlushErrorKind.RestoreConflict => ("RestoreConflict", ErrorCategory.ResourceExists),
                    FlushErrorKind.ResumeRefused => ("ResumeRefused", ErrorCategory.InvalidOperation),
                    FlushErrorKind.AlreadyRunning => ("FlushAlreadyRunning", ErrorCategory.ResourceBusy),
                    FlushErrorKind.Unexpected => ("UnexpectedError", ErrorCategory.InvalidOperation),
                    FlushErrorKind.DiskFull => ("BinlogDiskFull", ErrorCategory.ResourceUnavailable),
                    FlushErrorKind.StateFileWriteFailed => ("StateFileWriteFailed", ErrorCategory.WriteError),
                    _ => ("ServerError", ErrorCategory.InvalidOperation),
                },
                OperationCanceledException => ("FlushInterrupted", ErrorCategory.OperationStopped),
                _ => ("UnexpectedError", ErrorCategory.InvalidOperation),
            };
            return new ErrorRecord(failure, id, category, target) { ErrorDetails = new ErrorDetails(failure.Message) };
        }
    }
}
