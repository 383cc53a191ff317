using System.Xml.Linq;
using BinlogFlusher.Tests.Infrastructure;
using static BinlogFlusher.Tests.Infrastructure.FlushAssertions;

namespace BinlogFlusher.Tests;

/// <summary>Default console output: the format views render readable tables (through Out-Host, into the test host).</summary>
[Collection(ReplicaCollection.Name)]
public sealed class FormatTests(ReplicaPairFixture servers) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop", "CREATE TABLE bf_shop.items (id INT PRIMARY KEY, name VARCHAR(20))", "INSERT INTO bf_shop.items VALUES (1, 'a')",
            "CREATE TABLE bf_shop.log (line TEXT)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // What a console shows, without the ANSI colours of the headers.
    static string Rendered(PowerShellRun run) => System.Text.RegularExpressions.Regex.Replace(string.Concat(run.HostText), "\x1b\\[[0-9;]*m", "");

    [Fact]
    public void TheCandidateTableShowsSchemaTableRowsChunkKeyAndBlocker()
    {
        var run = PowerShellRunner.Run("Get-FlushCandidateTable -HostName $replica -Credential $cred | Out-Host", Variables(servers));

        Assert.Empty(run.Errors);
        var text = Rendered(run);
        Assert.Matches(@"Schema\s+Table\s+EstimatedRows\s+Size\s+ChunkKey\s+Blocker", text);
        Assert.Matches(@"bf_shop\s+items\s+\d+\s+\d+(\.\d)? [KMG]?B\s+id", text);
        Assert.Contains("none (no primary key or NOT NULL unique key)", text);
    }

    [Fact]
    public void AFlushResultAndItsTablesRenderAsTables()
    {
        var run = PowerShellRunner.Run(
            "$r = Invoke-BinlogFlush -HostName $replica -Credential $cred -Database bf_shop -Verify -Confirm:$false; $r | Out-Host; $r.Tables | Out-Host; $r.Verification | Out-Host; $r.StateFile",
            Variables(servers));

        Assert.Empty(run.Errors);
        var text = Rendered(run);
        Assert.Matches(@"Host\s+Status\s+Tables\s+Rows\s+Duration\s+BinlogStart\s+BinlogEnd", text);
        Assert.Matches(@"127\.0\.0\.1:\d+\s+Completed\s+2\s+1\s+\d+\.\ds\s+binlog\.\d+:\d+", text);
        Assert.Matches(@"Schema\s+Table\s+Status\s+Rows\s+Chunks\s+Duration", text);
        Assert.Matches(@"Schema\s+Table\s+Status\s+RowsInBinlog\s+RowsExpected\s+FirstKey\s+LastKey\s+Problems", text);
        Assert.Matches(@"bf_shop\s+items\s+Verified\s+1\s+1\s+\(1\)\s+\(1\)", text);
        File.Delete((string)run.Output.Last().BaseObject);
    }

    [Fact]
    public void ReadinessAndRestoreOutputsRenderTheirViews()
    {
        var run = PowerShellRunner.Run(
            "Test-BinlogFlushReadiness -HostName $replica -Credential $cred -Detailed | Out-Host; (Test-BinlogFlushReadiness -HostName $replica -Credential $cred -Detailed).Checks | Out-Host; " +
            "Restore-BinlogFlushState -HostName $replica -Credential $cred -Discover | Out-Host",
            Variables(servers));

        Assert.Empty(run.Errors);
        var text = Rendered(run);
        Assert.Matches(@"Host\s+Server\s+Ready\s+Failed\s+Tables\s+EstimatedRows\s+Size", text);
        Assert.Matches(@"True\s+2\s+", text);
        Assert.Matches(@"BinlogFormat\s+Pass\s+binlog_format is ROW\.", text);
    }

    [Fact]
    public void EveryOutputTypeHasATableView()
    {
        var views = XDocument.Load(Path.Combine(PowerShellRunner.RepoRoot, "out", "BinlogFlusher", "BinlogFlusher.Format.ps1xml"))
            .Descendants("View").Where(v => v.Element("TableControl") is not null).Select(v => v.Element("ViewSelectedBy")!.Element("TypeName")!.Value).ToList();
        Assert.Equal(new[]
        {
            "BinlogFlusher.Engine.Flushing.TableFlushResult", "BinlogFlusher.Engine.Planning.ReadinessCheck", "BinlogFlusher.Engine.Verifying.TableVerification", "BinlogFlusher.FlushCandidateTable",
            "BinlogFlusher.FlushResult", "BinlogFlusher.ReadinessReport", "BinlogFlusher.RestoreOutcome",
        }, views.Order());
        var run = PowerShellRunner.Run("[BinlogFlusher.Commands.Display]::Bytes(1536); [BinlogFlusher.Commands.Display]::Duration([TimeSpan]::new(1, 2, 3))");
        Assert.Equal(new object[] { "1.5 KB", "1h 02m 03s" }, run.Output.Select(o => o.BaseObject));
    }
}
