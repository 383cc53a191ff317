# A flush stopped with Ctrl+C in a pwsh console (the test drives a terminal): what the console says after the stop.
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$HostName,
    [Parameter(Mandatory)][string]$User,
    [Parameter(Mandatory)][string]$StateFile
)
. (Join-Path $PSScriptRoot 'Common.ps1')
Import-Module $ModulePath -ErrorAction Stop
$cred = Get-TestCredential -User $User -Password $env:BF_PASSWORD
"flushing"
$r = $HostName | Invoke-BinlogFlush -Credential $cred -Database bf_big -ChunkSize 100 -StateFile $StateFile -Confirm:$false
"not stopped: $($r.Status)"
