namespace BinlogFlusher.Engine
{
    /// <summary>The commands the engine's messages send the reader to.</summary>
    public enum FlushCommand
    {
        Flush,
        Restore,
        Readiness,
    }
}
