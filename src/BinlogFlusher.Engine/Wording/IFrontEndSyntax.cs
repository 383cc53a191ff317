namespace BinlogFlusher.Engine
{
    /// <summary>How one front end spells options and commands: each front end has one, and the engine's messages use it.</summary>
    public interface IFrontEndSyntax
    {
        /// <summary>"-Force", "--force"; null when this front end has no such option.</summary>
        string? Option(FlushOption option);

        /// <summary>"Restore-BinlogFlushState", "binlog-flusher recover".</summary>
        string Command(FlushCommand command);

        /// <summary>A value as it is typed after an option (a path with spaces quoted as this front end's shell needs).</summary>
        string Value(string value);
    }
}
