using System.IO.Compression;
using System.Xml.Linq;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>
/// What the PowerShell Gallery and its users get: the licence, the manifest's gallery fields, the package that
/// build.ps1 Package writes, and build.ps1 refusing a configuration it does not know. No server needed.
/// </summary>
public sealed class PackagingTests
{
    static string ModuleDir => Path.Combine(PowerShellRunner.RepoRoot, "out", "BinlogFlusher");

    const string ProjectUri = "https://github.com/binlogflusher/BinlogFlusher";

    [Fact]
    public void TheRepositoryIsLicensedUnderApache2AndTheModuleShipsTheLicence()
    {
        var license = File.ReadAllText(Path.Combine(PowerShellRunner.RepoRoot, "LICENSE"));

        var lines = license.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.Equal(new[] { "Apache License", "Version 2.0, January 2004", "http://www.apache.org/licenses/" }, lines.Take(3));
        Assert.Contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION", license);
        // The nine sections of the standard text, each once, and its end.
        foreach (var section in new[] { "1. Definitions.", "2. Grant of Copyright License.", "3. Grant of Patent License.", "4. Redistribution.",
                     "5. Submission of Contributions.", "6. Trademarks.", "7. Disclaimer of Warranty.", "8. Limitation of Liability.", "9. Accepting Warranty or Additional Liability." })
            Assert.Single(lines, l => l.StartsWith(section, StringComparison.Ordinal));
        Assert.Contains("END OF TERMS AND CONDITIONS", license);
        Assert.Contains("Copyright 2026 BinlogFlusher contributors", lines);
        Assert.DoesNotContain("[name of copyright owner]", license);
        // Apache-2.0 section 4(a): a copy of the licence goes with every copy of the module.
        Assert.Equal(license, File.ReadAllText(Path.Combine(ModuleDir, "LICENSE")));
    }

    [Fact]
    public void TheBuiltManifestPassesTestModuleManifestAndCarriesTheGalleryFields()
    {
        var run = PowerShellRunner.Run(
            "$m = Test-ModuleManifest -Path $manifest -ErrorAction Stop; [string]$m.ProjectUri; [string]$m.LicenseUri; $m.ReleaseNotes; $m.Tags -join ','; $m.Version.ToString()",
            new Dictionary<string, object?> { ["manifest"] = PowerShellRunner.ModuleManifest }, importModule: false);

        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var values = run.Output.Select(o => (string)o.BaseObject).ToList();
        Assert.Equal(ProjectUri, values[0]);
        Assert.Equal(ProjectUri + "/blob/main/LICENSE", values[1]);
        Assert.StartsWith(values[4] + ", the first release.", values[2]);
        foreach (var cmdlet in new[] { "Invoke-BinlogFlush", "Restore-BinlogFlushState", "Test-BinlogFlushReadiness", "Test-BinlogFlushResult", "Get-FlushCandidateTable" })
            Assert.Contains(cmdlet, values[2]);
        Assert.Equal("MySQL,MariaDB,binlog,CDC,Debezium,Maxwell,replication,PSEdition_Desktop,PSEdition_Core", values[3]);
    }

