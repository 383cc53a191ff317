using System;
using BinlogFlusher.Engine.State;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Engine.Planning
{
    /// <summary>What a flush of one host would do: the server's facts, the tables, and the preflight verdict. Reading it changes nothing.</summary>
    public sealed class HostPlan
    {
        HostPlan(ConnectionSettings settings, FlushOptions options, ServerFacts facts, IReadOnlyList<FlushCandidate> candidates,
            IReadOnlyList<string> leftovers, IReadOnlyList<ReadinessCheck> checks)
        {
            Settings = settings;
            Options = options;
            Facts = facts;
            Candidates = candidates;
            Leftovers = leftovers;
            Checks = checks;
        }

        public ConnectionSettings Settings { get; }
        public FlushOptions Options { get; }
        public ServerFacts Facts { get; }
        public IReadOnlyList<FlushCandidate> Candidates { get; }
        public IReadOnlyList<string> Leftovers { get; }
        public IReadOnlyList<ReadinessCheck> Checks { get; }
        public bool Ready => Checks.All(c => c.Status != CheckStatus.Fail);
        public long EstimatedRows => Candidates.Sum(c => c.Table.EstimatedRows);
        public long EstimatedBytes => Candidates.Sum(c => c.Table.DataLength);

        /// <summary>The refusal message: every failed check, each with its fix.</summary>
        /// <summary>Why a flush would not start: another run holds the server, or a check failed.</summary>
        public FlushErrorKind RefusalKind => Checks.Any(c => c.Name == Preflight.AlreadyRunningCheck && c.Status == CheckStatus.Fail) ? FlushErrorKind.AlreadyRunning : FlushErrorKind.PreflightRefused;

        public string RefusalMessage => $"Refusing to flush {Settings.Target}: " + string.Join(" ", Checks.Where(c => c.Status == CheckStatus.Fail).Select(c => c.Message));

        public static async Task<HostPlan> ReadAsync(ConnectionSettings settings, FlushOptions options, Action<string>? statementRan, CancellationToken cancellationToken)
        {
            await using var session = await ServerSession.OpenAsync(settings, statementRan, cancellationToken).ConfigureAwait(false);
            return await ReadAsync(session, options, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The restore that repairs what an earlier run left: from its state file when the server's record names one.</summary>
        static string Repair(string target, string? stateFile) => stateFile is null
            ? FrontEnd.Run(FlushCommand.Restore, (FlushOption.HostName, target), (FlushOption.Discover, null))
            : FrontEnd.Run(FlushCommand.Restore, (FlushOption.HostName, target), (FlushOption.StateFile, stateFile)) + $" (or {FrontEnd.Of(FlushOption.Discover)} without it)";

        public static async Task<HostPlan> ReadAsync(ServerSession session, FlushOptions options, CancellationToken cancellationToken)
        {
            var inspector = new ServerInspector(session);
            var facts = await inspector.ReadFactsAsync(cancellationToken).ConfigureAwait(false);
            var catalog = await inspector.ReadCatalogAsync(cancellationToken).ConfigureAwait(false);
            var candidates = catalog.Tables
                .Where(t => !StateJournalSchema.IsBackupName(t.Name))
                .Where(t => t.TableType.Equals("BASE TABLE", StringComparison.OrdinalIgnoreCase) || t.TableType.Equals("SYSTEM VERSIONED", StringComparison.OrdinalIgnoreCase))
                .Where(options.Selection.Includes)
                .Select(FlushCandidate.For)
                .ToList();
            var leftovers = catalog.Tables.Where(t => StateJournalSchema.IsBackupName(t.Name)).Select(t => $"backup table {t.Schema}.{t.Name}").ToList();
            string? unfinishedStateFile = null;
            foreach (var row in await StateJournalSchema.ReadUnfinishedAsync(session, cancellationToken).ConfigureAwait(false))
            {
                unfinishedStateFile = row.Text("state_file") ?? unfinishedStateFile;
                leftovers.Add($"unfinished run {row.Text("run_id")} for {row.Text("table_schema")}.{row.Text("table_name")} (phase {row.Text("phase")}" + (row.Text("state_file") is { } file ? $", state file {file})" : ")"));
                // What stands at the table's name (a BLACKHOLE twin, an empty re-created table) is the run's, not the user's: a restore is the fix.
                foreach (var candidate in candidates.Where(c => c.Schema == row.Text("table_schema") && c.Name == row.Text("table_name")))
                    candidate.LeftByUnfinishedRun(session.Settings.Target);
            }
            var runningElsewhere = await State.RunLock.DescribeHolderAsync(session, cancellationToken).ConfigureAwait(false);
            var checks = Preflight.Evaluate(facts, candidates, leftovers, options, runningElsewhere, Repair(session.Settings.Target, unfinishedStateFile)).ToList();
            var (plain, wildcards) = options.Selection.Unmatched(catalog.Tables.Where(t => !StateJournalSchema.IsBackupName(t.Name)).ToList());
            // A cron job whose list names a table that is gone would get a partial snapshot that looks like success.
            if (plain.Count > 0)
                checks.Add(new ReadinessCheck("Selection", CheckStatus.Fail, $"{string.Join(", ", plain)} match(es) no table on this server: check the name; a snapshot without it would look complete."));
            else if (wildcards.Count > 0)
                checks.Add(new ReadinessCheck("Selection", CheckStatus.Warn, $"{string.Join(", ", wildcards)} match(es) no table on this server."));
            return new HostPlan(session.Settings, options, facts, candidates, leftovers, checks);
        }
    }
}
