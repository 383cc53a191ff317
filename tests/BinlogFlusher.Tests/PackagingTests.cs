using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>What the PowerShell Gallery and its users get. No server needed.</summary>
public sealed class PackagingTests
{
    static string ModuleDir => Path.Combine(PowerShellRunner.RepoRoot, "out", "BinlogFlusher");

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
}
