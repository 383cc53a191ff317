namespace BinlogFlusher.Engine.Restoring
{
    /// <summary>What a restore did with the read_only a flush had turned ON: put back, or kept while tables are aside.</summary>
    public sealed class ReadOnlyOutcome
    {
        public ReadOnlyOutcome(bool putBack, string message)
        {
            PutBack = putBack;
            Message = message;
        }

        public bool PutBack { get; }
        public string Message { get; }
    }
}
