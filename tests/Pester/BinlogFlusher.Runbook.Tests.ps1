<#
    A runbook over BinlogFlusher, with the cmdlets mocked: Invoke-ReplicaSnapshot.ps1 in this folder.

    These tests run on users' machines with Pester 5 and cannot run in this repository's CI (no pwsh there);
    the same behaviour is proven by the xunit suite in tests/BinlogFlusher.Tests.

    Run after a build:  ./build.ps1 -Task Test   (or: Invoke-Pester -Path tests/Pester -Output Detailed)
    The module is imported only so that the commands exist to be mocked; no test connects to a server.
    The runbook calls the cmdlets from script scope, so Mock needs no -ModuleName.
#>

BeforeAll {
    $manifest = Join-Path $PSScriptRoot '../../out/BinlogFlusher/BinlogFlusher.psd1'
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "The built module is missing ($manifest): run build.ps1 first (./build.ps1 -Task Build)."
    }
    Import-Module -Name $manifest -Force -ErrorAction Stop

    $runbook = Join-Path $PSScriptRoot 'Invoke-ReplicaSnapshot.ps1'
    # Not named $Credential: parameter filters define a $Credential of their own.
    $operatorCredential = [pscredential]::new('flusher', [securestring]::new())
}

Describe 'Invoke-ReplicaSnapshot' {
    Context 'every host is ready and every flush completes' {
        BeforeAll {
            Mock Test-BinlogFlushReadiness { $true }
            Mock Invoke-BinlogFlush {
                [pscustomobject]@{ PSTypeName = 'BinlogFlusher.FlushResult'; HostName = $HostName[0]; Status = 'Completed' }
            }
        }

        It 'checks and flushes every host, in the order given, and outputs each result' {
            $results = & $runbook -HostName 'db1', 'db2', 'db3' -Credential $operatorCredential

            @($results.HostName) | Should -Be @('db1', 'db2', 'db3')
            Should -Invoke Test-BinlogFlushReadiness -Times 3 -Exactly
            Should -Invoke Invoke-BinlogFlush -Times 3 -Exactly
            Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter { $HostName -contains 'db1' }
            Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter { $HostName -contains 'db2' }
            Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter { $HostName -contains 'db3' }
        }

        It 'passes the credential and the databases on to both cmdlets' {
            $null = & $runbook -HostName 'db1' -Credential $operatorCredential -Database 'shop', 'crm'

            Should -Invoke Test-BinlogFlushReadiness -Times 1 -Exactly -ParameterFilter { $Credential.UserName -eq 'flusher' }
            Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter {
                $Credential.UserName -eq 'flusher' -and ($Database -join ',') -eq 'shop,crm'
            }
        }

        It 'asks Invoke-BinlogFlush to stop on its first error (-ErrorAction Stop)' {
            $null = & $runbook -HostName 'db1' -Credential $operatorCredential

            Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter { $ErrorAction -eq 'Stop' }
        }
    }

    Context 'a host is not ready' {
        BeforeAll {
            Mock Test-BinlogFlushReadiness { $true }
            Mock Test-BinlogFlushReadiness { $false } -ParameterFilter { $HostName -contains 'db2' }
            Mock Invoke-BinlogFlush {
                [pscustomobject]@{ PSTypeName = 'BinlogFlusher.FlushResult'; HostName = $HostName[0]; Status = 'Completed' }
            }
        }

        It 'throws, never flushes that host, and never reaches the hosts after it' {
            { & $runbook -HostName 'db1', 'db2', 'db3' -Credential $operatorCredential } |
                Should -Throw -ExpectedMessage 'Host db2 is not ready for a flush'

            Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter { $HostName -contains 'db1' }
            Should -Invoke Invoke-BinlogFlush -Times 0 -Exactly -ParameterFilter { $HostName -contains 'db2' }
            Should -Invoke Test-BinlogFlushReadiness -Times 0 -Exactly -ParameterFilter { $HostName -contains 'db3' }
            Should -Invoke Invoke-BinlogFlush -Times 0 -Exactly -ParameterFilter { $HostName -contains 'db3' }
        }

        It 'flushes nothing when the first host is not ready' {
            { & $runbook -HostName 'db2', 'db1' -Credential $operatorCredential } |
                Should -Throw -ExpectedMessage 'Host db2 is not ready for a flush'

            Should -Invoke Invoke-BinlogFlush -Times 0 -Exactly
            Should -Invoke Test-BinlogFlushReadiness -Times 0 -Exactly -ParameterFilter { $HostName -contains 'db1' }
        }
    }

    Context 'a flush does not complete' {
        BeforeAll {
            Mock Test-BinlogFlushReadiness { $true }
            Mock Invoke-BinlogFlush {
                [pscustomobject]@{ PSTypeName = 'BinlogFlusher.FlushResult'; HostName = $HostName[0]; Status = 'Completed' }
            }
            Mock Invoke-BinlogFlush {
                [pscustomobject]@{ PSTypeName = 'BinlogFlusher.FlushResult'; HostName = $HostName[0]; Status = 'Failed' }
            } -ParameterFilter { $HostName -contains 'db2' }
        }

        It 'throws with the status and does not flush the next host' {
            { & $runbook -HostName 'db1', 'db2', 'db3' -Credential $operatorCredential } |
                Should -Throw -ExpectedMessage 'Flush of db2 ended Failed'

            Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter { $HostName -contains 'db1' }
            Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter { $HostName -contains 'db2' }
            Should -Invoke Test-BinlogFlushReadiness -Times 0 -Exactly -ParameterFilter { $HostName -contains 'db3' }
            Should -Invoke Invoke-BinlogFlush -Times 0 -Exactly -ParameterFilter { $HostName -contains 'db3' }
        }
    }
}

# The cmdlets' own -WhatIf text goes to the host and cannot be captured; the xunit suite proves it changes nothing
# (and runs this runbook against a real replica). What a runbook must get right: never wait for a prompt, pass -WhatIf on.
Describe 'WhatIf' {
    BeforeAll {
        Mock Test-BinlogFlushReadiness { $true }
        Mock Invoke-BinlogFlush {
            [pscustomobject]@{ PSTypeName = 'BinlogFlusher.FlushResult'; HostName = $HostName[0]; Status = 'Completed' }
        }
    }

    It 'the runbook answers the confirmation itself: it calls Invoke-BinlogFlush with -Confirm:$false' {
        $null = & $runbook -HostName 'db1' -Credential $operatorCredential

        Should -Invoke Invoke-BinlogFlush -Times 1 -Exactly -ParameterFilter { $Confirm -eq $false -and -not $WhatIf }
    }

    It 'run with -WhatIf, it passes -WhatIf on to every flush and outputs nothing' {
        $output = & $runbook -HostName 'db1', 'db2' -Credential $operatorCredential -WhatIf

        $output | Should -BeNullOrEmpty
        Should -Invoke Test-BinlogFlushReadiness -Times 2 -Exactly
        Should -Invoke Invoke-BinlogFlush -Times 2 -Exactly -ParameterFilter { $WhatIf -eq $true }
    }
}
