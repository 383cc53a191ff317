using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Verifying;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Commands
{
    /// <summary>Writes a full, consistent snapshot of a replica's tables into that replica's binary log.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "BinlogFlush", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FlushResult))]
    [OutputType("BinlogFlusher.FlushResult")]
    public sealed class InvokeBinlogFlushCommand : SelectionCommandBase
    {
        readonly PipelineQueue queue = new PipelineQueue();
        // Added on the pipeline thread, read by StopProcessing on another.
        readonly System.Collections.Concurrent.ConcurrentQueue<Task> running = new System.Collections.Concurrent.ConcurrentQueue<Task>();
        // Per host, the flush started last: a host never runs two flushes at once (tables piped one by one).
        readonly Dictionary<string, Task> runningByHost = new Dictionary<string, Task>(StringComparer.OrdinalIgnoreCase);
        readonly HashSet<string> hostsSeen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // Every host's result as its worker finished, for the report a stopped pipeline can no longer output.
        readonly System.Collections.Concurrent.ConcurrentQueue<FlushResult> finished = new System.Collections.Concurrent.ConcurrentQueue<FlushResult>();

        /// <summary>Leave the replication SQL thread as it is (refused while it runs, unless -Force).</summary>
        [Parameter]
        [Alias("NoStopSlave", "NoStopReplica")]
        public SwitchParameter NoReplicaStop { get; set; }

        /// <summary>Start the replication SQL thread again when done.</summary>
        [Parameter]
        [Alias("StartSlave")]
        public SwitchParameter StartReplica { get; set; }

        /// <summary>RESET MASTER / RESET BINARY LOGS AND GTIDS before the flush: deletes every binary log.</summary>
        [Parameter]
        public SwitchParameter ResetBinaryLogs { get; set; }

        [Parameter]
        [Alias("HashFile")]
        public string? StateFile { get; set; }

        [Parameter]
        [ValidateRange(1, FlushOptions.MaxThrottleLimit)]
        public int ThrottleLimit { get; set; } = FlushOptions.DefaultThrottleLimit;

        [Parameter]
        [ValidateRange(1, FlushOptions.MaxChunkSize)]
        public int ChunkSize { get; set; } = FlushOptions.DefaultChunkSize;

        /// <summary>The binlog bytes a chunk aims at (PowerShell's 32MB, 1GB); wide rows make chunks of fewer rows than -ChunkSize.</summary>
        [Parameter]
        [ValidateRange(FlushOptions.MinChunkBytes, FlushOptions.MaxChunkBytes)]
        public long ChunkBytes { get; set; } = FlushOptions.DefaultChunkBytes;

        /// <summary>MariaDB: the GTID domain the flush writes in (default 191).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int GtidDomainId { get; set; } = FlushOptions.DefaultGtidDomainId;

        /// <summary>Seconds a lost connection is tried again (with backoff) before the run puts the tables back (default 60: a server restart).</summary>
        [Parameter]
        [ValidateRange(0, FlushOptions.MaxReconnectTimeoutSeconds)]
        public int ReconnectTimeout { get; set; } = FlushOptions.DefaultReconnectTimeoutSeconds;

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Continue the run the -StateFile journal describes: flushed tables are skipped, the table in progress continues after its last committed chunk.</summary>
        [Parameter]
        public SwitchParameter Resume { get; set; }

        /// <summary>After a completed flush, read its binlog ranges back over the replication protocol and check each table in them.</summary>
        [Parameter]
        public SwitchParameter Verify { get; set; }

        protected override void OnBegin()
        {
            queue.VerboseShown = MyInvocation.BoundParameters.TryGetValue("Verbose", out var verbose)
                ? ((SwitchParameter)verbose).IsPresent
                : GetVariableValue("VerbosePreference") is ActionPreference preference && preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
        }

        protected override void OnRecord()
        {
            try
            {
                ProcessHosts();
            }
            catch (Exception exception) when (!(exception is PipelineStoppedException))
            {
                // An error turned terminating (-ErrorAction Stop) or misuse: the hosts already running finish, and put
                // their tables back if they must, before the pipeline ends.
                queue.DrainUntil(null, () => running.All(t => t.IsCompleted));
                throw;
            }
        }

        void ProcessHosts()
        {
            queue.Drain(this);
            var givenHere = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var host in HostName)
            {
                if (StopToken.IsCancellationRequested) break;
                CheckMisuse(host);
                if (!TryResolve(host, out var settings)) continue;
                if (!givenHere.Add(settings.Target))
                {
                    WriteWarning($"{settings.Target} was given more than once in -HostName: it is flushed once.");
                    continue;
                }
                hostsSeen.Add(settings.Target);
                if (StateFile is not null && hostsSeen.Count > 1)
                    Misuse(StateFileForManyHosts());
                var options = Options();

                // A flush of this host still running (an earlier pipeline object): let it finish first.
                if (runningByHost.TryGetValue(settings.Target, out var earlier)) queue.DrainUntil(this, () => earlier.IsCompleted);
                if (!TryPlan(settings, options, out var plan, out var resume, out var stopped))
                {
                    if (stopped) break;
                    continue;
                }
                if (Approved(settings, plan, resume) is { } approved) StartFlush(settings, plan, approved, resume);
            }
            queue.Drain(this);
            if (StopToken.IsCancellationRequested) queue.DrainUntil(this, () => running.All(t => t.IsCompleted));
        }

        /// <summary>Misuse is said before anything about the host (a host that cannot be resolved would hide it).</summary>
        void CheckMisuse(string host)
        {
            if (Resume && StateFile is null)
                Misuse(new ErrorRecord(new ArgumentException("-Resume continues the run a state file describes: give it with -StateFile."),
                    "ResumeWithoutStateFile", ErrorCategory.InvalidArgument, host));
            if (StateFile is not null && HostName.Length > 1)
                Misuse(StateFileForManyHosts());
        }

        FlushOptions Options() => new FlushOptions
        {
            Selection = Selection,
            Force = Force,
            NoReplicaStop = NoReplicaStop,
            StartReplica = StartReplica,
            ResetBinaryLogs = ResetBinaryLogs,
            GtidDomainId = GtidDomainId,
            ReconnectTimeout = TimeSpan.FromSeconds(ReconnectTimeout),
            ChunkSize = ChunkSize,
            ChunkBytes = ChunkBytes,
            ThrottleLimit = ThrottleLimit,
            StateFile = StateFile is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(StateFile),
            StateDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
        };

        /// <summary>The host's plan (and the run to resume): false, with the error written, when it cannot be read or is not ready.</summary>
        bool TryPlan(Engine.Connection.ConnectionSettings settings, FlushOptions options, out HostPlan plan, out Engine.State.FlushJournal? resume, out bool stopped)
        {
            plan = null!;
            resume = null;
            stopped = false;
            try
            {
                if (Resume) resume = Engine.State.FlushJournal.Load(options.StateFile!);
                // The plan's statements are written as they are sent (and other hosts' news meanwhile), not after it.
                var reading = HostPlan.ReadAsync(settings, options, queue.Verbose, StopToken);
                reading.ContinueWith(_ => queue.Wake(), TaskScheduler.Default);
                queue.DrainUntil(this, () => reading.IsCompleted);
                plan = reading.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                stopped = true;
                return false;
            }
            catch (Exception exception) when (FlushException.Classify(exception) is not null)
            {
                queue.Drain(this);
                WriteError(ToErrorRecord(exception, settings.Target));
                return false;
            }
            queue.Drain(this);
            if (plan.Ready) return true;
            WriteError(ToErrorRecord(new FlushException(plan.RefusalKind, plan.RefusalMessage), settings.Target));
            return false;
        }

        /// <summary>The tables confirmed, asked here on the pipeline thread before this host's first rename; null when there is nothing to flush.</summary>
        List<FlushCandidate>? Approved(Engine.Connection.ConnectionSettings settings, HostPlan plan, Engine.State.FlushJournal? resume)
        {
            if (ResetBinaryLogs && !(ShouldProcess(settings.Target, "Delete every binary log (" + plan.Facts.Dialect.ResetBinaryLogs + ")")
                                     && (Force || ShouldContinue($"RESET deletes every binary log of {settings.Target}: binlog consumers lose their position. Continue?", "Reset binary logs"))))
                return null;
            bool FlushedEarlier(FlushCandidate c) => resume?.Tables.Any(t => t.Flushed && t.Schema == c.Schema && t.Table == c.Name) == true;
            var approved = plan.Candidates.Where(c => FlushedEarlier(c) || ShouldProcess($"{c.Schema}.{c.Name} on {settings.Target}", "Flush the table's rows to the binary log")).ToList();
            if (approved.Any(c => !FlushedEarlier(c))) return approved;
            if (resume is not null && plan.Candidates.All(FlushedEarlier))
                WriteWarning($"{settings.Target}: the run in {StateFile} is complete, every table was flushed: there is nothing to resume.");
            return null;
        }

        /// <summary>The host's flush on a worker; its result and errors come back through the queue.</summary>
        void StartFlush(Engine.Connection.ConnectionSettings settings, HostPlan plan, List<FlushCandidate> approved, Engine.State.FlushJournal? resume)
        {
            var flusher = new HostFlusher(plan, queue);
            var target = settings.Target;
            var verify = Verify.IsPresent;
            var task = Task.Run(async () =>
            {
                try
                {
                    var result = await flusher.FlushAsync(approved, StopToken, resume).ConfigureAwait(false);
                    var verifyError = verify && result.Status == FlushStatus.Completed ? await VerifyAsync(settings, result).ConfigureAwait(false) : null;
                    finished.Enqueue(result);
                    queue.CompleteHost(target);
                    queue.Post(c =>
                    {
                        c.WriteObject(OutputObjects.Typed(result, "BinlogFlusher.FlushResult"));
                        if (result.Status != FlushStatus.Completed)
                            c.WriteError(ToErrorRecord(new FlushException(result.ErrorKind ?? FlushErrorKind.ServerError, $"{target}: {result.Error}"), target));
                        if (verifyError is not null) c.WriteError(verifyError);
                    });
                }
                catch (Exception exception)
                {
                    // Never let an exception escape a worker: it would end the PowerShell process.
                    queue.CompleteHost(target);
                    queue.Post(c => c.WriteError(ToErrorRecord(exception, target)));
                }
            });
            // Its end wakes the pipeline thread, which waits on the queue rather than polling.
            task.ContinueWith(_ => queue.Wake(), TaskScheduler.Default);
            running.Enqueue(task);
            runningByHost[target] = task;
        }

        /// <summary>
        /// Reads the flush's binlog back and sets its Verification; the error to write when a table differs
        /// (VerificationMismatch) or the binlog cannot be read (VerificationFailed), else null. The flush's status stays.
        /// </summary>
        async Task<ErrorRecord?> VerifyAsync(Engine.Connection.ConnectionSettings settings, FlushResult result)
        {
            try
            {
                result.Verification = await new FlushVerifier(settings).VerifyAsync(result.BinlogRanges, TableExpectation.Of(result), StopToken).ConfigureAwait(false);
            }
            catch (FlushException failed)
            {
                return ToErrorRecord(failed, settings.Target);
            }
            catch (Exception other)
            {
                // A stop (Ctrl+C) or anything else during the check: the flush's own result is still written as it is.
                return ToErrorRecord(new FlushException(FlushErrorKind.VerificationFailed, $"{settings.Target}: the flush completed, but its binlog was not verified: {other.Message}", other), settings.Target);
            }
            return MismatchMessage(settings.Target, "the flush", result.Verification) is { } message ? MismatchRecord(settings.Target, message) : null;
        }

        ErrorRecord StateFileForManyHosts() =>
            new ErrorRecord(new ArgumentException("-StateFile names one file, but several hosts were given: leave -StateFile out (each host gets its own file) or flush one host at a time."),
                "StateFileForManyHosts", ErrorCategory.InvalidArgument, StateFile);

        /// <summary>Misuse of the cmdlet ends the pipeline, but only once the flushes already started have finished.</summary>
        void Misuse(ErrorRecord error)
        {
            queue.DrainUntil(this, () => running.All(t => t.IsCompleted));
            ThrowTerminatingError(error);
        }

        protected override void OnEnd()
        {
            queue.DrainUntil(this, () => running.All(t => t.IsCompleted));
        }

        protected override void StopProcessing()
        {
            base.StopProcessing();
            // Every host puts its tables back before the cmdlet returns; nothing may be written to a stopped pipeline.
            queue.DrainUntil(null, () => running.All(t => t.IsCompleted));
            // So the console (not the pipeline, $Error or $r, which a stop leaves untouched) says what happened.
            foreach (var result in finished) Host.UI.WriteWarningLine(StopReport(result));
        }

        /// <summary>One line for a host after Ctrl+C: what became of its tables, which binlog range holds what, and the state file.</summary>
        internal static string StopReport(FlushResult result)
        {
            var target = result.HostName + ":" + result.Port;
            var range = $"binlog {result.BinlogStart?.ToString() ?? "?"} .. {result.BinlogEnd?.ToString() ?? "?"}";
            if (result.Status == FlushStatus.Completed)
                return $"{target}: flushed before the stop ({result.Rows:N0} rows, {range}); state file {result.StateFile}.";
            var tables = result.LeftAside.Count == 0
                ? "every table was put back"
                : $"NOT put back: {string.Join(", ", result.LeftAside)}; run Restore-BinlogFlushState -HostName {target} -StateFile '{result.StateFile}'";
            return $"{target}: interrupted; {tables}. The {range} holds a partial snapshot; state file {result.StateFile}.";
        }
    }
}
