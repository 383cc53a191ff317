# Every cmdlet once against a real replica, in a pwsh that has loaded nothing but this script's imports.
# The password comes from $env:BF_PASSWORD (never a command-line argument).
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$HostName,
    [Parameter(Mandatory)][string]$User,
    [string]$OtherModulePath,
    [string]$OtherConnectionString
)
$ErrorActionPreference = 'Continue'
. (Join-Path $PSScriptRoot 'Common.ps1')
Import-TestModules -ModulePath $ModulePath -OtherModulePath $OtherModulePath -OtherConnectionString $OtherConnectionString
$cred = Get-TestCredential -User $User -Password $env:BF_PASSWORD

"ready: " + (Test-BinlogFlushReadiness -HostName $HostName -Credential $cred)
$report = Test-BinlogFlushReadiness -HostName $HostName -Credential $cred -Detailed
"detailed: $($report.Ready) $($report.Flavor) tables=$($report.Tables)"
$candidates = @(Get-FlushCandidateTable -HostName $HostName -Credential $cred -Database bf_shop)
"candidates: " + (($candidates | ForEach-Object { "$($_.Schema).$($_.Table)" }) -join ',')
$HostName | Invoke-BinlogFlush -Credential $cred -Database bf_shop -WhatIf
$r = $HostName | Invoke-BinlogFlush -Credential $cred -Database bf_shop -Confirm:$false
"flush: $($r.Status) rows=$($r.Rows) tables=$(@($r.Tables).Count) start=$($r.BinlogStart.File):$($r.BinlogStart.Position) end=$($r.BinlogEnd.File):$($r.BinlogEnd.Position)"
$outcome = @(Restore-BinlogFlushState -HostName $HostName -Credential $cred -Discover -Confirm:$false)
"discover: $($outcome.Count) outcome(s); " + (($outcome | ForEach-Object { "$_" }) -join '; ')
Write-LoadedMySqlConnector
Write-ErrorReport $Error
"end of script"
