# The error paths a user meets, in a pwsh that has loaded nothing but this script's imports: an unreachable host, a
# wrong password, and a server error in the middle of a run with a second piped host that must still be flushed.
# The test that runs this drops a table from another session while the flush waits for it.
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$HostName,
    [Parameter(Mandatory)][string]$SecondHostName,
    [Parameter(Mandatory)][string]$User,
    [string]$OtherModulePath,
    [string]$OtherConnectionString
)
$ErrorActionPreference = 'Continue'
. (Join-Path $PSScriptRoot 'Common.ps1')
Import-TestModules -ModulePath $ModulePath -OtherModulePath $OtherModulePath -OtherConnectionString $OtherConnectionString
$cred = Get-TestCredential -User $User -Password $env:BF_PASSWORD
$wrong = Get-TestCredential -User $User -Password ($env:BF_PASSWORD + '-wrong')
$unreachable = '127.0.0.1:1'

"unreachable ready: " + (Test-BinlogFlushReadiness -HostName $unreachable -Credential $cred -WarningVariable warned -WarningAction SilentlyContinue)
"unreachable warning: " + ($warned -join ' ')
Test-BinlogFlushReadiness -HostName $unreachable -Credential $cred -Detailed
Get-FlushCandidateTable -HostName $unreachable -Credential $cred
Test-BinlogFlushReadiness -HostName $HostName -Credential $wrong -Detailed
Get-FlushCandidateTable -HostName $HostName -Credential $wrong
Restore-BinlogFlushState -HostName $HostName -Credential $wrong -Discover -Confirm:$false
"after connection errors: $($Error.Count) error(s)"

"flushing"
$results = @($unreachable, $HostName, $SecondHostName | Invoke-BinlogFlush -Credential $cred -Database bf_shop -Force -Confirm:$false -WarningAction SilentlyContinue)
foreach ($r in $results) { "result: $($r.HostName):$($r.Port) $($r.Status) rows=$($r.Rows)" }
Write-ErrorReport ($Error | Sort-Object { $_.FullyQualifiedErrorId })
"end of script"
