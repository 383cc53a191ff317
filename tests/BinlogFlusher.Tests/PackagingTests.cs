using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>What the PowerShell Gallery and its users get. No server needed.</summary>
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
        foreach (var cmdlet in new[] { "Invoke-BinlogFlush", "Restore-BinlogFlushState", "Test-BinlogFlushReadiness", "Get-FlushCandidateTable" })
            Assert.Contains(cmdlet, values[2]);
        Assert.Equal("MySQL,MariaDB,binlog,CDC,Debezium,Maxwell,replication,PSEdition_Desktop,PSEdition_Core", values[3]);
    }
}
