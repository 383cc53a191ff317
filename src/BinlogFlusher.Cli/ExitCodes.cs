namespace BinlogFlusher.Cli;

/// <summary>What a cron job or runbook can branch on.</summary>
static class ExitCodes
{
    /// <summary>Done: flushed, restored, planned ready, or nothing to do.</summary>
    public const int Done = 0;
    /// <summary>Failed; a flush has put every table back (the report says whether one could not be).</summary>
    public const int FailedAndRestored = 1;
    /// <summary>Bad usage: unknown flag, missing --host, a file that does not exist. Nothing was changed.</summary>
    public const int BadUsage = 2;
    /// <summary>Refused by preflight, a reset of the binary logs not confirmed, or a state file recover cannot use. Nothing was changed.</summary>
    public const int Refused = 3;
    /// <summary>The host or port did not answer, or the server refused the login: nothing was done.</summary>
    public const int CannotConnect = 4;
    /// <summary>flush --verify, verify: the binlog differs from what the run copied.</summary>
    public const int VerifyMismatch = 5;
    /// <summary>flush --verify, verify: the binlog could not be read back (purged files, no REPLICATION SLAVE, the check stopped); nothing is known of it.</summary>
    public const int VerifyFailed = 6;

    public const string HelpText = """
        Exit codes:
          0  done
          1  failed (a flush puts every table back first; the report says if one could not be)
          2  bad usage: unknown flag, missing --host, a file that does not exist; nothing changed
          3  refused, nothing changed: by preflight; --reset-binary-logs not confirmed; recover given a file
             of another host, or not a state or rollback file
          4  cannot connect or log in: the host or port does not answer, or the server refused the option
             file's user and password; nothing changed
          5  flush --verify, verify: the flush completed, but its binlog differs from what it copied (each table
             that differs is on stderr)
          6  flush --verify, verify: the flush completed, but its binlog could not be read back (purged files,
             no REPLICATION SLAVE, the check stopped)
        """;
}
