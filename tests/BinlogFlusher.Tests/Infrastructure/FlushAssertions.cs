using System.Management.Automation;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Sandbox;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>Proofs about a flush, from what the server and its binlog say.</summary>
public static class FlushAssertions
{
    /// <summary>
    /// Decodes the binlog range, checks each table's CREATE TABLE and row count in it, then replays the range onto a
    /// fresh server, as a consumer would, and compares every table's checksum row for row with the replica's.
    /// </summary>
    public static async Task AssertBinlogHoldsExactlyOnceAsync(ReplicaPairFixture servers, FlushResult result, IReadOnlyList<TableState> tables)
    {
        var start = result.BinlogStart!;
        var end = result.BinlogEnd!;
        var decoded = await BinlogTools.DecodeAsync(servers.Replica, start.File, start.Position, end.File, end.Position);
        var inserts = BinlogTools.CountInserts(decoded);
        foreach (var table in tables)
        {
            var name = TableState.Quote(table.Schema) + "." + TableState.Quote(table.Table);
            Assert.True(table.Rows == (inserts.TryGetValue(name, out var n) ? n : 0), $"{name}: {table.Rows} rows in the table, {(inserts.TryGetValue(name, out var m) ? m : 0)} row events in the binlog");
            Assert.Matches(new Regex(@"CREATE TABLE " + Regex.Escape(TableState.Quote(table.Table)) + @" \("), decoded);
        }
        // Nothing that names a backup table reaches consumers.
        Assert.DoesNotContain("_bfbk_", decoded);

        await using var consumer = await servers.StartConsumerAsync();
        var sql = await BinlogTools.ReadAsSqlAsync(servers.Replica, start.File, start.Position, end.File, end.Position);
        var schemas = tables.Select(t => t.Schema).Distinct().Select(s => "CREATE DATABASE IF NOT EXISTS " + TableState.Quote(s) + ";");
        await BinlogTools.ApplySqlAsync(consumer.Endpoint, string.Join("\n", schemas) + "\n" + sql);
        foreach (var table in tables)
        {
            var replayed = await TableState.ReadAsync(consumer.Endpoint, table.Schema, table.Table);
            Assert.True(table.Checksum == replayed.Checksum && table.Rows == replayed.Rows,
                $"{table.Schema}.{table.Table}: replica checksum {table.Checksum} ({table.Rows} rows), replayed binlog {replayed.Checksum} ({replayed.Rows} rows)");
        }
    }

    /// <summary>Every binlog range of a flush (one, or one a run for a resumed flush), decoded and joined.</summary>
    public static async Task<string> DecodeRangesAsync(ReplicaPairFixture servers, FlushResult result)
    {
        var decoded = "";
        foreach (var range in result.BinlogRanges)
            decoded += await BinlogTools.DecodeAsync(servers.Replica, range.Start!.File, range.Start.Position, range.End!.File, range.End.Position);
        return decoded;
    }

    public static void AssertSameTables(IReadOnlyList<TableState> before, IReadOnlyList<TableState> after)
    {
        Assert.Equal(before.Select(t => t.Schema + "." + t.Table), after.Select(t => t.Schema + "." + t.Table));
        foreach (var (b, a) in before.Zip(after)) Assert.Equal(b, a);
    }

    /// <summary>Test-BinlogFlushReadiness -Detailed's checks by name.</summary>
    public static Dictionary<string, Engine.Planning.ReadinessCheck> ChecksOf(PowerShellRun run) =>
        ((object[])run.Output.Single().Properties["Checks"].Value).Cast<Engine.Planning.ReadinessCheck>().ToDictionary(c => c.Name);

    /// <summary>Binlog coordinates in the server's order: the file (numbered names sort as written), then the position.</summary>
    public static int BinlogOrder(BinlogCoordinates a, BinlogCoordinates b)
    {
        var files = string.CompareOrdinal(a.File, b.File);
        return files != 0 ? files : a.Position.CompareTo(b.Position);
    }

    public static FlushResult SingleResult(PowerShellRun run)
    {
        Assert.True(run.Terminating is null, run.Terminating?.ToString());
        Assert.True(run.Errors.Count == 0, string.Join("\n", run.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        return (FlushResult)run.Output.Single().BaseObject;
    }

    public static async Task<bool> SqlThreadRunningAsync(ServerEndpoint replica, bool mariaDb)
    {
        var rows = await ReplicaPairFixture.QueryAsync(replica, mariaDb ? "SHOW ALL SLAVES STATUS" : "SHOW REPLICA STATUS");
        var columns = await ColumnIndexAsync(replica, mariaDb ? "SHOW ALL SLAVES STATUS" : "SHOW REPLICA STATUS", mariaDb ? "Slave_SQL_Running" : "Replica_SQL_Running");
        return rows.Count > 0 && (string?)rows[0][columns] == "Yes";
    }

    static async Task<int> ColumnIndexAsync(ServerEndpoint server, string sql, string column)
    {
        await using var connection = await ReplicaPairFixture.OpenAsync(server);
        await using var reader = await new MySqlConnector.MySqlCommand(sql, connection).ExecuteReaderAsync();
        return reader.GetOrdinal(column);
    }

    public static Dictionary<string, object?> Variables(ReplicaPairFixture servers, params (string Name, object? Value)[] extra)
    {
        var variables = new Dictionary<string, object?>
        {
            ["replica"] = $"127.0.0.1:{servers.Replica.Port}",
            ["replicaHost"] = servers.Replica.Host,
            ["replicaPort"] = servers.Replica.Port,
            ["cred"] = PowerShellRunner.Credential(servers.Replica.User, servers.Replica.Password),
        };
        foreach (var (name, value) in extra) variables[name] = value;
        return variables;
    }
}
