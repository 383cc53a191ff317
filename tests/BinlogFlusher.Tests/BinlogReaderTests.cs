using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using BinlogFlusher.Engine.Binlog;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Sandbox;
using BinlogFlusher.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BinlogFlusher.Tests;

/// <summary>
/// The engine's own binlog reader against the real primary: rows written there are read back over the replication
/// protocol, compared with what mariadb-binlog decodes of the same range and with the values inserted.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class BinlogReaderTests(ReplicaPairFixture servers, ITestOutputHelper log)
{
    ConnectionSettings PrimarySettings => new(servers.Primary.Host, servers.Primary.Port, servers.Primary.User, servers.Primary.Password);

    async Task<BinlogCoordinates> PrimaryPositionAsync()
    {
        var row = (await servers.BinlogStatusAsync(servers.Primary))[0];
        return new BinlogCoordinates { File = (string)row[0]!, Position = Convert.ToInt64(row[1], CultureInfo.InvariantCulture) };
    }

    static async Task<List<BinlogEvent>> ReadAllAsync(ConnectionSettings settings, BinlogCoordinates start, BinlogCoordinates end)
    {
        var events = new List<BinlogEvent>();
        await foreach (var binlogEvent in BinlogReader.ReadAsync(settings, start, end, CancellationToken.None)) events.Add(binlogEvent);
        return events;
    }

    const string TypesTable = """
        CREATE TABLE bf_reader.types (
          id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, i INT, bi BIGINT, bu BIGINT UNSIGNED,
          f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dec2 DECIMAL(30,12), y YEAR, dt DATE, tm TIME(3), tm0 TIME, tm6 TIME(6),
          dtm DATETIME(6), dtm0 DATETIME, ts TIMESTAMP(2) NULL, b BIT(10), e ENUM('red','green','blue'), s SET('a','b','c','d'),
          c CHAR(10), cw CHAR(100), vc VARCHAR(50), vl VARCHAR(300), vb VARBINARY(10), tb TINYBLOB, bl BLOB, mt MEDIUMTEXT,
          lt LONGTEXT, j JSON, g GEOMETRY)
        """;

    const string FirstRow = """
        INSERT INTO bf_reader.types VALUES (1, 127, 255, -32768, -8388608, -2147483648, -9223372036854775808, 18446744073709551615,
          1.5, -2.25e100, -12345678.91, -123456789012345678.123456789012, 2024, '2024-02-29', '-12:34:56.789', '838:59:59', '-00:00:00.000001',
          '2024-02-29 13:45:12.123456', '1000-01-01 00:00:00', '2024-02-29 13:45:12.34', b'1010101011', 'blue', 'a,c,d',
          'héllo', 'ünïcödé 雪', 'Grüße 😀', REPEAT('é', 250), 0x00FF10, 0x0102, REPEAT('x', 1000), 'mediumtext ✓',
          'long', '{"a": [1, 2]}', ST_GeomFromText('POINT(1 2)'))
        """;

    const string ThirdRow = """
        INSERT INTO bf_reader.types VALUES (-3, -1, 0, 1, 8388607, 2147483647, 9223372036854775807, 0,
          -0.25, 0, 0.05, 0.000000000001, 1901, '1000-01-01', '-00:00:00.5', '-838:59:59', '12:00:00.5',
          '9999-12-31 23:59:59.999999', '2000-01-01 00:00:01', '1970-01-01 00:00:01.5', b'0000000001', 'red', '',
          '', '', '', '', '', '', '', '', '', '[]', ST_GeomFromText('POINT(-1.5 0)'))
        """;

    [Fact]
    public async Task EveryColumnTypeRoundTripsAndTheRowsMatchWhatMariadbBinlogDecodes()
    {
        await servers.ResetAsync();
        var metadata = await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT @@global.binlog_row_metadata");
        await ReplicaPairFixture.ExecuteAsync(servers.Primary, "SET GLOBAL binlog_row_metadata = 'MINIMAL'");
        try
        {
            await servers.OnPrimaryAsync("CREATE DATABASE bf_reader", TypesTable, "CREATE TABLE bf_reader.many (id INT PRIMARY KEY, pad VARCHAR(200))");
            var start = await PrimaryPositionAsync();
            await servers.OnPrimaryAsync("SET time_zone = '+00:00'", "SET max_recursive_iterations = 1000000", FirstRow, "INSERT INTO bf_reader.types (id) VALUES (2)", ThirdRow,
                "INSERT INTO bf_reader.many WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 3000) SELECT n, REPEAT('p', 150) FROM s");
            var end = await PrimaryPositionAsync();

            var events = await ReadAllAsync(PrimarySettings, start, end);

            var writes = events.OfType<WriteRowsEvent>().ToList();
            var decoded = await BinlogTools.DecodeAsync(servers.Primary, start.File, start.Position, end.File, end.Position);
            var counts = writes.GroupBy(w => w.Table.QuotedName).ToDictionary(g => g.Key, g => g.Sum(w => w.Rows.Count));
            Assert.Equal(BinlogTools.CountInserts(decoded).OrderBy(p => p.Key), counts.OrderBy(p => p.Key));
            Assert.Equal(3000, counts["`bf_reader`.`many`"]);
            var keys = writes.SelectMany(w => w.Rows.Select(r => w.Table.QuotedName + " " + Convert.ToString(r[0], CultureInfo.InvariantCulture))).ToList();
            var decodedKeys = Regex.Matches(decoded, @"^### INSERT INTO (.+)\n### SET\n###   @1=(\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value + " " + m.Groups[2].Value).ToList();
            Assert.Equal(decodedKeys, keys);
            Assert.All(events.Where(e => !e.IsArtificial && e.Type != BinlogEventType.FormatDescription), e => Assert.InRange(e.Position, start.Position, end.Position - 1));
            // MariaDB writes no BEGIN: a GTID event that is not standalone opens the transaction.
            Assert.Contains(events, e => e is GtidEvent { DomainId: 0, IsStandalone: false });
            Assert.Contains(events, e => e is XidEvent);

            var rows = writes.Where(w => w.Table.Table == "types").SelectMany(w => w.Rows).ToList();
            var table = writes.First(w => w.Table.Table == "types").Table;
            AssertColumns(table);
            AssertFirstRow(rows[0]);
            Assert.Equal(2L, rows[1][0]);
            Assert.All(rows[1].Skip(1), Assert.Null);
            await AssertThirdRowAsync(rows[2]);
        }
        finally
        {
            await ReplicaPairFixture.ExecuteAsync(servers.Primary, $"SET GLOBAL binlog_row_metadata = '{metadata}'");
            await servers.ResetAsync();
        }
    }

    static void AssertColumns(TableMapEvent table)
    {
        Assert.Equal(("bf_reader", "types", 34), (table.Schema, table.Table, table.Columns.Count));
        Assert.False(table.Columns[0].Nullable);
        Assert.True(table.Columns[1].Nullable);
        Assert.Equal(ColumnType.Enum, table.Columns[21].Type);
        Assert.Equal(ColumnType.String, table.Columns[21].WireType);
        Assert.Equal(ColumnType.Set, table.Columns[22].Type);
        Assert.Equal((ColumnType.String, 400), (table.Columns[24].Type, table.Columns[24].Length));
        Assert.Equal((30, 12), (table.Columns[11].Precision, table.Columns[11].Scale));
        Assert.Equal(ColumnType.Blob, table.Columns[32].Type);
        Assert.Equal(ColumnType.Geometry, table.Columns[33].Type);
    }

    static string Text(object? value) => Encoding.UTF8.GetString((byte[])value!);

    static void AssertFirstRow(object?[] row)
    {
        Assert.Equal(new object?[] { 1L, 127L, (ulong)255, -32768L, -8388608L, -2147483648L, long.MinValue, ulong.MaxValue, 1.5f, -2.25e100 }, row.Take(10));
        Assert.Equal(-12345678.91m, row[10]);
        Assert.Equal("-123456789012345678.123456789012", row[11]);
        Assert.Equal(2024, row[12]);
        Assert.Equal(new object?[] { "2024-02-29", "-12:34:56.789", "838:59:59", "-00:00:00.000001", "2024-02-29 13:45:12.123456", "1000-01-01 00:00:00" }, row.Skip(13).Take(6));
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 13, 45, 12, 340, TimeSpan.Zero), row[19]);
        Assert.Equal(0b1010101011UL, row[20]);
        Assert.Equal(3, row[21]);
        Assert.Equal(13UL, row[22]);
        Assert.Equal(new[] { "héllo", "ünïcödé 雪", "Grüße 😀", new string('é', 250) }, row.Skip(23).Take(4).Select(Text));
        Assert.Equal(new byte[] { 0, 0xFF, 0x10 }, row[27]);
        Assert.Equal(new byte[] { 1, 2 }, row[28]);
        Assert.Equal(new[] { new string('x', 1000), "mediumtext ✓", "long", """{"a": [1, 2]}""" }, row.Skip(29).Take(4).Select(Text));
    }

    async Task AssertThirdRowAsync(object?[] row)
    {
        Assert.Equal(new object?[] { -3L, -1L, (ulong)0, 1L, 8388607L, 2147483647L, long.MaxValue, (ulong)0, -0.25f, 0d, 0.05m, "0.000000000001", 1901 }, row.Take(13));
        Assert.Equal(new object?[] { "1000-01-01", "-00:00:00.500", "-838:59:59", "12:00:00.500000", "9999-12-31 23:59:59.999999", "2000-01-01 00:00:01" }, row.Skip(13).Take(6));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1500), row[19]);
        Assert.Equal(1UL, row[20]);
        Assert.Equal(1, row[21]);
        Assert.Equal(0UL, row[22]);
        Assert.All(row.Skip(23).Take(9), value => Assert.Empty((byte[])value!));
        Assert.Equal("[]", Text(row[32]));
        var geometry = await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT g FROM bf_reader.types WHERE id = -3");
        Assert.Equal((byte[])geometry!, row[33]);
    }

    [Fact]
    public async Task TemporalAndDecimalValuesOfEveryPrecisionReadAsTheServerPrintsThem()
    {
        await servers.ResetAsync();
        try
        {
            await servers.OnPrimaryAsync("CREATE DATABASE bf_reader", """
                CREATE TABLE bf_reader.p (id INT PRIMARY KEY, t1 TIME(1), t2 TIME(2), t4 TIME(4), t5 TIME(5), d1 DATETIME(1), d3 DATETIME(3), d5 DATETIME(5),
                  n1 DECIMAL(9,9), n2 DECIMAL(18,0), n3 DECIMAL(10,4), n4 DECIMAL(28,10), n5 DECIMAL(65,30), n6 DECIMAL(19,9))
                """);
            var start = await PrimaryPositionAsync();
            await servers.OnPrimaryAsync("""
                INSERT INTO bf_reader.p VALUES
                  (1, '-00:00:00.1', '-00:00:00.99', '-01:02:03.0001', '-838:59:58.99999', '2024-02-29 00:00:00.1', '1000-01-01 00:00:00.001', '9999-12-31 23:59:59.99999',
                   0.000000001, -999999999999999999, -1.5, 123456789012345678.0123456789, -12345678901234567890123456789012345.123456789012345678901234567890, -0.000000001),
                  (2, '838:59:59.9', '-00:00:01.01', '00:00:00.0000', '-00:00:00.00001', '2000-06-15 12:30:45.9', '2000-06-15 12:30:45.5', '2000-06-15 12:30:45.00001',
                   -0.999999999, 0, 0.0001, -0.0000000001, 0, 1234567890.123456789)
                """);
            var end = await PrimaryPositionAsync();

            var rows = (await ReadAllAsync(PrimarySettings, start, end)).OfType<WriteRowsEvent>().SelectMany(w => w.Rows).ToList();

            var printed = await ReplicaPairFixture.QueryAsync(servers.Primary, "SELECT id, " + string.Join(", ",
                new[] { "t1", "t2", "t4", "t5", "d1", "d3", "d5", "n1", "n2", "n3", "n4", "n5", "n6" }.Select(c => $"CAST({c} AS CHAR)")) + " FROM bf_reader.p ORDER BY id");
            Assert.Equal(2, rows.Count);
            for (var r = 0; r < 2; r++)
                Assert.Equal(printed[r].Skip(1).Select(v => (string)v!), rows[r].Skip(1).Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!));
        }
        finally
        {
            await servers.ResetAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpdateAndDeleteRowsAreReadWithTheirTableAndImages(bool compressed)
    {
        if (compressed && !servers.IsMariaDb) return;
        await servers.ResetAsync();
        var compress = servers.IsMariaDb ? await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT @@global.log_bin_compress") : null;
        var minimum = servers.IsMariaDb ? await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT @@global.log_bin_compress_min_len") : null;
        try
        {
            await servers.OnPrimaryAsync("CREATE DATABASE bf_reader", "CREATE TABLE bf_reader.t (id INT PRIMARY KEY, note VARCHAR(100))",
                "INSERT INTO bf_reader.t VALUES (1, 'one'), (2, NULL), (3, 'three'), (4, 'four')");
            if (compressed) await ReplicaPairFixture.ExecuteAsync(servers.Primary, "SET GLOBAL log_bin_compress = ON", "SET GLOBAL log_bin_compress_min_len = 10");
            var start = await PrimaryPositionAsync();
            await servers.OnPrimaryAsync("UPDATE bf_reader.t SET note = CONCAT('changed ', id) WHERE id <= 2", "DELETE FROM bf_reader.t WHERE id >= 3");
            var end = await PrimaryPositionAsync();

            var events = await ReadAllAsync(PrimarySettings, start, end);

            static object?[] Text(object?[] row) => row.Select(v => v is byte[] b ? Encoding.UTF8.GetString(b) : v).ToArray();
            var update = Assert.Single(events.OfType<UpdateRowsEvent>());
            Assert.Equal(compressed ? BinlogEventType.MariaDbUpdateRowsCompressedV1 : servers.IsMariaDb ? BinlogEventType.UpdateRowsV1 : BinlogEventType.UpdateRowsV2, update.Type);
            Assert.Equal(("bf_reader", "t"), (update.Table.Schema, update.Table.Table));
            Assert.Equal(new[] { new object?[] { 1L, "one" }, new object?[] { 2L, null } }, update.Rows.Select(Text));
            Assert.Equal(new[] { new object?[] { 1L, "changed 1" }, new object?[] { 2L, "changed 2" } }, update.RowsAfter.Select(Text));
            var delete = Assert.Single(events.OfType<DeleteRowsEvent>());
            Assert.Equal(compressed ? BinlogEventType.MariaDbDeleteRowsCompressedV1 : servers.IsMariaDb ? BinlogEventType.DeleteRowsV1 : BinlogEventType.DeleteRowsV2, delete.Type);
            Assert.Equal(new[] { new object?[] { 3L, "three" }, new object?[] { 4L, "four" } }, delete.Rows.Select(Text));
            Assert.Empty(events.OfType<WriteRowsEvent>());
        }
        finally
        {
            if (servers.IsMariaDb) await ReplicaPairFixture.ExecuteAsync(servers.Primary, $"SET GLOBAL log_bin_compress = {compress}", $"SET GLOBAL log_bin_compress_min_len = {minimum}");
            await servers.ResetAsync();
        }
    }

    [Fact]
    public async Task MariaDbCompressedEventsAreReadLikeTheOthers()
    {
        if (!servers.IsMariaDb) return;
        await servers.ResetAsync();
        var compress = await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT @@global.log_bin_compress");
        var minimum = await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT @@global.log_bin_compress_min_len");
        try
        {
            await servers.OnPrimaryAsync("CREATE DATABASE bf_reader", "CREATE TABLE bf_reader.t (id INT PRIMARY KEY, note VARCHAR(100), amount DECIMAL(8,2))");
            await ReplicaPairFixture.ExecuteAsync(servers.Primary, "SET GLOBAL log_bin_compress = ON", "SET GLOBAL log_bin_compress_min_len = 10");
            var start = await PrimaryPositionAsync();
            await servers.OnPrimaryAsync("INSERT INTO bf_reader.t VALUES (1, REPEAT('compressible ', 7), -1.25), (2, NULL, 3.50)", "ALTER TABLE bf_reader.t COMMENT 'a statement long enough to be compressed'");
            var end = await PrimaryPositionAsync();

            var events = await ReadAllAsync(PrimarySettings, start, end);

            var write = Assert.Single(events.OfType<WriteRowsEvent>());
            Assert.Equal(BinlogEventType.MariaDbWriteRowsCompressedV1, write.Type);
            Assert.Equal(new object?[] { 1L, string.Concat(Enumerable.Repeat("compressible ", 7)), -1.25m }, write.Rows[0].Select(v => v is byte[] b ? Encoding.UTF8.GetString(b) : v));
            Assert.Equal(new object?[] { 2L, null, 3.50m }, write.Rows[1]);
            Assert.Contains(events, e => e is QueryEvent { Type: BinlogEventType.MariaDbQueryCompressed, Statement: "ALTER TABLE bf_reader.t COMMENT 'a statement long enough to be compressed'" });
        }
        finally
        {
            await ReplicaPairFixture.ExecuteAsync(servers.Primary, $"SET GLOBAL log_bin_compress = {compress}", $"SET GLOBAL log_bin_compress_min_len = {minimum}");
            await servers.ResetAsync();
        }
    }

    [Fact]
    public async Task ARangeOfManyRowsIsReadWhole()
    {
        // BINLOGFLUSHER_READER_MB makes the range bigger to measure the reader's throughput (reported in the test output).
        // BINLOGFLUSHER_READER_PAD sets the bytes of filler per row (1000 by default): smaller rows measure the per-row cost.
        var megabytes = int.TryParse(Environment.GetEnvironmentVariable("BINLOGFLUSHER_READER_MB"), out var mb) ? mb : 4;
        var pad = int.TryParse(Environment.GetEnvironmentVariable("BINLOGFLUSHER_READER_PAD"), out var p) ? p : 1000;
        var rows = megabytes * 1_048_576 / (pad + 24);
        await servers.ResetAsync();
        try
        {
            await servers.OnPrimaryAsync("CREATE DATABASE bf_reader", "CREATE TABLE bf_reader.big (id INT PRIMARY KEY, pad VARCHAR(1000))");
            var start = await PrimaryPositionAsync();
            for (var from = 0; from < rows; from += 10_000)
                await ReplicaPairFixture.ExecuteAsync(servers.Primary, "SET max_recursive_iterations = 1000000", $"INSERT INTO bf_reader.big WITH RECURSIVE s(n) AS (SELECT {from + 1} UNION ALL SELECT n + 1 FROM s WHERE n < {Math.Min(rows, from + 10_000)}) SELECT n, REPEAT('b', {pad}) FROM s");
            var end = await PrimaryPositionAsync();
            await servers.WaitForReplicaAsync(); // the reset below drops the schema on the replica: it must have applied the rows first

            var reader = new BinlogReader(PrimarySettings);
            var clock = Stopwatch.StartNew();
            long count = 0, lastKey = 0;
            await foreach (var binlogEvent in reader.ReadAsync(start, end))
            {
                if (binlogEvent is not WriteRowsEvent write) continue;
                count += write.Rows.Count;
                lastKey = (long)write.Rows[^1][0]!;
            }
            clock.Stop();

            Assert.Equal((rows, (long)rows), (count, lastKey));
            log.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0:N1} MB of binlog ({1:N0} rows) in {2:N2} s: {3:N1} MB/s",
                reader.BytesRead / 1e6, count, clock.Elapsed.TotalSeconds, reader.BytesRead / 1e6 / clock.Elapsed.TotalSeconds));
            if (Environment.GetEnvironmentVariable("BINLOGFLUSHER_READER_MB") is not null)
            {
                clock.Restart();
                var sql = await BinlogTools.ReadAsSqlAsync(servers.Primary, start.File, start.Position, end.File, end.Position);
                log.WriteLine(string.Format(CultureInfo.InvariantCulture, "mariadb-binlog --read-from-remote-server over the same range: {0:N2} s ({1:N0} characters of output)", clock.Elapsed.TotalSeconds, sql.Length));
            }
        }
        finally
        {
            await servers.ResetAsync();
        }
    }

    [Fact]
    public async Task AnAccountWithoutReplicationSlaveIsToldWhatToGrantAndOneWithItReads()
    {
        await servers.ResetAsync();
        try
        {
            await servers.OnPrimaryAsync("CREATE USER 'bf_test_reader'@'%' IDENTIFIED BY 'Reader-pass1'", "GRANT SELECT ON *.* TO 'bf_test_reader'@'%'");
            var start = await PrimaryPositionAsync();
            var settings = new ConnectionSettings(servers.Primary.Host, servers.Primary.Port, "bf_test_reader", "Reader-pass1");

            var refused = await Assert.ThrowsAsync<BinlogReaderException>(() => ReadAllAsync(settings, start, start));
            Assert.Contains("GRANT REPLICATION SLAVE", refused.Message, StringComparison.Ordinal);
            Assert.Contains(refused.ServerErrorCode, new[] { 1045, 1227 });

            await servers.OnPrimaryAsync("GRANT REPLICATION SLAVE ON *.* TO 'bf_test_reader'@'%'", "CREATE DATABASE bf_reader");
            var events = await ReadAllAsync(settings, start, await PrimaryPositionAsync());
            Assert.Contains(events, e => e is QueryEvent { Statement: "CREATE DATABASE bf_reader" });

            var wrong = new ConnectionSettings(servers.Primary.Host, servers.Primary.Port, "bf_test_reader", "wrong");
            var denied = await Assert.ThrowsAsync<BinlogReaderException>(() => ReadAllAsync(wrong, start, start));
            Assert.Equal(1045, denied.ServerErrorCode);
            Assert.StartsWith($"Cannot log in to {settings.Target} as user 'bf_test_reader'", denied.Message, StringComparison.Ordinal);
        }
        finally
        {
            await servers.ResetAsync();
        }
    }

    [Fact]
    public async Task ARangeAcrossARotateIsFollowedIntoTheNextFileAndWithoutAnEndToTheEndOfTheBinlog()
    {
        await servers.ResetAsync();
        try
        {
            await servers.OnPrimaryAsync("CREATE DATABASE bf_reader", "CREATE TABLE bf_reader.t (id INT PRIMARY KEY)");
            var start = await PrimaryPositionAsync();
            await servers.OnPrimaryAsync("INSERT INTO bf_reader.t VALUES (1), (2)", "FLUSH BINARY LOGS", "INSERT INTO bf_reader.t VALUES (3)");
            var end = await PrimaryPositionAsync();
            Assert.NotEqual(start.File, end.File);
            await servers.OnPrimaryAsync("INSERT INTO bf_reader.t VALUES (4)");

            var bounded = await ReadAllAsync(PrimarySettings, start, end);
            var unbounded = new List<BinlogEvent>();
            await foreach (var binlogEvent in BinlogReader.ReadAsync(PrimarySettings, start, null, CancellationToken.None)) unbounded.Add(binlogEvent);

            static List<string> Keys(List<BinlogEvent> events) => events.OfType<WriteRowsEvent>().SelectMany(w => w.Rows.Select(r => w.File + " " + r[0])).ToList();
            Assert.Equal(new[] { $"{start.File} 1", $"{start.File} 2", $"{end.File} 3" }, Keys(bounded));
            Assert.Equal(new[] { $"{start.File} 1", $"{start.File} 2", $"{end.File} 3", $"{end.File} 4" }, Keys(unbounded));
            Assert.Contains(bounded, e => e is RotateEvent { IsArtificial: false } rotate && rotate.NextFile == end.File && rotate.NextPosition == 4);
        }
        finally
        {
            await servers.ResetAsync();
        }
    }

    [Fact]
    public async Task AnAccountOfAnotherAuthenticationPluginIsToldWhichPluginAndWhatToDo()
    {
        await servers.ResetAsync();
        var installed = await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'") is not 0L;
        try
        {
            await ReplicaPairFixture.ExecuteAsync(servers.Primary, "SET SESSION sql_log_bin = 0", installed ? "DO 0" : "INSTALL SONAME 'auth_ed25519'",
                "CREATE USER 'bf_test_ed'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('Ed-pass1')", "GRANT REPLICATION SLAVE ON *.* TO 'bf_test_ed'@'%'");
            var start = await PrimaryPositionAsync();
            var settings = new ConnectionSettings(servers.Primary.Host, servers.Primary.Port, "bf_test_ed", "Ed-pass1");

            var error = await Assert.ThrowsAsync<BinlogReaderException>(() => ReadAllAsync(settings, start, start));

            Assert.Contains("authenticates with client_ed25519", error.Message, StringComparison.Ordinal);
            Assert.Contains("mysql_native_password", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await servers.ResetAsync();
            if (!installed) await ReplicaPairFixture.ExecuteAsync(servers.Primary, "UNINSTALL SONAME 'auth_ed25519'");
        }
    }

    [Fact]
    public async Task CancellingStopsTheReadAndClosesTheConnection()
    {
        await servers.ResetAsync();
        try
        {
            await servers.OnPrimaryAsync("CREATE DATABASE bf_reader", "CREATE TABLE bf_reader.t (id INT PRIMARY KEY)");
            var start = await PrimaryPositionAsync();
            await servers.OnPrimaryAsync("INSERT INTO bf_reader.t VALUES (1)", "INSERT INTO bf_reader.t VALUES (2)");
            using var cancel = new CancellationTokenSource();
            var read = 0;

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var binlogEvent in BinlogReader.ReadAsync(PrimarySettings, start, null, cancel.Token))
                    if (++read == 3) cancel.Cancel();
            });

            Assert.Equal(3, read);
            object? dumps = null;
            for (var wait = 0; wait < 50 && dumps is not 1L; wait++, await Task.Delay(100))
                dumps = await ReplicaPairFixture.ScalarAsync(servers.Primary, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
            Assert.Equal(1L, dumps); // the replica's own: the server noticed the reader leave
        }
        finally
        {
            await servers.ResetAsync();
        }
    }

    [Fact]
    public async Task AnUnreachableServerIsNamedInTheError()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var settings = new ConnectionSettings("127.0.0.1", port, "root", null);

        var error = await Assert.ThrowsAsync<BinlogReaderException>(() => ReadAllAsync(settings, new BinlogCoordinates { File = "binlog.000001", Position = 4 }, new BinlogCoordinates { File = "binlog.000001", Position = 4 }));

        Assert.StartsWith($"Cannot connect to 127.0.0.1:{port} to read its binlog", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStartInAFileTheServerDoesNotHaveIsTheServersError()
    {
        var error = await Assert.ThrowsAsync<BinlogReaderException>(() => ReadAllAsync(PrimarySettings, new BinlogCoordinates { File = "binlog.999999", Position = 4 }, new BinlogCoordinates { File = "binlog.999999", Position = 100 }));

        Assert.Equal(1236, error.ServerErrorCode);
        Assert.Contains("SHOW BINARY LOGS", error.Message, StringComparison.Ordinal);
    }
}
