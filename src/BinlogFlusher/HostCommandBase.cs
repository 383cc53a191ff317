using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Connection;

namespace BinlogFlusher.Commands
{
    /// <summary>
    /// What every cmdlet shares: hosts from the pipeline, -Port, -Credential, -MyCnf; a stop (Ctrl+C) that cancels the
    /// engine's work; and engine calls run off the pipeline thread while what they report is written on it.
    /// </summary>
    public abstract class HostCommandBase : PSCmdlet, IDisposable
    {
        readonly CancellationTokenSource stopping = new CancellationTokenSource();

        /// <summary>Cancelled when the pipeline stops.</summary>
        protected CancellationToken StopToken => stopping.Token;

        protected override void StopProcessing() => stopping.Cancel();

        // The engine's messages name options and commands in the syntax of the front end that called it: here, cmdlets'.
        protected sealed override void BeginProcessing()
        {
            using (FrontEnd.Use(CmdletSyntax.Instance)) OnBegin();
        }

        protected sealed override void ProcessRecord()
        {
            using (FrontEnd.Use(CmdletSyntax.Instance)) OnRecord();
        }

        protected sealed override void EndProcessing()
        {
            using (FrontEnd.Use(CmdletSyntax.Instance)) OnEnd();
        }

        protected virtual void OnBegin() { }

        /// <summary>ProcessRecord: one record of the pipeline's hosts.</summary>
        protected abstract void OnRecord();

        protected virtual void OnEnd() { }

        public void Dispose()
        {
            stopping.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>
        /// Runs engine work to its end: the statements it sends are verbose records ("host: SQL"), written on the
        /// pipeline thread as they come, as is anything else the work posts to the dispatcher.
        /// </summary>
        private protected T RunEngine<T>(string target, Func<Action<string>, PipelineDispatcher, CancellationToken, Task<T>> work)
        {
            var dispatcher = new PipelineDispatcher();
            return dispatcher.Run(() => work(sql => dispatcher.Post(() => WriteVerbose($"{target}: {sql}")), dispatcher, StopToken));
        }

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

        /// <summary>
        /// Resolves one host; a bad host or option file is this host's error, not the pipeline's. -Verbose names the
        /// account and where it came from; a warning says when nobody named it, or when it is root without a password.
        /// </summary>
        protected bool TryResolve(string host, out ConnectionSettings settings)
        {
            try
            {
                var network = Credential?.GetNetworkCredential();
                var path = MyCnf is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(MyCnf);
                settings = ConnectionResolver.Resolve(host, MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : (int?)null,
                    Credential is null ? null : network!.UserName, network?.Password, path);
                // Which account, from where (never the password); a login nobody named is said before it is tried.
                WriteVerbose($"{settings.Target}: credentials: {settings.CredentialsText}");
                if (settings.CredentialsWarning is { } warning) WriteWarning($"{settings.Target}: {warning}");
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

        /// <summary>
        /// What -Verify and Test-BinlogFlushResult say when tables differ: the message naming each (null when none does),
        /// and its VerificationMismatch record.
        /// </summary>
        private protected static string? MismatchMessage(string target, string run, IReadOnlyList<Engine.Verifying.TableVerification> verification)
        {
            var differ = verification.Where(v => v.Status == Engine.Verifying.VerificationStatus.Mismatch).ToList();
            return differ.Count == 0 ? null
                : $"{target}: the binlog differs from {run} for {differ.Count} of {verification.Count} tables: " + string.Join("; ", differ.Select(v => v.ToString()));
        }

        private protected static ErrorRecord MismatchRecord(string target, string message) =>
            new ErrorRecord(new InvalidOperationException(message), "VerificationMismatch", ErrorCategory.InvalidResult, target) { ErrorDetails = new ErrorDetails(message) };

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
                    FlushErrorKind.VerificationFailed => ("VerificationFailed", ErrorCategory.ReadError),
                    _ => ("ServerError", ErrorCategory.InvalidOperation),
                },
                OperationCanceledException => ("FlushInterrupted", ErrorCategory.OperationStopped),
                _ => ("UnexpectedError", ErrorCategory.InvalidOperation),
            };
            return new ErrorRecord(failure, id, category, target) { ErrorDetails = new ErrorDetails(failure.Message) };
        }
    }
}
