using BinlogFlusher.Engine;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Tests;

public sealed class InputTests
{
    [Theory]
    [InlineData("db1", 3306, "db1", 3306)]
    [InlineData("db1:3307", 3306, "db1", 3307)]
    [InlineData("[::1]:3308", 3306, "::1", 3308)]
    [InlineData("::1", 3306, "::1", 3306)]
    public void HostNamesParse(string text, int defaultPort, string host, int port) =>
        Assert.Equal((host, port), ConnectionSettings.ParseHost(text, defaultPort));

    [Theory]
    [InlineData("db1:abc")]
    [InlineData("db1:70000")]
    [InlineData("")]
    public void BadHostNamesSayHowToWriteThem(string text) =>
        Assert.Contains("host", Assert.Throws<FormatException>(() => ConnectionSettings.ParseHost(text, 3306)).Message);

    [Fact]
    public void TheClientSectionOfMyCnfIsRead()
    {
        var cnf = MyCnfFile.Parse("x.cnf", new[] { "[mysqld]", "user=server", "[client]", "user = ops", "password=\"p#ss\"", "port=3307 # comment", "ssl_mode=REQUIRED", "[mysql]", "user=other" });
        Assert.Equal("ops", cnf.User);
        Assert.Equal("p#ss", cnf.Password);
        Assert.Equal(3307, cnf.Port);
        Assert.Equal("REQUIRED", cnf.SslMode);
    }

    [Fact]
    public void ThePasswordNeverShowsInSettingsText()
    {
        var settings = new ConnectionSettings("db1", 3306, "ops", "hunter2");
        Assert.DoesNotContain("hunter2", settings.ToString());
        Assert.Equal("ops@db1:3306", settings.ToString());
    }

    [Fact]
    public void SelectionTakesWildcardsSchemaQualifiedTablesAndAlwaysSkipsSystemSchemas()
    {
        var selection = new FlushSelection { Databases = new[] { "shop*" }, Tables = new[] { "orders", "shop_eu.cust?mers" }, ExcludeDatabases = new[] { "shop_old" } };
        TableInfo T(string schema, string name) => new() { Schema = schema, Name = name };
        Assert.True(selection.Includes(T("shop", "orders")));
        Assert.True(selection.Includes(T("shop_eu", "customers")));
        Assert.False(selection.Includes(T("shop", "customers")));
        Assert.False(selection.Includes(T("shop_old", "orders")));
        Assert.False(selection.Includes(T("other", "orders")));
        Assert.False(new FlushSelection().Includes(T("mysql", "user")));
        Assert.False(new FlushSelection().Includes(T("_binlogflusher", "journal")));
    }

    [Fact]
    public void QuotingEscapesBackticksAndLiteralsAreImmuneToSqlMode()
    {
        Assert.Equal("`a``b`", SqlText.Identifier("a`b"));
        Assert.Equal("`s`.`t`", SqlText.Qualified("s", "t"));
        Assert.Equal("_utf8mb4 X'27205C'", SqlText.Literal("' \\"));
        Assert.Throws<ArgumentException>(() => SqlText.Identifier(""));
    }

    /// <summary>The verbose log shows text literals as quoted, escaped SQL text; the statement sent keeps them hex.</summary>
    [Theory]
    [InlineData("server_id", "'server_id'")]
    [InlineData("it's a C:\\path", @"'it''s a C:\\path'")]
    [InlineData("two\nlines\tand a tab\0", @"'two\nlines\tand a tab\0'")]
    [InlineData("🦊 ü", "'🦊 ü'")]
    [InlineData("", "''")]
    public void TheVerboseLogShowsTextLiteralsAsQuotedText(string value, string shown)
    {
        var sql = $"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({SqlText.Literal(value)}, {SqlText.Literal("log_bin")})";
        Assert.Equal($"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({shown}, 'log_bin')", SqlText.Readable(sql));
    }

    [Theory]
    // Not UTF-8, or a control character MySQL has no escape for: stays hex.
    [InlineData("SELECT _utf8mb4 X'FF00'", "SELECT _utf8mb4 X'FF00'")]
    [InlineData("SELECT _utf8mb4 X'0161'", "SELECT _utf8mb4 X'0161'")]
    // What only looks like a hex literal, inside an identifier or a string, is left as it is.
    [InlineData("SELECT 1 FROM `_utf8mb4 X'41'` WHERE a = '_utf8mb4 X''41''' AND b = _utf8mb4 X'41'", "SELECT 1 FROM `_utf8mb4 X'41'` WHERE a = '_utf8mb4 X''41''' AND b = 'A'")]
    [InlineData(@"SELECT REPLACE(u, '%', '\%'), _utf8mb4 X'25'", @"SELECT REPLACE(u, '%', '\%'), '%'")]
    [InlineData("SELECT X'41', my_utf8mb4 X'41'", "SELECT X'41', my_utf8mb4 X'41'")]
    public void OnlyTheEnginesTextLiteralsAreShownAsText(string sql, string shown) => Assert.Equal(shown, SqlText.Readable(sql));

