namespace BinlogFlusher.Engine
{
    /// <summary>Options and commands in words, for a caller that set no front end (the engine used as a library).</summary>
    public sealed class PlainSyntax : IFrontEndSyntax
    {
        public static readonly PlainSyntax Instance = new PlainSyntax();

        public string? Option(FlushOption option) => $"the {option} option";

        public string Command(FlushCommand command) => command switch
        {
            FlushCommand.Flush => "a flush",
            FlushCommand.Restore => "a restore",
            _ => "a readiness check",
        };

        public string Value(string value) => "'" + value.Replace("'", "''") + "'";
    }
}
