@{
    RootModule           = 'BinlogFlusher.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '7f3c2a51-6a0e-4d7b-9a3e-2f5b8c1d4e60'
    Author               = 'BinlogFlusher contributors'
    CompanyName          = 'BinlogFlusher'
    Copyright            = '(c) BinlogFlusher contributors'
    Description          = 'Writes a full, consistent snapshot of a MySQL or MariaDB replica''s tables into that replica''s binary log (blackhole copy), for change-data-capture consumers, with crash-safe restore.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('BinlogFlusher.Format.ps1xml')
    CmdletsToExport      = @(
        'Invoke-BinlogFlush'
        'Restore-BinlogFlushState'
        'Get-FlushCandidateTable'
        'Test-BinlogFlushReadiness'
        'Test-BinlogFlushResult'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('MySQL', 'MariaDB', 'binlog', 'CDC', 'Debezium', 'Maxwell', 'replication', 'PSEdition_Desktop', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/binlogflusher/BinlogFlusher'
            LicenseUri   = 'https://github.com/binlogflusher/BinlogFlusher/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0, the first release.
- Invoke-BinlogFlush writes a full, consistent snapshot of a MySQL or MariaDB replica's tables into that replica's own
  binary log (blackhole copy), in chunks, several tables and hosts at a time, for change-data-capture consumers.
  It refuses a host that looks like a primary, stops replication and turns read_only ON for the run, and journals
  every step.
- Restore-BinlogFlushState puts every table back after a killed run, from the state file or from the server's own
  record (-Discover); Invoke-BinlogFlush -Resume then continues the run.
- Test-BinlogFlushReadiness and Get-FlushCandidateTable check a host and list its tables before a flush.
- Invoke-BinlogFlush -Verify reads the run's binlog back and checks each table in it; Test-BinlogFlushResult does the
  same later, from the run's state file.
- Windows PowerShell 5.1 and PowerShell 7; MySqlConnector loads in isolation from other modules.
See Get-Help about_BinlogFlusher.
'@
        }
    }
}
