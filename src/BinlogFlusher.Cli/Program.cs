using BinlogFlusher.Cli;

// binlog-flusher: the flush engine from a plain command line (hosts without PowerShell, cron jobs, the demo).
return await CommandLine.RunAsync(args);
