namespace BinlogFlusher.Cli;

/// <summary>A command line the parser accepted but that cannot run as given; the message names the fix.</summary>
sealed class UsageException(string message) : Exception(message);
