using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>Everything one hosted script produced, stream by stream, plus every prompt the host was asked.</summary>
public sealed class PowerShellRun
{
    public List<PSObject> Output { get; } = new();
    public List<ErrorRecord> Errors { get; } = new();
    public List<WarningRecord> Warnings { get; } = new();
    public List<VerboseRecord> Verbose { get; } = new();
    public List<InformationRecord> Information { get; } = new();
    public List<ProgressRecord> Progress { get; } = new();
    public List<string> Prompts { get; } = new();
    public List<string> HostText { get; } = new();
    /// <summary>Lines the host was asked to show as warnings (Write-Warning's, and the module's own through $Host.UI).</summary>
    public List<string> HostWarnings { get; } = new();
    /// <summary>A terminating error, when the script threw.</summary>
    public Exception? Terminating { get; set; }

    public T Single<T>() => (T)Output.Single().BaseObject;
    public IEnumerable<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId);
}

/// <summary>
/// Runs scripts in the real PowerShell engine in this process, with the built module imported from out/BinlogFlusher,
/// variables passed in, and -Confirm prompts answered (and recorded) through a custom host.
/// </summary>
public static class PowerShellRunner
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string ModuleManifest => Path.Combine(RepoRoot, "out", "BinlogFlusher", "BinlogFlusher.psd1");

    /// <summary>A file a project of the solution built (Release or Debug, whichever is newer).</summary>
    public static string Built(string projectFolder, string framework, string file)
    {
        var folder = Path.Combine(RepoRoot, projectFolder, "bin");
        return new[] { "Release", "Debug" }.Select(c => Path.Combine(folder, c, framework, file)).Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new InvalidOperationException($"{projectFolder} is not built: run dotnet build BinlogFlusher.sln.");
    }

    static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BinlogFlusher.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("BinlogFlusher.sln not found above " + AppContext.BaseDirectory);
    }

    public static PSCredential Credential(string user, string password)
    {
        var secure = new SecureString();
        foreach (var c in password) secure.AppendChar(c);
        secure.MakeReadOnly();
        return new PSCredential(user, secure);
    }

    /// <param name="answer">For each confirmation prompt: the choice label to pick ("Yes", "No", "Yes to All"...); default Yes.</param>
    /// <param name="whileRunning">Called once the script has started (e.g. to stop it).</param>
    public static PowerShellRun Run(string script, IDictionary<string, object?>? variables = null, Func<string, string>? answer = null,
        Action<PowerShell, PowerShellRun>? whileRunning = null, bool importModule = true)
    {
        var run = new PowerShellRun();
        var host = new RecordingHost(run, answer ?? (_ => "Yes"));
        var state = InitialSessionState.CreateDefault2();
        using var runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
            runspace.SessionStateProxy.SetVariable(name, value);
        var text = (importModule ? $"Import-Module '{ModuleManifest.Replace("'", "''")}' -ErrorAction Stop\n" : "") + script;
        shell.AddScript(text);
        var output = new PSDataCollection<PSObject>();
        try
        {
            var invocation = shell.BeginInvoke<PSObject, PSObject>(null, output);
            whileRunning?.Invoke(shell, run);
            shell.EndInvoke(invocation);
        }
        catch (Exception exception) when (exception is RuntimeException or PipelineStoppedException)
        {
            run.Terminating = exception;
        }
        run.Output.AddRange(output);
        run.Errors.AddRange(shell.Streams.Error);
        run.Warnings.AddRange(shell.Streams.Warning);
        run.Verbose.AddRange(shell.Streams.Verbose);
        run.Information.AddRange(shell.Streams.Information);
        run.Progress.AddRange(shell.Streams.Progress);
        return run;
    }

    sealed class RecordingHost(PowerShellRun run, Func<string, string> answer) : PSHost
    {
        readonly RecordingUi ui = new(run, answer);
        public override string Name => "BinlogFlusherTestHost";
        public override Version Version => new(1, 0);
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override PSHostUserInterface UI => ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    sealed class RecordingUi(PowerShellRun run, Func<string, string> answer) : PSHostUserInterface
    {
        // A wide console, so table views render every column.
        public override PSHostRawUserInterface RawUI { get; } = new WideConsole();

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            lock (run.Prompts) run.Prompts.Add(message);
            var wanted = answer(message);
            var index = choices.ToList().FindIndex(c => c.Label.Replace("&", "").Equals(wanted, StringComparison.OrdinalIgnoreCase));
            if (index < 0) throw new InvalidOperationException($"No choice '{wanted}' in: {string.Join(", ", choices.Select(c => c.Label))}");
            return index;
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException("A test script asked for input: " + message);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException("A test script asked for a credential: " + message);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new NotSupportedException("A test script asked for a credential: " + message);
        public override string ReadLine() => throw new NotSupportedException("A test script read a line.");
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException("A test script read a secure line.");
        public override void Write(string value) => Record(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Record(value);
        public override void WriteLine(string value) => Record(value + "\n");
        public override void WriteErrorLine(string value) => Record(value + "\n");
        public override void WriteDebugLine(string message) => Record(message + "\n");
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message)
        {
            lock (run.HostWarnings) run.HostWarnings.Add(message);
        }

        void Record(string value)
        {
            lock (run.HostText) run.HostText.Add(value);
        }
    }

    sealed class WideConsole : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;
        public override Size BufferSize { get; set; } = new(220, 3000);
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override bool KeyAvailable => false;
        public override Size MaxPhysicalWindowSize => new(220, 100);
        public override Size MaxWindowSize => new(220, 100);
        public override Coordinates WindowPosition { get; set; }
        public override Size WindowSize { get; set; } = new(220, 100);
        public override string WindowTitle { get; set; } = "";
        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("A test script read a key.");
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    }
}
