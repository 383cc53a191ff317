<#
.SYNOPSIS
    Packs a built module folder into the .nupkg the PowerShell Gallery takes, with PSResourceGet.

.DESCRIPTION
    Publishes the module folder with Publish-PSResource (module Microsoft.PowerShell.PSResourceGet) into a temporary
    local file repository, registered under a unique name, then moves the package it wrote to -DestinationPath and
    unregisters and deletes the repository, also when publishing fails. The package is what Publish-PSResource
    sends to the Gallery: the module's files at the package root and a .nuspec made from the manifest (id, version,
    authors, description, tags with PSModule, licenseUrl, projectUrl, releaseNotes).

    build.ps1 Package runs it on out/BinlogFlusher after the build. PSResourceGet ships with PowerShell 7.4 and
    later; on Windows PowerShell 5.1, install it first: Install-Module Microsoft.PowerShell.PSResourceGet -Scope CurrentUser

.PARAMETER ModulePath
    The module folder: it holds <folder name>.psd1.

.PARAMETER DestinationPath
    The folder the .nupkg is written to (created when missing). A package of the same name there is replaced.

.OUTPUTS
    System.IO.FileInfo: the package, <name>.<version>.nupkg.

.EXAMPLE
    ./tools/New-ModulePackage.ps1 -ModulePath ./out/BinlogFlusher -DestinationPath ./out

    Writes out/BinlogFlusher.<version>.nupkg.
#>
#Requires -Version 5.1
[CmdletBinding()]
[OutputType([System.IO.FileInfo])]
param(
    [Parameter(Mandatory = $true)]
    [string]$ModulePath,

    [Parameter(Mandatory = $true)]
    [string]$DestinationPath
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$name = Split-Path -Path $ModulePath -Leaf
$manifestPath = Join-Path $ModulePath "$name.psd1"
if (-not (Test-Path -LiteralPath $manifestPath -PathType Leaf)) {
    throw "Cannot package $ModulePath`: it holds no module manifest $name.psd1."
}
# A manifest the Gallery would refuse fails here, naming the problem.
$null = Test-ModuleManifest -Path $manifestPath

if (-not (Get-Module -ListAvailable -Name Microsoft.PowerShell.PSResourceGet)) {
    throw ('Cannot package: the module Microsoft.PowerShell.PSResourceGet (Publish-PSResource) is not installed. ' +
        'It ships with PowerShell 7.4 and later; elsewhere install it with: ' +
        'Install-Module Microsoft.PowerShell.PSResourceGet -Scope CurrentUser')
}
Import-Module -Name Microsoft.PowerShell.PSResourceGet

$null = New-Item -ItemType Directory -Path $DestinationPath -Force
$DestinationPath = (Resolve-Path -LiteralPath $DestinationPath).ProviderPath
$repositoryName = "$name-build-" + [guid]::NewGuid().ToString('N')
$repositoryPath = Join-Path ([System.IO.Path]::GetTempPath()) $repositoryName
$null = New-Item -ItemType Directory -Path $repositoryPath
try {
    Register-PSResourceRepository -Name $repositoryName -Uri $repositoryPath -Trusted
    Publish-PSResource -Path $ModulePath -Repository $repositoryName
    # <name>.<version>.nupkg, the version with its PSData.Prerelease label when the manifest has one.
    $published = @(Get-ChildItem -LiteralPath $repositoryPath -Filter "$name.*.nupkg")
    if ($published.Count -ne 1) {
        throw "Publish-PSResource reported success but left $($published.Count) packages named $name.*.nupkg in $repositoryPath."
    }
    $package = Join-Path $DestinationPath $published[0].Name
    Move-Item -LiteralPath $published[0].FullName -Destination $package -Force
    Get-Item -LiteralPath $package
}
finally {
    if (Get-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue) {
        Unregister-PSResourceRepository -Name $repositoryName
    }
    Remove-Item -LiteralPath $repositoryPath -Recurse -Force -ErrorAction SilentlyContinue
}
