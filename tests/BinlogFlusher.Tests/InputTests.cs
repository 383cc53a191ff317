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
        Assert.True(FlushJournal.TryReadLegacyRollbackFile(file, out var entries));
        Assert.Equal(new[] { ("_BKTB_1", "orders"), ("_BKTB_2", "customers") }, entries);
        File.WriteAllText(file, "{\"tool\": \"BinlogFlusher\"}");
        Assert.False(FlushJournal.TryReadLegacyRollbackFile(file, out _));
        File.Delete(file);
    }
}
