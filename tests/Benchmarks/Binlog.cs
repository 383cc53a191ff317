using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BinlogFlusher.Sandbox;
using MySqlConnector;

namespace BinlogFlusher.Benchmarks;

sealed record BinlogPosition(string File, long Position)
{
    public override string ToString() => File + ":" + Position.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One transaction (event group) of the binlog: from its GTID event up to the next GTID or file-level event.</summary>
sealed class BinlogTransaction
{
    public string File { get; init; } = "";
    public long Start { get; init; }
    public long Bytes { get; set; }
    public string? Table { get; set; }
    public int RowsEvents { get; set; }
}

sealed class BinlogScan
{
    public long Bytes { get; init; }
    public List<BinlogTransaction> Transactions { get; } = [];
    public IEnumerable<BinlogTransaction> RowTransactions => Transactions.Where(t => t.RowsEvents > 0);
    public BinlogTransaction? Largest => RowTransactions.MaxBy(t => t.Bytes);
}

/// <summary>Reads the replica's binlog: positions from the server, event headers straight from the files, rows through mariadb-binlog.</summary>
static class Binlog
{
    // Event types (MySQL and MariaDB share the low numbers).
    const byte Stop = 3, Rotate = 4, FormatDescription = 15, TableMap = 19, PreviousGtids = 35,
        MySqlGtid = 33, MySqlAnonymousGtid = 34, BinlogCheckpoint = 161, MariaDbGtid = 162, GtidList = 163, StartEncryption = 164;
    static readonly HashSet<byte> RowsEvents = [23, 24, 25, 30, 31, 32, 166, 167, 168, 169, 170, 171];

    public static async Task<BinlogPosition> PositionAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var rows = await Dataset.QueryAsync(connection, "SHOW MASTER STATUS", cancellationToken);
        return new BinlogPosition((string)rows[0][0]!, Convert.ToInt64(rows[0][1], CultureInfo.InvariantCulture));
    }

    /// <summary>Binlog bytes between two positions, from SHOW BINARY LOGS sizes.</summary>
    public static async Task<long> BytesBetweenAsync(MySqlConnection connection, BinlogPosition start, BinlogPosition end, CancellationToken cancellationToken)
    {
        var files = await FilesAsync(connection, cancellationToken);
        long bytes = 0;
        foreach (var (file, size) in files.Where(f => string.CompareOrdinal(f.File, start.File) >= 0 && string.CompareOrdinal(f.File, end.File) <= 0))
        {
            var from = file == start.File ? start.Position : 0;
            var to = file == end.File ? end.Position : size;
            bytes += to - from;
        }
        return bytes;
    }

    public static async Task<List<(string File, long Size)>> FilesAsync(MySqlConnection connection, CancellationToken cancellationToken) =>
        (await Dataset.QueryAsync(connection, "SHOW BINARY LOGS", cancellationToken))
        .Select(r => ((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture))).ToList();

    /// <summary>Every transaction between two positions, read from the binlog files' event headers (and table map events).</summary>
    public static async Task<BinlogScan> ScanAsync(MySqlConnection connection, Func<string, string> pathOf, BinlogPosition start, BinlogPosition end, CancellationToken cancellationToken)
    {
        var scan = new BinlogScan { Bytes = await BytesBetweenAsync(connection, start, end, cancellationToken) };
        var files = (await FilesAsync(connection, cancellationToken)).Select(f => f.File)
            .Where(f => string.CompareOrdinal(f, start.File) >= 0 && string.CompareOrdinal(f, end.File) <= 0).ToList();
        var header = new byte[19];
        var body = new byte[160];
        foreach (var file in files)
        {
            await using var stream = new FileStream(pathOf(file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            var position = file == start.File ? start.Position : 4;
            var limit = file == end.File ? end.Position : stream.Length;
            BinlogTransaction? current = null;
            while (position < limit)
            {
                stream.Position = position;
                await stream.ReadExactlyAsync(header, cancellationToken);
                var type = header[4];
                var length = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(9, 4));
                if (length < 19) throw new InvalidDataException($"{file}:{position}: event of {length} bytes; not a binlog event.");
                if (type is MariaDbGtid or MySqlGtid or MySqlAnonymousGtid)
                {
                    current = new BinlogTransaction { File = file, Start = position };
                    scan.Transactions.Add(current);
                }
                else if (type is Stop or Rotate or FormatDescription or PreviousGtids or BinlogCheckpoint or GtidList or StartEncryption)
                {
                    current = null;
                }
                if (current is not null)
                {
                    current.Bytes += length;
                    if (RowsEvents.Contains(type)) current.RowsEvents++;
                    if (type == TableMap && current.Table is null)
                    {
                        var read = await stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken);
                        current.Table = TableMapName(body.AsSpan(0, read));
                    }
                }
                position += length;
            }
        }
        return scan;
    }

    /// <summary>schema.table from a table map event's body (6-byte table id, 2-byte flags, then length-prefixed names).</summary>
    static string? TableMapName(ReadOnlySpan<byte> body)
    {
        var at = 8;
        if (body.Length <= at) return null;
        int schemaLength = body[at];
        if (body.Length < at + 1 + schemaLength + 2) return null;
        var schema = Encoding.UTF8.GetString(body.Slice(at + 1, schemaLength));
        at += 1 + schemaLength + 1;
        int tableLength = body[at];
        if (body.Length < at + 1 + tableLength) return null;
        return schema + "." + Encoding.UTF8.GetString(body.Slice(at + 1, tableLength));
    }

    /// <summary>Rows in one transaction, counted in mariadb-binlog's decoded output (streamed, never held whole).</summary>
    public static async Task<long> CountRowsAsync(string path, BinlogTransaction transaction, CancellationToken cancellationToken)
    {
        var client = BinlogTools.ClientBinary ?? throw new InvalidOperationException("mariadb-binlog (or mysqlbinlog) is not installed: install mariadb-client.");
        var start = new ProcessStartInfo(client) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var argument in new[]
                 {
                     "--base64-output=decode-rows", "--verbose",
                     $"--start-position={transaction.Start.ToString(CultureInfo.InvariantCulture)}",
                     $"--stop-position={(transaction.Start + transaction.Bytes).ToString(CultureInfo.InvariantCulture)}",
                     path,
                 })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        long rows = 0;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            if (line.StartsWith("### INSERT INTO ", StringComparison.Ordinal)) rows++;
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(client)} failed ({process.ExitCode}): {await error}");
        return rows;
    }
}
