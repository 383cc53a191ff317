using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace BinlogFlusher.Engine.Restoring
{
    public sealed partial class HostRestore
    {
        /// <summary>
        /// The whole restore of one host, for the cmdlet and the CLI alike: plan, stop what the dead run still runs on the
        /// server and plan again, stop replication before the first change, each step (never cancelled half way; a
        /// cancellation is taken between steps), the server's record and state file, read_only, and replication.
        /// </summary>
        public async Task<RestoreRunResult> RunAsync(RestoreRequest request, RestoreOptions options, IRestoreListener listener, CancellationToken cancellationToken)
        {
            var plan = await PlanAsync(request, cancellationToken).ConfigureAwait(false);
            // A killed flush's statements can still be running on the server: stop them first, then look again.
            if (plan.RunConnections.Count > 0 && await listener.ConfirmAsync(RestoreConfirmation.StopRunConnections, Target,
                    $"Stop {plan.RunConnections.Count} connection(s) the interrupted flush left running (KILL CONNECTION {string.Join(", ", plan.RunConnections)})").ConfigureAwait(false))
            {
                await StopRunConnectionsAsync(plan, cancellationToken).ConfigureAwait(false);
                plan = await PlanAsync(request, cancellationToken).ConfigureAwait(false);
            }
            foreach (var warning in plan.Warnings) listener.Warning($"{Target}: {warning}");
            foreach (var orphan in plan.Orphans)
                listener.Warning($"{Target}: {orphan} looks like a flush backup, but no record says which table it belongs to. It was not touched; rename it back by hand.");
            if (!plan.NeedsChange && plan.Orphans.Count == 0 && !plan.Steps.Any(s => s.Verdict == RestoreAction.Conflict))
                listener.Information($"{Target}: nothing to restore; every table is in place.");

            var result = new RestoreRunResult { Plan = plan };
            var done = await ApplyStepsAsync(plan, options, listener, result, cancellationToken).ConfigureAwait(false);
            result.Done = done.Count;
            result.Conflicts = plan.Steps.Where(s => s.Verdict == RestoreAction.Conflict).ToList();
            if (!options.DryRun) result.ReadOnly = await FinishAsync(plan, done, request.StateFile).ConfigureAwait(false);
            if (options.StartReplica && !result.Interrupted && await listener.ConfirmAsync(RestoreConfirmation.StartReplication, Target, "Start the replication SQL thread").ConfigureAwait(false))
                await StartReplicationAsync().ConfigureAwait(false);
            return result;
        }

        async Task<List<RestoreStep>> ApplyStepsAsync(RestorePlan plan, RestoreOptions options, IRestoreListener listener, RestoreRunResult result, CancellationToken cancellationToken)
        {
            var done = new List<RestoreStep>();
            var replicationStopped = false;
            foreach (var step in plan.Steps)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    result.Interrupted = true;
                    break;
                }
                var action = step.Verdict;
                if (step.NeedsChange)
                {
                    if (!await listener.ConfirmAsync(RestoreConfirmation.Step, $"{step.Entry.Schema}.{step.Entry.Table} on {Target}", step.Description).ConfigureAwait(false))
                    {
                        listener.Outcome(step, RestoreAction.Skipped, "Not confirmed; left as it is.");
                        continue;
                    }
                    if (!replicationStopped && options.StopReplica) await StopReplicationAsync().ConfigureAwait(false);
                    replicationStopped = true;
                    await ApplyAsync(step).ConfigureAwait(false);
                    // Decided again when a killed flush's last statement landed after the plan (see ApplyAsync).
                    action = step.Verdict;
                    if (action != RestoreAction.Conflict) done.Add(step);
                }
                else if (step.Verdict == RestoreAction.AlreadyInPlace)
                {
                    done.Add(step);
                }
                listener.Outcome(step, action, step.Message);
            }
            return done;
        }
    }
}
