using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Tests;

public sealed class ExcludeTableTests
{
    static BinlogFlusher.Engine.Server.TableInfo Table(string schema, string name) => new() { Schema = schema, Name = name, TableType = "BASE TABLE", Engine = "InnoDB" };

    [Theory]
    [InlineData("feat", "versioned", "feat.versioned")]
    [InlineData("my db", "t", "'my db.t'")]
    [InlineData("s", "it's", "'s.it''s'")]
    [InlineData("s", "a*b", "'s.a`*b'")]
    public void TheValueAMessageTellsTheUserToPassIsExactlyTheTable(string schema, string name, string value)
    {
        Assert.Equal(value, BinlogFlusher.Engine.Planning.FlushCandidate.ExcludeValue(Table(schema, name)));
        // Passed back as the option's value (PowerShell and a POSIX shell both drop the single quotes and double the inner one), it leaves out that table and no other.
        var passed = value.StartsWith('\'') ? value[1..^1].Replace("''", "'") : value;
        var selection = new BinlogFlusher.Engine.Planning.FlushSelection { ExcludeTables = new[] { passed } };
        Assert.False(selection.Includes(Table(schema, name)));
        Assert.True(selection.Includes(Table(schema, name + "2")));
        Assert.True(selection.Includes(Table(schema + "x", name)));
    }

    [Fact]
    public void ExcludeTableAppliesAfterDatabaseAndTable()
    {
        var selection = new BinlogFlusher.Engine.Planning.FlushSelection { Databases = new[] { "shop" }, Tables = new[] { "order*" }, ExcludeTables = new[] { "shop.orders_archive", "tmp_*" } };
        Assert.True(selection.Includes(Table("shop", "orders")));
        Assert.False(selection.Includes(Table("shop", "orders_archive")));
        Assert.False(selection.Includes(Table("shop", "customers")));
        Assert.True(new BinlogFlusher.Engine.Planning.FlushSelection { ExcludeTables = new[] { "tmp_*" } }.Includes(Table("shop", "orders")));
        Assert.False(new BinlogFlusher.Engine.Planning.FlushSelection { ExcludeTables = new[] { "tmp_*" } }.Includes(Table("any", "tmp_1")));
    }
}
