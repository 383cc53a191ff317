# Shared by the clean-host scripts: the module (and, when asked, another module with an older MySqlConnector first),
# the credential from the environment, and a closing report of every error record the session collected.
param()

function Import-TestModules {
    param([string]$ModulePath, [string]$OtherModulePath, [string]$OtherConnectionString)
    if ($OtherModulePath) {
        # Another module's MySqlConnector in the default load context before ours, as in a session that used it first.
        Import-Module $OtherModulePath -ErrorAction Stop
        Get-OldMySqlVersion -ConnectionString $OtherConnectionString
    }
    Import-Module $ModulePath -ErrorAction Stop
}

function Get-TestCredential {
    param([string]$User, [string]$Password)
    $secure = [System.Security.SecureString]::new()
    foreach ($c in $Password.ToCharArray()) { $secure.AppendChar($c) }
    [System.Management.Automation.PSCredential]::new($User, $secure)
}

function Write-LoadedMySqlConnector {
    [AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { $_.GetName().Name -eq 'MySqlConnector' } |
        ForEach-Object {
            $version = $_.GetCustomAttributes([System.Reflection.AssemblyInformationalVersionAttribute], $false)[0].InformationalVersion.Split('+')[0]
            "loaded: MySqlConnector $version in " + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).GetType().Name
        }
}

function Write-ErrorReport {
    param($Records)
    foreach ($record in @($Records)) {
        "error: $($record.FullyQualifiedErrorId) | $($record.CategoryInfo.Category) | $($record.TargetObject) | $($record.Exception.GetType().FullName) | $record"
    }
}
