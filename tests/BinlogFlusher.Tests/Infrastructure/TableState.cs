using BinlogFlusher.Sandbox;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>What a table is: rows (checksum and count), definition, triggers and foreign keys. Equal before and after a flush.</summary>
public sealed record TableState(string Schema, string Table, long Rows, string Checksum, string Definition, string Triggers, string ForeignKeys)
{
    public static async Task<List<TableState>> ReadAllAsync(ServerEndpoint server, params string[] schemas)
    {
        var list = string.Join(", ", schemas.Select(s => "'" + s.Replace("'", "''") + "'"));
        var tables = await ReplicaPairFixture.QueryAsync(server,
            $"SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN ({list}) ORDER BY TABLE_SCHEMA, TABLE_NAME");
        var states = new List<TableState>();
        foreach (var row in tables)
            states.Add(await ReadAsync(server, (string)row[0]!, (string)row[1]!));
        return states;
    }

    public static async Task<TableState> ReadAsync(ServerEndpoint server, string schema, string table)
    {
        var name = Quote(schema) + "." + Quote(table);
        var checksum = await ReplicaPairFixture.QueryAsync(server, "CHECKSUM TABLE " + name + " EXTENDED");
        var rows = Convert.ToInt64(await ReplicaPairFixture.ScalarAsync(server, "SELECT COUNT(*) FROM " + name));
        var definition = (await ReplicaPairFixture.QueryAsync(server, "SHOW CREATE TABLE " + name))[0][1] as string ?? "";
        var triggers = string.Join("; ", (await ReplicaPairFixture.QueryAsync(server,
            $"SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = {Literal(schema)} AND EVENT_OBJECT_TABLE = {Literal(table)} ORDER BY TRIGGER_NAME"))
            .Select(r => string.Join(" ", r)));
        var keys = string.Join("; ", (await ReplicaPairFixture.QueryAsync(server,
            $"SELECT CONSTRAINT_NAME, REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = {Literal(schema)} AND (TABLE_NAME = {Literal(table)} OR REFERENCED_TABLE_NAME = {Literal(table)}) ORDER BY CONSTRAINT_NAME"))
            .Select(r => string.Join(" ", r)));
        return new TableState(schema, table, rows, Convert.ToString(checksum[0][1]) ?? "NULL", definition, triggers, keys);
    }

    /// <summary>Tables a flush must never leave behind: backups (ours and the old tool's) and BLACKHOLE tables.</summary>
    public static async Task<List<string>> LeftoversAsync(ServerEndpoint server) =>
        (await ReplicaPairFixture.QueryAsync(server,
            "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ' ', IFNULL(ENGINE, '')) FROM information_schema.TABLES WHERE TABLE_NAME LIKE '\\_bfbk\\_%' OR TABLE_NAME LIKE '\\_BKTB\\_%' OR ENGINE = 'BLACKHOLE'"))
        .Select(r => (string)r[0]!).ToList();

    public static string Quote(string name) => "`" + name.Replace("`", "``") + "`";
    public static string Literal(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
