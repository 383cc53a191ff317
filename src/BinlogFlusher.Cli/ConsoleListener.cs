using System.Diagnostics;
using BinlogFlusher.Engine.Flushing;

namespace BinlogFlusher.Cli;

/// <summary>Progress as one updating line on a terminal, plain lines (a few a second at most) when output is redirected.</summary>
sealed class ConsoleListener(bool verbose) : IFlushListener
{
    readonly object gate = new();
    readonly Stopwatch sinceLast = Stopwatch.StartNew();
    readonly bool terminal = !Console.IsOutputRedirected;
    int lineLength;

    public void Verbose(string message)
    {
        if (verbose) Write(() => Console.Error.WriteLine(message));
    }

    public void Warning(string message) => Write(() => Say.Warning(message));

    public void HostProgress(HostProgress progress) =>
        Show($"{progress.Target}: {progress.TablesDone}/{progress.TablesTotal} tables, {Counts.Of(progress.RowsCopied, "row")}, {progress.Stage}", progress.Completed);

    public void TableProgress(TableProgress progress) =>
        Show($"{progress.Target}: {progress.Schema}.{progress.Table} {progress.Stage} {Counts.Of(progress.RowsCopied, "row")}", progress.Completed);

    void Show(string text, bool important)
    {
        lock (gate)
        {
            if (!important && sinceLast.ElapsedMilliseconds < (terminal ? 200 : 2000)) return;
            sinceLast.Restart();
            if (terminal)
            {
                // A line longer than the terminal wraps, and \r then rewrites only its last part.
                var width = TerminalWidth();
                if (width > 1 && text.Length >= width) text = text[..(width - 2)] + "…";
                var padded = text.Length < lineLength ? text.PadRight(lineLength) : text;
                Console.Write("\r" + padded);
                lineLength = text.Length;
            }
            else Console.WriteLine(text);
        }
    }

    static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    void Write(Action write)
    {
        lock (gate)
        {
            EndLine();
            write();
        }
    }

    public void EndLine()
    {
        lock (gate)
        {
            if (terminal && lineLength > 0) Console.WriteLine();
            lineLength = 0;
        }
    }
}
