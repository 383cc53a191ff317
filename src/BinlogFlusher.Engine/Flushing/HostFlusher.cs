using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>
    /// The flush of one host: prepares the run's journal (new, or the one a resumed run continues), takes the server's
    /// run lock, writes the state file, and hands the run to FlushRun, whose phases stop replication, flush the tables
    /// (at most ThrottleLimit at once, small ones in batches) and put everything back however the run ends.
    /// </summary>
    public sealed class HostFlusher
    {
        readonly HostPlan plan;
        readonly IFlushListener listener;

        public HostFlusher(HostPlan plan, IFlushListener listener)
        {
            this.plan = plan;
            this.listener = listener;
        }

        /// <summary>Test hook: called at named points ("JournalWritten", "Renamed", "Created", "Twin", "BatchCounted", "Boundary", "Probe", "ChunkN", "Copied", "TwinDropped").</summary>
        public Func<string, Task>? PhaseReached { get; set; }

        /// <summary>How many times the last FlushAsync wrote the state file (a figure for the benchmark).</summary>
        public int JournalWrites { get; private set; }

        public static string DefaultStateFile(string host, int port, DateTimeOffset startedAt, string? directory = null) =>
            Path.Combine(directory ?? Directory.GetCurrentDirectory(),
                $"binlogflush-{SafeFileName(host)}-{port.ToString(CultureInfo.InvariantCulture)}-{startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.json");

        static string SafeFileName(string text) => new string(text.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '-' ? c : '_').ToArray());

        /// <summary>
        /// Flushes the approved tables; the others are reported as Skipped. Refuses (nothing changed) when the plan is not
        /// ready. With <paramref name="resume"/>, continues the run that journal describes: flushed tables are not flushed
        /// again, the table in progress continues after its last committed chunk key.
        /// </summary>
        public async Task<FlushResult> FlushAsync(IReadOnlyCollection<FlushCandidate> approved, CancellationToken cancellationToken, FlushJournal? resume = null)
        {
            if (!plan.Ready) throw new FlushException(plan.RefusalKind, plan.RefusalMessage);
            var result = NewResult();
            var journal = resume is null ? NewJournal(approved) : await ResumeJournalAsync(resume, approved, cancellationToken).ConfigureAwait(false);
            var file = new JournalFile(plan.Options.StateFile ?? DefaultStateFile(plan.Settings.Host, plan.Settings.Port, journal.StartedAt, plan.Options.StateDirectory), journal);
            result.StateFile = file.Path;
            var work = journal.Tables.Where(t => t.Phase == TablePhase.Pending).ToList();
            if (work.Count == 0 && resume is null) return NothingToFlush(result, journal);
            CheckStateFileFolder(file);

            // Held, idle, for the whole run: a second flush or a restore of this server is refused until the run ends.
            await using var runLock = await ServerSession.OpenAsync(plan.Settings, listener.Verbose, cancellationToken).ConfigureAwait(false);
            await RunLock.AcquireAsync(runLock, cancellationToken).ConfigureAwait(false);
            try
            {
                journal.ServerStartedAt = await new ServerInspector(runLock).ReadServerStartedAtAsync(cancellationToken).ConfigureAwait(false);
                var context = new FlushContext(plan, file, listener, PhaseReached);
                await WriteStateFileAsync(context).ConfigureAwait(false);

                await using var run = new FlushRun(plan, listener, context, result, work);
                var flushed = await run.RunAsync(cancellationToken).ConfigureAwait(false);
                JournalWrites = file.Writes;
                return flushed;
            }
            finally
            {
                await RunLock.ReleaseAsync(runLock).ConfigureAwait(false);
            }
        }

        FlushResult NewResult()
        {
            var result = new FlushResult
            {
                HostName = plan.Settings.Host,
                Port = plan.Settings.Port,
                ServerVersion = plan.Facts.Dialect.VersionText,
                ReplicationBefore = plan.Facts.ReplicationState,
                Warnings = plan.Checks.Where(c => c.Status == CheckStatus.Warn).Select(c => c.Message).ToList(),
            };
            foreach (var warning in result.Warnings) listener.Warning($"{plan.Settings.Target}: {warning}");
            return result;
        }

        /// <summary>A new run's journal: every candidate, the approved ones Pending, each with its backup name.</summary>
        FlushJournal NewJournal(IReadOnlyCollection<FlushCandidate> approved)
        {
            var runId = ToHex(RandomBytes(4));
            var journal = new FlushJournal
            {
                RunId = runId,
                Host = plan.Settings.Host,
                Port = plan.Settings.Port,
                ServerId = plan.Facts.ServerId,
                ServerUuid = plan.Facts.Variable("server_uuid"),
                StartedAt = DateTimeOffset.UtcNow,
                GtidDomainId = plan.Facts.Dialect.IsMariaDb ? plan.Options.EffectiveGtidDomainId : (int?)null,
                ReplicationBefore = plan.Facts.ReplicationState,
            };
            var ordinal = 0;
            foreach (var candidate in plan.Candidates)
            {
                journal.Tables.Add(new JournalTable
                {
                    Schema = candidate.Schema,
                    Table = candidate.Name,
                    BackupTable = $"{StateJournalSchema.BackupPrefix}{runId}_{(++ordinal).ToString(CultureInfo.InvariantCulture)}",
                    Phase = approved.Contains(candidate) ? TablePhase.Pending : TablePhase.Skipped,
                    Fingerprint = candidate.Table.Fingerprint,
                });
            }
            return journal;
        }

        /// <summary>The journal of the run to continue, checked against the server; its unfinished approved tables Pending again.</summary>
        async Task<FlushJournal> ResumeJournalAsync(FlushJournal journal, IReadOnlyCollection<FlushCandidate> approved, CancellationToken cancellationToken)
        {
            await CheckResumableAsync(journal, cancellationToken).ConfigureAwait(false);
            journal.Status = "Running";
            foreach (var entry in journal.Tables.Where(t => !t.Flushed && t.Phase != TablePhase.Skipped))
            {
                var candidate = plan.Candidates.First(c => c.Schema == entry.Schema && c.Name == entry.Table);
                if (!approved.Contains(candidate)) { entry.Phase = TablePhase.Skipped; continue; }
                if (TableFlusher.InterruptedRange(candidate, entry) is { } range) entry.AddMayRepeat(range);
                entry.Phase = TablePhase.Pending;
            }
            return journal;
        }

        static FlushResult NothingToFlush(FlushResult result, FlushJournal journal)
        {
            result.Status = FlushStatus.Completed;
            result.ReplicationAfter = result.ReplicationBefore;
            result.Tables = journal.Tables.Select(t => TableFlushResult.Of(t, TableFlushStatus.Skipped)).ToList();
            return result;
        }

        static void CheckStateFileFolder(JournalFile file)
        {
            if (Path.GetDirectoryName(Path.GetFullPath(file.Path)) is { } folder && !Directory.Exists(folder))
                throw new FlushException(FlushErrorKind.InvalidInput, $"The state file's folder '{folder}' does not exist: create it, or give a state file in an existing folder. Nothing was changed.");
        }

        /// <summary>Written before the first change: what a restore after a crash reads.</summary>
        async Task WriteStateFileAsync(FlushContext context)
        {
            try
            {
                context.Journal.Write();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new FlushException(FlushErrorKind.StateFileInvalid, $"Cannot write the state file '{context.Journal.Path}' ({exception.Message}): give a state file where this account can write and the disk has room. Nothing was changed.", exception);
            }
            await context.ReachedAsync("JournalWritten").ConfigureAwait(false);
            listener.Verbose($"{plan.Settings.Target}: state file {context.Journal.Path}");
        }

        /// <summary>
        /// A snapshot is consistent only if nothing moved between the runs: same host, same tables with the same
        /// definitions, and replication applied no further. Refuses before anything changes, unless -Force.
        /// </summary>
        async Task CheckResumableAsync(FlushJournal journal, CancellationToken cancellationToken)
        {
            var target = plan.Settings.Target;
            if (journal.Port != plan.Settings.Port || (journal.ServerId != 0 && journal.ServerId != plan.Facts.ServerId))
                throw new FlushException(FlushErrorKind.StateFileMismatch,
                    $"The state file belongs to {journal.Host}:{journal.Port} (server_id {journal.ServerId}), not to {target} (server_id {plan.Facts.ServerId}). Nothing was changed.");
            // Tables still out of place on the server are the preflight's LeftoverState refusal: the plan is ready, so the host is whole.
            var problems = new List<string>();
            var planned = plan.Candidates.ToDictionary(c => (c.Schema, c.Name));
            var journaled = journal.Tables.ToDictionary(t => (t.Schema, t.Table));
            foreach (var missing in journaled.Keys.Where(k => !planned.ContainsKey(k))) problems.Add($"{missing.Schema}.{missing.Table} is no longer selected or no longer exists");
            foreach (var added in planned.Keys.Where(k => !journaled.ContainsKey(k))) problems.Add($"{added.Item1}.{added.Item2} was not part of the run");
            foreach (var pair in journaled.Where(p => planned.ContainsKey(p.Key) && p.Value.Fingerprint is not null && p.Value.Fingerprint != planned[p.Key].Table.Fingerprint))
                problems.Add($"{pair.Key.Schema}.{pair.Key.Table} changed its definition");
            await using var session = await ServerSession.OpenAsync(plan.Settings, listener.Verbose, cancellationToken).ConfigureAwait(false);
            var inspector = new ServerInspector(session);
            if (journal.ReplicationPosition is { } recorded && plan.Facts.IsReplica)
            {
                var now = await inspector.ReadReplicationPositionAsync(plan.Facts.Dialect, cancellationToken).ConfigureAwait(false);
                if (now != recorded) problems.Add($"replication applied further since the run began (then: {recorded}; now: {now})");
            }
            // A run killed between logging a CREATE TABLE and journaling it: the binlog says whether it is there.
            foreach (var entry in journal.Tables.Where(t => t.CreateAttempted && !t.CreateLogged && !t.Flushed))
            {
                var lastRange = journal.BinlogRanges.LastOrDefault();
                if (lastRange?.Start is { } from)
                    entry.CreateLogged = await inspector.BinlogHasCreateTableAsync(entry.Schema, entry.Table, from, lastRange.End, cancellationToken).ConfigureAwait(false);
            }
            if (problems.Count == 0) return;
            var message = $"Cannot resume the flush of {target}: " + string.Join("; ", problems) + ". The rows already written would not make one consistent snapshot with the rest.";
            if (!plan.Options.Force)
                throw new FlushException(FlushErrorKind.ResumeRefused, message + $" Nothing was changed. Start a new flush, or use {FrontEnd.Of(FlushOption.Force)} to resume anyway.");
            listener.Warning(message + $" Resuming anyway ({FrontEnd.Of(FlushOption.Force)}).");
            foreach (var added in planned.Keys.Where(k => !journaled.ContainsKey(k)))
                journal.Tables.Add(new JournalTable { Schema = added.Item1, Table = added.Item2, BackupTable = $"{StateJournalSchema.BackupPrefix}{journal.RunId}_{(journal.Tables.Count + 1).ToString(CultureInfo.InvariantCulture)}", Fingerprint = planned[added].Table.Fingerprint });
            journal.Tables.RemoveAll(t => !planned.ContainsKey((t.Schema, t.Table)));
        }

        static byte[] RandomBytes(int count)
        {
            var bytes = new byte[count];
            using (var random = RandomNumberGenerator.Create()) random.GetBytes(bytes);
            return bytes;
        }

        static string ToHex(byte[] bytes) => BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();

    }
}
