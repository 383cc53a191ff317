
namespace BinlogFlusher.Engine.Planning
{
    public enum CheckStatus { Pass, Warn, Fail }

    /// <summary>One preflight check: a stable name, its status, and a message that names the fix.</summary>
    public sealed class ReadinessCheck
    {
        public ReadinessCheck(string name, CheckStatus status, string message)
        {
            Name = name;
            Status = status;
            Message = message;
        }

        public string Name { get; }
        public CheckStatus Status { get; }
        public string Message { get; }
        public override string ToString() => $"{Name}: {Status}: {Message}";
    }
}
