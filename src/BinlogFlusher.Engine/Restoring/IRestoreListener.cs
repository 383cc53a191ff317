using System.Threading.Tasks;

namespace BinlogFlusher.Engine.Restoring
{
    /// <summary>What a restore asks its front end to confirm: the cmdlet's ShouldProcess, the CLI's dry run.</summary>
    public enum RestoreConfirmation { StopRunConnections, Step, StartReplication }

    /// <summary>How a front end takes part in a restore. Called from the engine's threads: the front end marshals.</summary>
    public interface IRestoreListener
    {
        Task<bool> ConfirmAsync(RestoreConfirmation kind, string target, string action);
        void Warning(string message);
        void Verbose(string message);
        /// <summary>What the reader asked for when no table is named in it: e.g. that every table is in place.</summary>
        void Information(string message);
        /// <summary>A step's outcome: what was done (or would be, Skipped when not confirmed), and why.</summary>
        void Outcome(RestoreStep step, RestoreAction action, string message);
    }
}
