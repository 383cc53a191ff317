using System.Globalization;
using BinlogFlusher.Engine.Flushing;

namespace BinlogFlusher.Cli;

/// <summary>A flush's summary: the host's lines, then a table per table whose columns are as wide as what they hold.</summary>
static class Report
{
    public static void Print(FlushResult result)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine($"Host:          {result.HostName}:{result.Port} ({result.ServerVersion})");
        Console.WriteLine($"Status:        {result.Status}");
        Console.WriteLine(string.Create(culture, $"Rows:          {result.Rows:N0} in {result.Duration.TotalSeconds:0.0}s"));
        Console.WriteLine($"Binlog start:  {result.BinlogStart}");
        Console.WriteLine($"Binlog end:    {result.BinlogEnd}");
        Console.WriteLine($"Replication:   {result.ReplicationBefore} -> {result.ReplicationAfter}");
        Console.WriteLine($"State file:    {result.StateFile}");
        Console.WriteLine();
        var rows = result.Tables.Select(t => new[]
        {
            t.Schema + "." + t.Table, t.Status.ToString(), t.Rows.ToString("N0", culture), t.Chunks.ToString("N0", culture),
            t.Duration.TotalSeconds.ToString("0.00", culture),
        }).ToList();
        WriteTable(["Table", "Status", "Rows", "Chunks", "Seconds"], rightAligned: [false, false, true, true, true], rows);
        foreach (var table in result.Tables.Where(t => t.MayRepeat.Count > 0))
            Console.WriteLine($"May appear twice: {string.Join("; ", table.MayRepeat)}");
    }

    /// <summary>Columns two spaces apart, each as wide as its widest cell; text to the left, numbers to the right.</summary>
    static void WriteTable(string[] headings, bool[] rightAligned, IReadOnlyList<string[]> rows)
    {
        var widths = headings.Select((heading, i) => rows.Select(r => r[i].Length).Prepend(heading.Length).Max()).ToArray();
        string Line(string[] cells) =>
            string.Join("  ", cells.Select((cell, i) => rightAligned[i] ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd();
        Console.WriteLine(Line(headings));
        foreach (var row in rows) Console.WriteLine(Line(row));
    }
}
