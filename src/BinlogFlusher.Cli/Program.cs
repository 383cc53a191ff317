using BinlogFlusher.Cli;

// binlog-flusher: the flush engine from a plain command line (hosts without PowerShell, cron jobs, the demo).
try
{
    return await CliCommands.RunAsync(args);
}
catch (UsageException exception)
{
    Console.Error.WriteLine("binlog-flusher: " + exception.Message);
    Console.Error.WriteLine("Run 'binlog-flusher --help' for the commands.");
    return ExitCodes.BadUsage;
}
