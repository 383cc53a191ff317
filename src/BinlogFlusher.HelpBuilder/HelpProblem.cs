namespace BinlogFlusher.HelpBuilder;

/// <summary>A mistake in a help page, reported in the compiler's format so MSBuild shows it as an error at its line.</summary>
sealed record HelpProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}({Line}): error BFHELP001: {Message}";
}
