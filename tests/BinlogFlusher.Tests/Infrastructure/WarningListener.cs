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
    public void TableProgress(TableProgress progress) { }
}