    [Fact]
    public void TheJournalRoundTripsAndHoldsNoPassword()
    {
        var journal = new FlushJournal { RunId = "abc", Host = "db1", Port = 3306, ServerId = 2 };
        journal.Tables.Add(new JournalTable { Schema = "s", Table = "t", BackupTable = "_bfbk_abc_1", Phase = TablePhase.Copying, LastChunkKey = new List<KeyValue> { new() { Type = "ulong", Value = "18446744073709551615" } } });
        var json = journal.ToJson();
        Assert.Contains("\"phase\": \"Copying\"", json);
        var back = FlushJournal.FromJson(json, "x.json");
        Assert.Equal(TablePhase.Copying, back.Tables[0].Phase);
        Assert.Equal("18446744073709551615", back.Tables[0].LastChunkKey![0].Value);
        Assert.DoesNotContain("password", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheOldToolsRollbackFileIsRecognised()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "_BKTB_1,orders\n_BKTB_2,customers\n");
        Assert.Equal(new[] { ("_BKTB_1", "orders"), ("_BKTB_2", "customers") }, LegacyRollbackFile.TryRead(file));
        File.WriteAllText(file, "{\"tool\": \"BinlogFlusher\"}");
        Assert.Null(LegacyRollbackFile.TryRead(file));
        File.Delete(file);
    }

    /// <summary>A rollback file with a line the old tool never wrote: refused by the line's number and what is wrong, the line itself not shown.</summary>
    [Theory]
    [InlineData("_BKTB_1,orders\n_BKTB_2 customers-Secret\n", "line 2 has no comma between the backup table and the table")]
    [InlineData("_BKTB_1,orders\n\nSecret-Line,customers\n", "line 3 does not start with _BKTB_")]
    [InlineData("_BKTB_,orders-Secret\n", "line 1 has no number after _BKTB_")]
    [InlineData("_BKTB_1,orders\n_BKTB_2,\n# Secret\n", "line 2 has no table name after the comma")]
    [InlineData("_BKTB_1,orders\n_BKTB_2,a_table_name_that_is_longer_than_sixty_four_characters_Secret_1234567\n", "line 2 names a table longer than 64 characters")]
    public void ARollbackFileLineTheOldToolDoesNotWriteIsRefusedByItsNumber(string content, string problem)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, content);
            var error = Assert.Throws<FlushException>(() => LegacyRollbackFile.TryRead(file));
            Assert.Equal(FlushErrorKind.StateFileInvalid, error.Kind);
            Assert.Contains($"The rollback file '{file}' has a line the old tool does not write: {problem} (each line is _BKTB_<n>,<table>). Nothing was changed.", error.Message);
            Assert.DoesNotContain("Secret", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// A file that is not a state file, given to a restore or a resume: the message says what the file was expected to
    /// be and what it is, and shows neither its content nor the JSON parser's internals.
    /// </summary>
    [Theory]
    [InlineData("", true, "is neither a state file written by a flush nor the old tool's rollback file (_BKTB_<n>,<table> lines): it is empty.")]
    [InlineData("  \n", false, "is not a state file written by a flush: it is empty.")]
    [InlineData("{\"format\": 1, \"tool\": \"BinlogFlusher\", \"host\": \"Secret-Host\", \"port\": 33", true, ": it ends before its JSON does (cut off?).")]
    [InlineData("# options\n[client]\nuser=flusher\npassword=Secret-Password\n[mysqld]\nserver_id=3\n", true, ": it looks like a MySQL option file (a my.cnf of [section] lines).")]
    [InlineData("{\n  \"tool\": \"BinlogFlusher\",\n  Secret-Word\n}", true, ": it is not JSON (the first fault is on line 3).")]
    [InlineData("{\n  \"tool\": \"BinlogFlusher\",\n  \"port\": \"Secret-Port\"\n}", true, ": it is JSON, but with a value a state file does not have there (line 3).")]
    [InlineData("{\"tool\": \"Secret-Tool\", \"host\": \"x\", \"port\": 1}", true, ": it is JSON, but not a flush's journal (it lacks tool 'BinlogFlusher', a host or a port).")]
    [InlineData("_BKTB_1,Secret_orders\n", false, ": it is the old tool's rollback file, which a restore reads; only a flush's own state file can be resumed.")]
    public void AFileThatIsNotAStateFileIsRefusedSayingWhatItIsWithoutItsContent(string content, bool rollbackFileAccepted, string message)
    {
        var error = Assert.Throws<FlushException>(() => FlushJournal.FromJson(content, "/var/tmp/given.json", rollbackFileAccepted));
        Assert.Equal(FlushErrorKind.StateFileInvalid, error.Kind);
        Assert.Contains(message, error.Message);
        Assert.StartsWith("The file '/var/tmp/given.json' ", error.Message);
        Assert.EndsWith(rollbackFileAccepted
            ? "Give the state file the flush reported (binlogflush-<host>-<port>-<time>.json), or use the Discover option."
            : "Give the state file the interrupted flush reported (binlogflush-<host>-<port>-<time>.json).", error.Message);
        Assert.DoesNotContain("Secret", error.Message);
        foreach (var internals in new[] { "Path: $", "LineNumber", "BytePosition", "BinlogFlusher.Engine", "JSON value could not be converted", "invalid start", "token" })
            Assert.DoesNotContain(internals, error.Message);
    }
}