    /// <summary>
    /// The package step of build.ps1 Package, on the built module, in a pwsh of its own whose PSResourceGet settings are
    /// the test's (XDG_DATA_HOME), so the user's registered repositories are neither read nor changed. Then the package is
    /// installed from a local repository as the README says (Save-PSResource into a test folder, the same layout
    /// Install-PSResource writes into the user's module folder, which this test must not touch), published as the
    /// Gallery would take it (Publish-PSResource -NupkgPath, into a local stand-in), and opened to read what it holds.
    /// </summary>
    [Fact]
    public async Task ThePackageInstallsPublishesAndHoldsTheWholeModuleWithANuspecMadeFromTheManifest()
    {
        var work = Directory.CreateTempSubdirectory("bf-package-").FullName;
        try
        {
            var destination = Path.Combine(work, "out");
            var gallery = Directory.CreateDirectory(Path.Combine(work, "gallery")).FullName;
            var modules = Directory.CreateDirectory(Path.Combine(work, "modules")).FullName;
            // .NET gives "" for a LocalApplicationData folder that does not exist, and PSResourceGet then writes its settings
            // into the current folder: the folder must be there.
            var data = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
            var script = Path.Combine(work, "package.ps1");
            File.WriteAllText(script, $$"""
                $ErrorActionPreference = 'Stop'
                $package = & '{{Path.Combine(PowerShellRunner.RepoRoot, "tools", "New-ModulePackage.ps1")}}' -ModulePath '{{ModuleDir}}' -DestinationPath '{{destination}}'
                "package: $($package.FullName)"
                "repositories after: $((Get-PSResourceRepository | ForEach-Object Name) -join ',')"
                Register-PSResourceRepository -Name LocalBuild -Uri '{{destination}}' -Trusted
                Save-PSResource -Name BinlogFlusher -Repository LocalBuild -Path '{{modules}}'
                $env:PSModulePath = '{{modules}}' + [System.IO.Path]::PathSeparator + $env:PSModulePath
                Import-Module BinlogFlusher
                "installed in: $((Get-Module BinlogFlusher).ModuleBase)"
                "installed commands: $((Get-Command -Module BinlogFlusher | ForEach-Object Name | Sort-Object) -join ',')"
                Register-PSResourceRepository -Name GalleryStandIn -Uri '{{gallery}}' -Trusted
                Publish-PSResource -NupkgPath $package.FullName -Repository GalleryStandIn
                "published: $((Find-PSResource -Name BinlogFlusher -Repository GalleryStandIn).Version)"
                'end of script'
                """);

            var outcome = await PwshProcess.RunFileAsync(script, Array.Empty<string>(), new Dictionary<string, string> { ["XDG_DATA_HOME"] = data });

            Assert.True(outcome.ExitCode == 0 && outcome.Output.Contains("end of script"), outcome.ToString());
            var package = Path.Combine(destination, "BinlogFlusher.0.1.0.nupkg");
            Assert.Contains("package: " + package, outcome.Output);
            // The temporary repository is gone again, and only the package is left in the destination.
            Assert.Contains("repositories after: PSGallery\n", outcome.Output);
            Assert.Equal(new[] { "BinlogFlusher.0.1.0.nupkg" }, Directory.GetFiles(destination).Select(Path.GetFileName));
            Assert.Contains("installed in: " + Path.Combine(modules, "BinlogFlusher", "0.1.0") + "\n", outcome.Output);
            Assert.Contains("installed commands: Get-FlushCandidateTable,Invoke-BinlogFlush,Restore-BinlogFlushState,Test-BinlogFlushReadiness,Test-BinlogFlushResult", outcome.Output);
            Assert.Contains("published: 0.1.0", outcome.Output);

            using var zip = ZipFile.OpenRead(package);
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            // Every file of the module, at the package root, as Install-PSResource lays it out.
            var moduleFiles = Directory.GetFiles(ModuleDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(ModuleDir, f).Replace('\\', '/')).ToList();
            var notPacked = moduleFiles.Where(f => !entries.Contains(f)).ToList();
            Assert.True(notPacked.Count == 0, "not in the package: " + string.Join(", ", notPacked));
            foreach (var file in new[]
                     {
                         "BinlogFlusher.psd1", "BinlogFlusher.dll", "BinlogFlusher.Format.ps1xml", "LICENSE", "Dependencies/BinlogFlusher.Engine.dll",
                         "Dependencies/MySqlConnector.dll", "en-US/BinlogFlusher.dll-Help.xml", "en-US/about_BinlogFlusher.help.txt",
                     })
                Assert.Contains(file, entries);

            using var nuspecStream = zip.GetEntry("BinlogFlusher.nuspec")!.Open();
            var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
            var manifest = PowerShellRunner.Run(
                "$m = Test-ModuleManifest -Path $manifest -ErrorAction Stop; $m.Name; $m.Version.ToString(); $m.Author; $m.Description; [string]$m.LicenseUri; [string]$m.ProjectUri; $m.ReleaseNotes; $m.Tags -join ' '",
                new Dictionary<string, object?> { ["manifest"] = Path.Combine(ModuleDir, "BinlogFlusher.psd1") }, importModule: false).Output.Select(o => (string)o.BaseObject).ToList();
            Assert.Equal(manifest[0], Field("id"));
            Assert.Equal(manifest[1], Field("version"));
            Assert.Equal(manifest[2], Field("authors"));
            Assert.Equal(manifest[3], Field("description"));
            Assert.Equal(manifest[4], Field("licenseUrl"));
            Assert.Equal(manifest[5], Field("projectUrl"));
            Assert.Equal(manifest[6].ReplaceLineEndings("\n"), Field("releaseNotes").ReplaceLineEndings("\n"));
            var tags = Field("tags").Split(' ');
            Assert.Contains("PSModule", tags);
            var tagsLost = manifest[7].Split(' ').Where(t => !tags.Contains(t)).ToList();
            Assert.True(tagsLost.Count == 0, "manifest tags not in the nuspec: " + string.Join(", ", tagsLost));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task BuildPs1RefusesAConfigurationItDoesNotKnowBeforeBuildingAnything()
    {
        var built = Path.Combine(PowerShellRunner.RepoRoot, "src", "BinlogFlusher", "bin", "Nope");

        var outcome = await PwshProcess.RunFileAsync(Path.Combine(PowerShellRunner.RepoRoot, "build.ps1"), new[] { "-Configuration", "Nope" });

        Assert.NotEqual(0, outcome.ExitCode);
        var text = outcome.Text.ReplaceLineEndings(" ");
        Assert.Contains("Cannot validate argument on parameter 'Configuration'", text);
        Assert.Contains("\"Release,Debug\"", text);
        Assert.DoesNotContain("==> Build", outcome.Text);
        Assert.DoesNotContain("dotnet build", outcome.Text);
        Assert.False(Directory.Exists(built), $"{built} exists: something was built in the configuration Nope");
    }
}
