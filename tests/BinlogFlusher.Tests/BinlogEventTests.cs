using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Tests;

public sealed class BinlogEventTests
{
    [Theory]
    [InlineData("use `bf_shop`; ALTER TABLE items ADD COLUMN x INT", "bf_shop.items")]
    [InlineData("ALTER TABLE bf_shop.items ADD COLUMN x INT", "bf_shop.items")]
    [InlineData("use `we``ird`; ALTER TABLE `it``s` DROP COLUMN y", "we`ird.it`s")]
    [InlineData("use `a`; CREATE TABLE IF NOT EXISTS `b`.`c` (id INT)", "b.c")]
    [InlineData("ALTER TABLE items ADD COLUMN x INT", null)]
    [InlineData("FLUSH PRIVILEGES", null)]
    public void AStatementNamesTheTableItWorksOn(string info, string? table)
    {
        Assert.Equal(table, BinlogFlusher.Engine.Server.ServerInspector.StatementTable(info));
    }

    [Theory]
    [InlineData("0-1-15,191-2-4", "0-1-15,191-2-9", 191, false)]
    [InlineData("0-1-15,191-2-4", "0-1-15,77-2-1,191-2-9", 191, true)]
    [InlineData("0-1-15", "0-2-16", 191, true)]
    [InlineData("", "191-2-1", 191, false)]
    public void OnlyAnotherDomainMovingIsAForeignWrite(string start, string end, long own, bool moved)
    {
        Assert.Equal(moved, BinlogFlusher.Engine.Server.GtidPositions.OtherDomainsMoved(start, end, own));
    }
}
