<#
    BinlogFlusher module surface: exports, ShouldProcess, pipeline binding, parameter types.

    These tests run on users' machines with Pester 5 and cannot run in this repository's CI (no pwsh there);
    the same behaviour is proven by the xunit suite in tests/BinlogFlusher.Tests.

    Run after a build:  ./build.ps1 -Task Test   (or: Invoke-Pester -Path tests/Pester -Output Detailed)
    They import the built module from out/BinlogFlusher and never connect to a server.
#>

BeforeAll {
    $manifest = Join-Path $PSScriptRoot '../../out/BinlogFlusher/BinlogFlusher.psd1'
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "The built module is missing ($manifest): run build.ps1 first (./build.ps1 -Task Build)."
    }
    $module = Import-Module -Name $manifest -Force -PassThru -ErrorAction Stop
}

Describe 'BinlogFlusher module' {
    It 'exports exactly Invoke-BinlogFlush, Restore-BinlogFlushState, Get-FlushCandidateTable and Test-BinlogFlushReadiness' {
        $expected = 'Invoke-BinlogFlush', 'Restore-BinlogFlushState', 'Get-FlushCandidateTable', 'Test-BinlogFlushReadiness'
        @($module.ExportedCommands.Keys | Sort-Object) | Should -Be @($expected | Sort-Object)
    }

    It 'exports them as cmdlets, with no functions, aliases or variables' {
        $module.ExportedCmdlets.Count | Should -Be 4
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
        $module.ExportedVariables.Count | Should -Be 0
    }

    # PowerShell refuses to bind a cmdlet whose parameter alias repeats a common parameter's (-Debug is also
    # -db), and then (Get-Command X).Parameters is silently $null: every test below would fail obscurely.
    It '<Command> has parameters PowerShell can load (no alias clashes with a common parameter, e.g. -Debug''s "db")' -TestCases @(
        @{ Command = 'Invoke-BinlogFlush' }
        @{ Command = 'Restore-BinlogFlushState' }
        @{ Command = 'Get-FlushCandidateTable' }
        @{ Command = 'Test-BinlogFlushReadiness' }
    ) {
        (Get-Command -Name $Command -Module BinlogFlusher).Parameters |
            Should -Not -BeNullOrEmpty -Because 'a null parameter table means PowerShell could not build the metadata, and every call would throw a MetadataException'
    }
}

Describe 'ShouldProcess' {
    It '<Command> supports -WhatIf and -Confirm' -TestCases @(
        @{ Command = 'Invoke-BinlogFlush' }
        @{ Command = 'Restore-BinlogFlushState' }
    ) {
        $parameters = (Get-Command -Name $Command -Module BinlogFlusher).Parameters
        $parameters.ContainsKey('WhatIf') | Should -BeTrue
        $parameters.ContainsKey('Confirm') | Should -BeTrue
    }

    It '<Command> only reads, so it has no -WhatIf' -TestCases @(
        @{ Command = 'Get-FlushCandidateTable' }
        @{ Command = 'Test-BinlogFlushReadiness' }
    ) {
        $parameters = (Get-Command -Name $Command -Module BinlogFlusher).Parameters
        $parameters.ContainsKey('WhatIf') | Should -BeFalse
    }
}

Describe '-HostName' {
    It '<Command> takes -HostName as string[] from the pipeline, by value and by property name' -TestCases @(
        @{ Command = 'Invoke-BinlogFlush' }
        @{ Command = 'Restore-BinlogFlushState' }
        @{ Command = 'Get-FlushCandidateTable' }
        @{ Command = 'Test-BinlogFlushReadiness' }
    ) {
        $parameter = (Get-Command -Name $Command -Module BinlogFlusher).Parameters['HostName']
        $parameter | Should -Not -BeNullOrEmpty
        $parameter.ParameterType | Should -Be ([string[]])
        $parameter.ParameterSets.Values.Count | Should -BeGreaterThan 0
        foreach ($set in $parameter.ParameterSets.Values) {
            $set.ValueFromPipeline | Should -BeTrue -Because 'host names come down the pipeline as strings'
            $set.ValueFromPipelineByPropertyName | Should -BeTrue -Because 'objects with a HostName property bind by name'
        }
    }

    It '<Command> accepts -ComputerName, -Server and -SqlInstance for -HostName' -TestCases @(
        @{ Command = 'Invoke-BinlogFlush' }
        @{ Command = 'Restore-BinlogFlushState' }
        @{ Command = 'Get-FlushCandidateTable' }
        @{ Command = 'Test-BinlogFlushReadiness' }
    ) {
        $aliases = (Get-Command -Name $Command -Module BinlogFlusher).Parameters['HostName'].Aliases
        foreach ($alias in 'ComputerName', 'Server', 'SqlInstance') {
            $aliases | Should -Contain $alias
        }
    }
}

Describe '-Credential' {
    It '<Command> takes -Credential as a PSCredential with [Credential()]' -TestCases @(
        @{ Command = 'Invoke-BinlogFlush' }
        @{ Command = 'Restore-BinlogFlushState' }
        @{ Command = 'Get-FlushCandidateTable' }
        @{ Command = 'Test-BinlogFlushReadiness' }
    ) {
        $parameter = (Get-Command -Name $Command -Module BinlogFlusher).Parameters['Credential']
        $parameter | Should -Not -BeNullOrEmpty
        $parameter.ParameterType | Should -Be ([System.Management.Automation.PSCredential])
        @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.CredentialAttribute] }).Count |
            Should -Be 1 -Because 'a user name alone should prompt for the password'
    }
}

Describe 'Test-BinlogFlushReadiness' {
    It 'has a -<Parameter> switch' -TestCases @(
        @{ Parameter = 'Detailed' }
        @{ Parameter = 'Force' }
    ) {
        $parameters = (Get-Command -Name Test-BinlogFlushReadiness -Module BinlogFlusher).Parameters
        $parameters.ContainsKey($Parameter) | Should -BeTrue
        $parameters[$Parameter].ParameterType | Should -Be ([System.Management.Automation.SwitchParameter])
    }

    It 'declares a Boolean output' {
        (Get-Command -Name Test-BinlogFlushReadiness -Module BinlogFlusher).OutputType.Name | Should -Contain 'System.Boolean'
    }
}
