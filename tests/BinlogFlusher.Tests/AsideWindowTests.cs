using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Tests;

/// <summary>Which other sessions' events a table's time aside holds: from right after its rename aside, up to right after its rename back.</summary>
public sealed class AsideWindowTests
{
    static BinlogCoordinates At(string file, long position) => new() { File = file, Position = position };

    [Theory]
    [InlineData("binlog.000007", 999, false)]      // logged before the rename aside: the table in place
    [InlineData("binlog.000007", 1000, true)]      // the first event after it
    [InlineData("binlog.999999", 4, true)]
    [InlineData("binlog.1000000", 499, true)]      // after .999999, though it sorts first as text
    [InlineData("binlog.1000000", 500, false)]     // after the rename back: the table in place again
    [InlineData("binlog.000006", 5000, false)]
    public void AnEventIsInsideFromTheRenameAsideUpToTheRenameBack(string file, long position, bool inside)
    {
        var window = new AsideWindow(At("binlog.000007", 1000)) { To = At("binlog.1000000", 500) };

        Assert.Equal(inside, window.Holds(file, position));
    }

    [Fact]
    public void ATableNotPutBackIsAsideToTheEndOfTheBinlog()
    {
        var window = new AsideWindow(At("binlog.000007", 1000));

        Assert.True(window.Holds("binlog.000123", 4));
        Assert.False(window.Holds("binlog.000007", 4));
    }
}
