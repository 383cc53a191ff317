using System.Management.Automation;
using BinlogFlusher.Engine;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>The module's error records: stable ids, the right categories, the host as target, terminating only for misuse.</summary>
public sealed class ErrorTests
{
    /// <summary>Every failure the engine can report, with the id and category a runbook can rely on.</summary>
    public static TheoryData<FlushErrorKind, string, ErrorCategory> Catalogue => new()
    {
        { FlushErrorKind.ConnectionFailed, "ConnectionFailed", ErrorCategory.ConnectionError },
        { FlushErrorKind.InvalidInput, "InvalidInput", ErrorCategory.InvalidArgument },
        { FlushErrorKind.PreflightRefused, "PreflightRefused", ErrorCategory.InvalidOperation },
        { FlushErrorKind.TableFailed, "TableFlushFailed", ErrorCategory.WriteError },
        { FlushErrorKind.RowCountMismatch, "RowCountMismatch", ErrorCategory.InvalidResult },
        { FlushErrorKind.Interrupted, "FlushInterrupted", ErrorCategory.OperationStopped },
        { FlushErrorKind.StateFileInvalid, "StateFileInvalid", ErrorCategory.InvalidData },
        { FlushErrorKind.StateFileMismatch, "StateFileHostMismatch", ErrorCategory.InvalidArgument },
        { FlushErrorKind.RestoreConflict, "RestoreConflict", ErrorCategory.ResourceExists },
        { FlushErrorKind.ResumeRefused, "ResumeRefused", ErrorCategory.InvalidOperation },
        { FlushErrorKind.ServerError, "ServerError", ErrorCategory.InvalidOperation },
        { FlushErrorKind.AlreadyRunning, "FlushAlreadyRunning", ErrorCategory.ResourceBusy },
        { FlushErrorKind.Unexpected, "UnexpectedError", ErrorCategory.InvalidOperation },
        { FlushErrorKind.DiskFull, "BinlogDiskFull", ErrorCategory.ResourceUnavailable },
        { FlushErrorKind.StateFileWriteFailed, "StateFileWriteFailed", ErrorCategory.WriteError },
        { FlushErrorKind.VerificationFailed, "VerificationFailed", ErrorCategory.ReadError },
    };

    [Theory]
    [MemberData(nameof(Catalogue))]
    public void EachFailureHasAStableIdAndCategoryAndTheHostAsTarget(FlushErrorKind kind, string id, ErrorCategory category)
    {
        // The cmdlets' own mapping, called through the loaded module.
        var run = PowerShellRunner.Run(
            "$method = [BinlogFlusher.Commands.HostCommandBase].GetMethod('ToErrorRecord', [System.Reflection.BindingFlags]'NonPublic,Static'); " +
            "$exception = [BinlogFlusher.Engine.FlushException]::new([BinlogFlusher.Engine.FlushErrorKind]$kind, 'what went wrong; the fix', $null); " +
            "$method.Invoke($null, @($exception, 'db1:3306'))",
            new Dictionary<string, object?> { ["kind"] = kind.ToString() });

        Assert.Empty(run.Errors);
        var record = (ErrorRecord)run.Output.Single().BaseObject;
        Assert.Equal(id, record.FullyQualifiedErrorId);
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Equal("db1:3306", record.TargetObject);
        Assert.Equal("what went wrong; the fix", record.ErrorDetails.Message);
    }

    [Fact]
    public void EveryKindIsInTheCatalogueOnce()
    {
        var listed = Catalogue.Select(row => (FlushErrorKind)row[0]).ToList();
        Assert.Equal(Enum.GetValues<FlushErrorKind>().Order(), listed.Order());
        Assert.Equal(listed.Count, Catalogue.Select(row => (string)row[1]).Distinct().Count());
    }

    [Fact]
    public void MisuseOfTheCmdletIsTerminating()
    {
        // try/catch sees only terminating errors.
        var run = PowerShellRunner.Run(
            "try { Invoke-BinlogFlush -HostName db1 -Resume -Confirm:$false } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString() }; " +
            "try { Invoke-BinlogFlush -HostName db1, db2 -StateFile ./one.json -Confirm:$false } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString() }");

        Assert.Equal(new object[]
        {
            "ResumeWithoutStateFile,BinlogFlusher.Commands.InvokeBinlogFlushCommand", "InvalidArgument",
            "StateFileForManyHosts,BinlogFlusher.Commands.InvokeBinlogFlushCommand", "InvalidArgument",
        }, run.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void ABadHostOrOptionFileIsThatHostsErrorAndTheOthersGoOn()
    {
        var run = PowerShellRunner.Run("'db1:notaport', 'db2:0' | Get-FlushCandidateTable -Credential $cred; Get-FlushCandidateTable -HostName db3 -MyCnf ./does-not-exist.cnf",
            new Dictionary<string, object?> { ["cred"] = PowerShellRunner.Credential("ops", "pw") });

        Assert.Null(run.Terminating);
        Assert.Equal(3, run.Errors.Count);
        Assert.All(run.Errors, e => Assert.Equal("InvalidHostOrOptions,BinlogFlusher.Commands.GetFlushCandidateTableCommand", e.FullyQualifiedErrorId));
        Assert.All(run.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
        Assert.Equal(new object[] { "db1:notaport", "db2:0", "db3" }, run.Errors.Select(e => e.TargetObject));
        Assert.Contains("write host:port", run.Errors[0].ToString());
        Assert.Contains("does not exist: give -MyCnf a my.cnf with a [client] section, or use -Credential", run.Errors[2].ToString());
    }
}
