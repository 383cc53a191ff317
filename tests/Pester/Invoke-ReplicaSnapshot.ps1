<#
.SYNOPSIS
    Flushes a full snapshot of each replica into its binary log, one host after another.

.DESCRIPTION
    A small example runbook over the BinlogFlusher cmdlets, exercised by BinlogFlusher.Runbook.Tests.ps1 in
    this folder (Pester 5, on users' machines; the xunit suite in tests/BinlogFlusher.Tests proves the cmdlets'
    own behaviour).

    For each host, in the order given: Test-BinlogFlushReadiness must say $true, then Invoke-BinlogFlush runs
    without prompting (-Confirm:$false) and must report Status Completed. The first host that is not ready,
    or whose flush fails, stops the runbook with an error; the hosts after it are not touched.

.PARAMETER HostName
    The replicas to flush, in order: 'host' or 'host:port'.

.PARAMETER Credential
    The MySQL/MariaDB account to connect with (default: the [client] section of ~/.my.cnf).

.PARAMETER Database
    The databases to flush (wildcards allowed; default: all user databases).

.EXAMPLE
    ./Invoke-ReplicaSnapshot.ps1 -HostName replica1, replica2 -Credential (Get-Credential flusher)

.EXAMPLE
    ./Invoke-ReplicaSnapshot.ps1 -HostName replica1, replica2 -WhatIf
    Checks readiness and shows, per table, what each flush would do; changes nothing.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)]
    [string[]]$HostName,

    [pscredential]$Credential,

    [string[]]$Database
)

foreach ($h in $HostName) {
    # Only what was given is passed on: a $null -Credential would make PowerShell prompt for one.
    $connection = @{ HostName = $h }
    if ($Credential) { $connection.Credential = $Credential }
    if (-not (Test-BinlogFlushReadiness @connection)) {
        throw "Host $h is not ready for a flush"
    }
    $flush = @{ Confirm = $false; WhatIf = [bool]$WhatIfPreference; ErrorAction = 'Stop' }
    if ($Database) { $flush.Database = $Database }
    $r = Invoke-BinlogFlush @connection @flush
    if ($WhatIfPreference) { continue }
    if ($r.Status -ne 'Completed') {
        throw "Flush of $h ended $($r.Status)"
    }
    $r
}
