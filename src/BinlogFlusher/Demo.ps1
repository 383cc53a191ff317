<#
.SYNOPSIS
    The module's tour against a throwaway replica: readiness, the candidate tables, a flush with its result, and the
    row events it wrote to the replica's binary log.

.DESCRIPTION
    Run by './build.ps1 Demo', which builds the module and runs this script in a fresh pwsh under
    'binlog-flusher sandbox': that starts a local primary and replica with the sample schema demo_shop and sets
    BINLOGFLUSHER_SANDBOX_HOST and BINLOGFLUSHER_SANDBOX_MYCNF. Against a replica of your own, give -HostName and
    -MyCnf (a [client] option file): the flush renames and puts back every table of -Database.

.PARAMETER HostName
    The replica, host:port. Default: $env:BINLOGFLUSHER_SANDBOX_HOST.

.PARAMETER MyCnf
    An option file whose [client] section logs in to the replica. Default: $env:BINLOGFLUSHER_SANDBOX_MYCNF.

.PARAMETER Database
    The schema to flush. Default: demo_shop.

.PARAMETER ModulePath
    The module manifest to import. Default: the build's out/BinlogFlusher/BinlogFlusher.psd1.
#>
#Requires -Version 5.1
[CmdletBinding()]
param(
    [string]$HostName = $env:BINLOGFLUSHER_SANDBOX_HOST,
    [string]$MyCnf = $env:BINLOGFLUSHER_SANDBOX_MYCNF,
    [string]$Database = 'demo_shop',
    [string]$ModulePath = (Join-Path $PSScriptRoot '../../out/BinlogFlusher/BinlogFlusher.psd1')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ModulePath = [System.IO.Path]::GetFullPath($ModulePath)
if (-not $HostName -or -not $MyCnf) {
    throw 'No replica given: run ./build.ps1 Demo (it starts a throwaway one), or pass -HostName host:port -MyCnf <option file>.'
}

function Show {
    # Prints the command as typed at a prompt, then runs it and prints what PowerShell would.
    param([Parameter(Mandatory)][string]$Text, [Parameter(Mandatory)][scriptblock]$Command)
    Write-Host "PS> $Text"
    & $Command | Out-Host
}

Show "Import-Module $ModulePath" { Import-Module $ModulePath }
Show "Test-BinlogFlushReadiness -HostName $HostName -MyCnf `$cnf -Detailed" {
    Test-BinlogFlushReadiness -HostName $HostName -MyCnf $MyCnf -Detailed
}
Show "Get-FlushCandidateTable -HostName $HostName -MyCnf `$cnf -Database $Database" {
    Get-FlushCandidateTable -HostName $HostName -MyCnf $MyCnf -Database $Database
}
Show "'$HostName' | Invoke-BinlogFlush -MyCnf `$cnf -Database $Database -WhatIf" {
    $HostName | Invoke-BinlogFlush -MyCnf $MyCnf -Database $Database -WhatIf
}
Write-Host "PS> `$r = '$HostName' | Invoke-BinlogFlush -MyCnf `$cnf -Database $Database -StartReplica -Confirm:`$false"
$r = $HostName | Invoke-BinlogFlush -MyCnf $MyCnf -Database $Database -StartReplica -Confirm:$false
Show '$r' { $r }
Show '$r.Tables' { $r.Tables }
if (-not $r -or $r.Status -ne 'Completed') { throw "The flush did not complete: $(if ($r) { $r.Error })" }

# What a CDC consumer will read: the row events in the flush's binlog range, decoded by the server's own client.
$client = Get-Command -Name mariadb-binlog, mysqlbinlog -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $client) {
    Write-Host 'mariadb-binlog / mysqlbinlog is not installed (mariadb-client): the look at the binlog range is left out.'
    return
}
$server, $port = $HostName.Split(':')
Write-Host "PS> $($client.Name) --defaults-extra-file=`$cnf --read-from-remote-server --start-position=$($r.BinlogStart.Position) --stop-position=$($r.BinlogEnd.Position) --base64-output=decode-rows -v $($r.BinlogStart.File) |"
Write-Host "      Select-String '^### INSERT INTO (.+)' | Group-Object { `$_.Matches[0].Groups[1].Value } | Format-Table Count, Name"
if ($r.BinlogStart.File -ne $r.BinlogEnd.File) { Write-Host "(the range spans several binlog files: only $($r.BinlogStart.File) is decoded here)" }
$stop = if ($r.BinlogStart.File -eq $r.BinlogEnd.File) { "--stop-position=$($r.BinlogEnd.Position)" } else { '--to-last-log' }
$decoded = & $client.Source "--defaults-extra-file=$MyCnf" --read-from-remote-server --host=$server --port=$port `
    "--start-position=$($r.BinlogStart.Position)" $stop --base64-output=decode-rows -v $r.BinlogStart.File
if ($LASTEXITCODE -ne 0) { throw "$($client.Name) failed with exit code $LASTEXITCODE." }
$decoded | Select-String '^### INSERT INTO (.+)' | Group-Object { $_.Matches[0].Groups[1].Value } | Format-Table Count, Name | Out-Host
# Each table's logged CREATE TABLE comes before its first row, so a consumer can create it before applying rows.
$lines = @($decoded)
$tables = @($r.Tables | ForEach-Object { $_.Table })
$ordered = @(foreach ($table in $tables) {
        $create = -1; $firstRow = -1
        for ($i = 0; $i -lt $lines.Count; $i++) {
            # StartsWith, not -like: a backtick is -like's escape character.
            if ($create -lt 0 -and $lines[$i].StartsWith("CREATE TABLE ``$table`` (")) { $create = $i }
            if ($firstRow -lt 0 -and $lines[$i].StartsWith("### INSERT INTO ``$Database``.``$table``")) { $firstRow = $i }
        }
        if ($create -ge 0 -and ($firstRow -lt 0 -or $create -lt $firstRow)) { $table }
    })
Write-Host "$(@($lines | Select-String '^CREATE TABLE').Count) CREATE TABLE statements in the range; $($ordered.Count) of $($tables.Count) tables logged before their first row."
