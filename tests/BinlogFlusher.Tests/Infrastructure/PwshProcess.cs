using System.Diagnostics;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>
/// A real `pwsh -NoProfile -NonInteractive -File script.ps1`, a process of its own, as a user or a scheduled task runs
/// the module: nothing is loaded in it but what the script imports. pwsh is the PowerShell 7 dotnet tool pinned in
/// .config/dotnet-tools.json, restored on first use.
/// </summary>
public static class PwshProcess
{
    static readonly Lazy<Task> Restored = new(RestoreToolAsync);

    /// <summary>dotnet tool restore, once per test run: after it, `dotnet tool run pwsh` works under the repository.</summary>
    public static Task EnsureRestoredAsync() => Restored.Value;

    public sealed record Outcome(int ExitCode, string Output, string Errors)
    {
        public string Text => Output + Errors;
        public override string ToString() => $"exit code {ExitCode}\n--- standard output ---\n{Output}\n--- standard error ---\n{Errors}";
    }

    /// <summary>Runs a script file with arguments and environment; standard input is not a terminal, as in cron.</summary>
    /// <param name="whileRunning">Called once pwsh has started (e.g. to act on the server while the script waits).</param>
    public static async Task<Outcome> RunFileAsync(string scriptPath, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        Func<Process, Task>? whileRunning = null, TimeSpan? timeout = null)
    {
        await Restored.Value;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PowerShellRunner.RepoRoot,
        };
        foreach (var argument in new[] { "tool", "run", "pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-File", scriptPath }.Concat(arguments))
            start.ArgumentList.Add(argument);
        // No colour codes in what the tests read; the module's own settings are what a user would have.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["TERM"] = "dumb";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (whileRunning is not null) await whileRunning(process);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pwsh -File {scriptPath} did not finish in time:\n{await output}\n{await errors}");
        }
        return new Outcome(process.ExitCode, await output, await errors);
    }

    static async Task RestoreToolAsync()
    {
        var start = new ProcessStartInfo("dotnet", "tool restore") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = PowerShellRunner.RepoRoot };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException("dotnet tool restore failed, so there is no pwsh to run the module in (PowerShell 7.6.9, .config/dotnet-tools.json):\n" + output);
    }
}
