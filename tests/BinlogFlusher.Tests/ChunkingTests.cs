using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;
using MySqlConnector;

namespace BinlogFlusher.Tests;

/// <summary>Chunk keys through the journal, chunk sizing by rows and bytes, and which tables are flushed together.</summary>
public sealed class ChunkingTests
{
    public static TheoryData<object?> KeyValues => new()
    {
        null, long.MinValue, long.MaxValue, -1, (sbyte)-5, (short)7, ulong.MaxValue, (uint)4000000000, 12345.678901m, -0.5m,
        "it's `odd` ; 😀", "", new byte[] { 0, 255, 39, 96 }, new DateTime(2026, 11, 30, 23, 59, 58, 999).AddTicks(9990),
        new MySqlDateTime(0, 0, 0, 0, 0, 0, 0), TimeSpan.FromHours(-838).Add(TimeSpan.FromSeconds(-59)),
        new ExactDecimal("-123456789012345678901234567890.0000000001"), new ExactDecimal("0.12345678901234567890123456789012345678"),
    };

    [Theory]
    [MemberData(nameof(KeyValues))]
    public void EveryKeyTypeTheServerReturnsRoundTripsThroughTheJournalExactly(object? value)
    {
        var decoded = KeyCodec.Decode(KeyCodec.Encode(value));
        // Signed integers come back as long and unsigned as ulong, the types bound as parameters; a decimal as its exact
        // text, as a DECIMAL key is bound; everything else as it was.
        var expectedType = value is int or sbyte or short ? typeof(long) : value is uint ? typeof(ulong) : value is decimal ? typeof(ExactDecimal) : value?.GetType();
        Assert.Equal(expectedType, decoded?.GetType());
        if (value is int or sbyte or short or long or uint or ulong) Assert.Equal(Convert.ToDecimal(value), Convert.ToDecimal(decoded));
        else if (value is decimal number) Assert.Equal(number.ToString(System.Globalization.CultureInfo.InvariantCulture), ((ExactDecimal)decoded!).Text);
        else Assert.Equal(value, decoded);
    }

    [Fact]
    public void ADecimalKeyInAStateFileIsReadAsItsTextWhateverItsDigitsAndOneThatIsNoNumberIsRefused()
    {
        // As a state file written before held System.Decimal's text, and as one now holds the server's.
        Assert.Equal(new ExactDecimal("12345.678901"), KeyCodec.Decode(new KeyValue { Type = "decimal", Value = "12345.678901" }));
        Assert.Equal(new ExactDecimal("-12345678901234567890.1234567890123456789"), KeyCodec.Decode(new KeyValue { Type = "decimal", Value = "-12345678901234567890.1234567890123456789" }));
        Assert.Equal("(-1.5000000000, 'x')", KeyCodec.Describe(new object?[] { new ExactDecimal("-1.5000000000"), "x" }));
        foreach (var bad in new[] { "1e5", "", "12,5", "0x10", "1.5; DROP TABLE t" })
            Assert.Equal(FlushErrorKind.StateFileInvalid, Assert.Throws<FlushException>(() => KeyCodec.Decode(new KeyValue { Type = "decimal", Value = bad })).Kind);
    }

    [Fact]
    public void KeysAreDescribedReadablyAndUnknownOnesAreRefused()
    {
        Assert.Equal("(5, 'abc', 0x00FF, NULL)", KeyCodec.Describe(new object?[] { 5L, "abc", new byte[] { 0, 255 }, null }));
        Assert.Throws<NotSupportedException>(() => KeyCodec.Encode(new object()));
        Assert.Equal(FlushErrorKind.StateFileInvalid, Assert.Throws<FlushException>(() => KeyCodec.Decode(new KeyValue { Type = "guid", Value = "x" })).Kind);
    }

    static TableInfo Table(string name, long rows, long bytes) =>
        new() { Schema = "shop", Name = name, TableType = "BASE TABLE", Engine = "InnoDB", EstimatedRows = rows, DataLength = bytes };

    [Theory]
    [InlineData(1_000_000, 100_000_000, 10_000)]   // 100-byte rows: the row bound
    [InlineData(1_000, 1_048_576_000, 32)]         // 1 MiB rows: the byte bound
    [InlineData(0, 0, 10_000)]                      // no statistics: the row bound
    [InlineData(10, 335_544_320, 1)]                // rows larger than a chunk: one a chunk
    public void AChunkIsBoundByRowsAndByBytes(long rows, long bytes, int chunkRows)
    {
        var options = new FlushOptions { ChunkSize = 10_000, ChunkBytes = 32 * 1024 * 1024 };
        Assert.Equal(chunkRows, options.ChunkRows(Table("t", rows, bytes)));
    }

    [Fact]
    public void SmallTablesGoTogetherUpToFiftyAndOneChunkOfRowsAndBigOrBegunOnesAlone()
    {
        var options = new FlushOptions { ChunkSize = 1000 };
        var tables = Enumerable.Range(1, 120).Select(i => Table("small" + i, 5, 500)).ToList();
        tables.Insert(3, Table("big", 50_000, 5_000_000));
        var candidates = tables.ToDictionary(t => (t.Schema, t.Name), FlushCandidate.For);
        var work = tables.Select(t => new JournalTable { Schema = t.Schema, Table = t.Name }).ToList();
        work[5].CreateAttempted = true; // begun by an earlier run: continues on its own

        var units = TableWorkers.Units(work, candidates, options);

        Assert.Equal(new[] { 50, 1, 1, 50, 19 }, units.Select(u => u.Count));
        Assert.Equal("big", units[1].Single().Table);
        Assert.Same(work[5], units[2].Single());

        // 100 rows a table: ten fill a chunk of 1,000 rows.
        var fuller = Enumerable.Range(1, 25).Select(i => Table("mid" + i, 100, 10_000)).ToList();
        var byRows = TableWorkers.Units(fuller.Select(t => new JournalTable { Schema = t.Schema, Table = t.Name }), fuller.ToDictionary(t => (t.Schema, t.Name), FlushCandidate.For), options);
        Assert.Equal(new[] { 10, 10, 5 }, byRows.Select(u => u.Count));
    }
}
