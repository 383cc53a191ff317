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
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('MySQL', 'MariaDB', 'binlog', 'CDC', 'Debezium', 'Maxwell', 'replication')
        }
    }
}
