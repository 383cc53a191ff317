using System.Globalization;
using BinlogFlusher.Engine.Flushing;

namespace BinlogFlusher.Cli;

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
        Console.WriteLine($"{"Table",-40} {"Status",-10} {"Rows",10} {"Chunks",7} {"Seconds",8}");
        foreach (var table in result.Tables)
            Console.WriteLine(string.Create(culture, $"{(table.Schema + "." + table.Table),-40} {table.Status,-10} {table.Rows,10} {table.Chunks,7} {table.Duration.TotalSeconds,8:0.00}"));
        foreach (var table in result.Tables.Where(t => t.MayRepeat.Count > 0))
            Console.WriteLine($"May appear twice: {string.Join("; ", table.MayRepeat)}");
    }
}
