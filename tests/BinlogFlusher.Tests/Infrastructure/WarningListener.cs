using BinlogFlusher.Engine.Flushing;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>A flush listener for engine-level tests: keeps the warnings (workers call it from their threads), drops the rest.</summary>
public sealed class WarningListener : IFlushListener
{
    readonly List<string> warnings = new();

    public IReadOnlyList<string> Warnings
    {
        get { lock (warnings) return warnings.ToList(); }
    }

    public void Verbose(string message) { }
    public void Warning(string message)
    {
        lock (warnings) warnings.Add(message);
    }
    public void HostProgress(HostProgress progress) { }
    /// <summary>Called with each table's progress, on the engine's thread (a test acts at a table's stage here).</summary>
    public Action<TableProgress>? OnTableProgress { get; init; }
    public void TableProgress(TableProgress progress) => OnTableProgress?.Invoke(progress);
}
