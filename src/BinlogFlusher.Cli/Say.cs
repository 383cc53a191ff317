
namespace BinlogFlusher.Cli;

/// <summary>Messages to standard error, always in the command line's words.</summary>
static class Say
{
    public static void Error(string message) => Console.Error.WriteLine("binlog-flusher: " + message);
    public static void Warning(string message) => Console.Error.WriteLine("WARNING: " + message);
}
