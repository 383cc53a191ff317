<#
.SYNOPSIS
    Builds, tests, packages, benchmarks and cleans the BinlogFlusher PowerShell module.

.DESCRIPTION
    Runs the named tasks in the order given. Each task is a plain function below.

      Build    dotnet build BinlogFlusher.sln. The MSBuild step of src/BinlogFlusher assembles the importable
               module in out/BinlogFlusher (manifest, module and engine assemblies, dependencies).
      Test     dotnet test BinlogFlusher.sln: the xunit suite, which runs real MySQL/MariaDB servers and so
               needs Docker, or the MariaDB/MySQL server binaries on PATH. Then, if Pester 5 or later is
               installed, the Pester tests in tests/Pester, in a fresh PowerShell process (so that this
               session does not load, and lock, the module assemblies in out/BinlogFlusher).
      Package  Build, then a PSGallery-ready .nupkg in out/ (tools/New-ModulePackage.ps1): Publish-PSResource
               (PSResourceGet) into a temporary local repository that is unregistered and removed afterwards.
               PSResourceGet ships with PowerShell 7.4 and later; on Windows PowerShell 5.1, install it first
               (Install-Module Microsoft.PowerShell.PSResourceGet -Scope CurrentUser).
      Demo     Build, then the module's tour in a fresh PowerShell process (src/BinlogFlusher/Demo.ps1) against a
               throwaway local primary and replica that 'binlog-flusher sandbox' starts with sample data and
               deletes afterwards: readiness, candidate tables, a flush and its result, the binlog range it
               wrote. Needs the MariaDB/MySQL server binaries on PATH (apt-get install mariadb-server mariadb-client).
      Bench    dotnet run --project tests/Benchmarks -c Release, passing -BenchmarkArgument through.
      Clean    Removes out/ and every bin/ and obj/ folder under src/ and tests/.

    Any failure stops the script with an error that says which step failed.

.PARAMETER Task
    The tasks to run, in order: Build, Test, Package, Demo, Clean, Bench. Default: Build.

.PARAMETER Configuration
    The build configuration for Build, Test and Package (Release or Debug). Default: Release.
    Bench always builds Release: benchmarks of a Debug build measure nothing useful.

.PARAMETER BenchmarkArgument
    Arguments for the benchmark program (Bench only), passed after "--" to dotnet run, for example
    --rows 500000 --small-tables 0. Any arguments left over on the command line land here.

.EXAMPLE
    ./build.ps1

    Builds the solution in Release; the module is then importable from out/BinlogFlusher/BinlogFlusher.psd1.

.EXAMPLE
    ./build.ps1 Demo

    Builds the module and flushes a throwaway local replica with it, in a fresh pwsh.

.EXAMPLE
    ./build.ps1 -Task Clean, Test, Package

    Starts from a clean tree, runs the xunit suite and the Pester tests, then writes out/BinlogFlusher.<version>.nupkg.

.EXAMPLE
    ./build.ps1 Bench --rows 500000 --chunk-sizes 5000,20000

    Runs the throughput benchmark on 500,000 rows, with a sweep of two more chunk sizes (tests/Benchmarks/README.md).
#>
#Requires -Version 5.1
[CmdletBinding(PositionalBinding = $false)]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Clean', 'Bench')]
    [string[]]$Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string]$Configuration = 'Release',

    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]]$BenchmarkArgument = @()
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$RepoRoot = $PSScriptRoot
$Solution = Join-Path $RepoRoot 'BinlogFlusher.sln'
$OutDir = Join-Path $RepoRoot 'out'
$ModuleDir = Join-Path $OutDir 'BinlogFlusher'

