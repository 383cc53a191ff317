using System.Diagnostics;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>Runs a program to its end (standard input closed, as in cron) and returns its exit code and output.</summary>
public static class ExternalProgram
{
    public static Task<(int Exit, string Output)> RunAsync(string program, params string[] arguments) => RunAsync(program, new Dictionary<string, string>(), arguments);

    public static async Task<(int Exit, string Output)> RunAsync(string program, IDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(" ", arguments)} did not end within 3 minutes: {await output}{await error}");
        }
        return (process.ExitCode, await output + await error);
    }
}
