using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>
/// The built binlog-flusher CLI run as a separate process, as cron runs it: output lines collected as they come (both
/// streams in order in <see cref="Lines"/>, standard error also in <see cref="ErrorLines"/>), standard input not a terminal.
/// </summary>
public sealed class CliProcess : IDisposable
{
    readonly Process process;
    readonly List<string> lines = new();
    readonly List<string> errorLines = new();
    readonly SemaphoreSlim lineAdded = new(0);

    CliProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Add(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => Add(e.Data, error: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
    }

    public static string CliAssembly => PowerShellRunner.Built(Path.Combine("src", "BinlogFlusher.Cli"), "net10.0", "binlog-flusher.dll");

    public static CliProcess Start(params string[] arguments) => Start(new Dictionary<string, string>(), arguments);

    public static CliProcess Start(IDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliAssembly);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return new CliProcess(Process.Start(start)!);
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (lines) return lines.ToList(); }
    }

    public IReadOnlyList<string> ErrorLines
    {
        get { lock (lines) return errorLines.ToList(); }
    }

    public string Text => string.Join("\n", Lines);

    /// <summary>Runs the CLI to its end: the exit code, and the process to read its output from.</summary>
    public static async Task<(int ExitCode, CliProcess Process)> RunAsync(params string[] arguments)
    {
        var cli = Start(arguments);
        return (await cli.WaitForExitAsync(TimeSpan.FromMinutes(2)), cli);
    }

    void Add(string? line, bool error)
    {
        if (line is null) return;
        lock (lines)
        {
            lines.Add(line);
            if (error) errorLines.Add(line);
        }
        lineAdded.Release();
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Lines.FirstOrDefault(match);
            if (found is not null) return found;
            if (process.HasExited && !Lines.Any(match)) throw new InvalidOperationException($"The CLI exited ({process.ExitCode}) before the expected line. Output:\n{Text}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The CLI did not print the expected line within {timeout}. Output:\n{Text}");
            await lineAdded.WaitAsync(TimeSpan.FromMilliseconds(200));
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        process.WaitForExit(); // drains the output events
        return process.ExitCode;
    }

    /// <summary>SIGTERM, as cron's or systemd's timeout sends it: the process may clean up before it exits.</summary>
    public void Terminate()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("SIGTERM is a POSIX signal.");
        if (!process.HasExited && kill(process.Id, 15) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    /// <summary>SIGKILL: no cleanup code of the process runs.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: false);
        process.WaitForExit();
    }

    public void Dispose()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        process.Dispose();
    }
}