function Write-Step {
    param([Parameter(Mandatory = $true)][string]$Message)
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Dotnet {
    # Runs dotnet with the given arguments; throws, saying what failed, on a non-zero exit code.
    param(
        [Parameter(Mandatory = $true)][string]$What,
        [string[]]$Arguments = @()
    )
    if (-not (Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
        throw "Cannot $What`: dotnet is not on PATH. Install the .NET SDK (https://dot.net) and run build.ps1 again."
    }
    Write-Host "dotnet $($Arguments -join ' ')"
    # Local to this function: with 'Stop', Windows PowerShell 5.1 turns any line a native tool writes to a
    # redirected stderr into a terminating error. Success or failure is decided by the exit code alone.
    $ErrorActionPreference = 'Continue'
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "Failed to $What`: dotnet exited with code $LASTEXITCODE (see its output above)."
    }
}

function Get-PowerShellExecutable {
    # The executable of the running edition: pwsh for PowerShell 7, powershell.exe for Windows PowerShell.
    $names = if ($PSVersionTable.PSEdition -eq 'Core') { 'pwsh.exe', 'pwsh' } else { 'powershell.exe' }
    foreach ($name in $names) {
        $candidate = Join-Path $PSHOME $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    throw "Cannot find the PowerShell executable in $PSHOME to run the Pester tests in a separate process."
}

function Invoke-BuildTask {
    Write-Step "Build ($Configuration)"
    Invoke-Dotnet -What "build BinlogFlusher.sln ($Configuration)" -Arguments @('build', $Solution, '-c', $Configuration)
}

function Invoke-TestTask {
    Write-Step "Test: xunit suite ($Configuration)"
    Write-Host 'The xunit suite runs real MySQL/MariaDB servers: it needs Docker, or the MariaDB/MySQL server binaries on PATH.'
    Invoke-Dotnet -What "run the xunit suite (dotnet test BinlogFlusher.sln -c $Configuration)" -Arguments @('test', $Solution, '-c', $Configuration)

    $pester = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]'5.0.0' } |
        Sort-Object -Property Version -Descending |
        Select-Object -First 1
    if (-not $pester) {
        Write-Warning ('Pester tests in tests/Pester were skipped: Pester 5 is not installed. ' +
            'Install it with: Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser -Force -SkipPublisherCheck')
        return
    }

    Write-Step "Test: Pester $($pester.Version) (tests/Pester)"
    # A fresh process: importing the module here would load, and on Windows lock, the assemblies in
    # out/BinlogFlusher for the rest of this session, and the next build could not overwrite them.
    $testsPath = (Join-Path $RepoRoot 'tests/Pester').Replace("'", "''")
    $command = "`$ErrorActionPreference = 'Stop'; " +
        "Import-Module -Name Pester -MinimumVersion 5.0.0; " +
        "`$result = Invoke-Pester -Path '$testsPath' -Output Detailed -PassThru; " +
        "if (`$result.Result -ne 'Passed') { exit 1 }; exit 0"
    $powershell = Get-PowerShellExecutable
    $ErrorActionPreference = 'Continue'
    & $powershell -NoProfile -NonInteractive -Command $command
    $exitCode = $LASTEXITCODE
    $ErrorActionPreference = 'Stop'
    if ($exitCode -ne 0) {
        throw "Pester tests in tests/Pester failed (exit code $exitCode; see the output above)."
    }
}

function Invoke-PackageTask {
    Invoke-BuildTask
    Write-Step 'Package'
    $package = & (Join-Path $RepoRoot 'tools/New-ModulePackage.ps1') -ModulePath $ModuleDir -DestinationPath $OutDir
    Write-Host "Package: $($package.FullName)"
}

function Invoke-DemoTask {
    Invoke-BuildTask
    Write-Step 'Demo: the module in a fresh PowerShell against a throwaway replica'
    $cli = Join-Path $RepoRoot "src/BinlogFlusher.Cli/bin/$Configuration/net10.0/binlog-flusher.dll"
    $script = Join-Path $RepoRoot 'src/BinlogFlusher/Demo.ps1'
    # A fresh process: the module is imported there alone, as in a user's new session.
    Invoke-Dotnet -What 'run the demo' -Arguments @($cli, 'sandbox', '--', (Get-PowerShellExecutable), '-NoProfile', '-File', $script)
}

function Invoke-BenchTask {
    $project = Join-Path $RepoRoot 'tests/Benchmarks'
    if (-not (Test-Path -LiteralPath $project -PathType Container)) {
        throw "Cannot run Bench: the benchmark project is not there yet (no folder tests/Benchmarks in $RepoRoot)."
    }
    Write-Step 'Bench (Release)'
    $arguments = @('run', '--project', $project, '-c', 'Release', '--')
    if ($BenchmarkArgument) { $arguments += $BenchmarkArgument }
    Invoke-Dotnet -What 'run the benchmarks (tests/Benchmarks)' -Arguments $arguments
}

function Invoke-CleanTask {
    Write-Step 'Clean'
    $targets = @()
    if (Test-Path -LiteralPath $OutDir) {
        $targets += Get-Item -LiteralPath $OutDir -Force
    }
    foreach ($folder in 'src', 'tests') {
        $path = Join-Path $RepoRoot $folder
        if (Test-Path -LiteralPath $path -PathType Container) {
            $targets += @(Get-ChildItem -LiteralPath $path -Directory -Recurse -Force |
                    Where-Object { $_.Name -eq 'bin' -or $_.Name -eq 'obj' })
        }
    }
    foreach ($target in $targets) {
        # A bin/ inside an obj/ (or the like) is gone once its parent is.
        if (Test-Path -LiteralPath $target.FullName) {
            Write-Host "Removing $($target.FullName)"
            Remove-Item -LiteralPath $target.FullName -Recurse -Force
        }
    }
}

if ($BenchmarkArgument -and $Task -notcontains 'Bench') {
    throw "Unexpected arguments: $($BenchmarkArgument -join ' '). To run several tasks, separate them with commas: ./build.ps1 -Task Build, Test"
}

Push-Location -LiteralPath $RepoRoot
try {
    foreach ($name in $Task) {
        switch ($name) {
            'Build' { Invoke-BuildTask }
            'Test' { Invoke-TestTask }
            'Package' { Invoke-PackageTask }
            'Demo' { Invoke-DemoTask }
            'Bench' { Invoke-BenchTask }
            'Clean' { Invoke-CleanTask }
        }
    }
}
finally {
    Pop-Location
}
