using BinlogFlusher.Engine.Server;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Tests;

/// <summary>
/// Every statement that changes a server, as text, with hostile names: backticks doubled inside identifiers, quotes
/// and semicolons harmless inside them, values as literals. The same text goes to MySQL and MariaDB (the statements
/// that differ by server are ServerDialect's, pinned per version in DialectTests).
/// </summary>
public sealed class WriteStatementsTests
{
    static readonly TableMove Hostile = new("shop`; DROP DATABASE x; --", "it's `odd`", "_bfbk_0a1b2c3d_7");
    static readonly TableMove Plain = new("shop", "orders", "_bfbk_0a1b2c3d_8");
    const string HostileOriginal = "`shop``; DROP DATABASE x; --`.`it's ``odd```";
    const string HostileBackup = "`shop``; DROP DATABASE x; --`.`_bfbk_0a1b2c3d_7`";
    static string SetPhase(string phase, params TableMove[] tables) => StateJournalSchema.SetPhase(tables.Select(t => (t.Schema, t.Backup)), Enum.Parse<TablePhase>(phase));

    [Fact]
    public void RenameOutRecordsThePhaseAndRenamesEveryTableInOneStatementUnlogged()
    {
        Assert.Equal($"SET SESSION sql_log_bin = 0; {SetPhase("Renamed", Hostile, Plain)}; RENAME TABLE {HostileOriginal} TO {HostileBackup}, `shop`.`orders` TO `shop`.`_bfbk_0a1b2c3d_8`",
            WriteStatements.RenameOut(new[] { Hostile, Plain }));
        Assert.Contains("WHERE (table_schema, backup_name) IN ((_utf8mb4 X'", SetPhase("Renamed", Hostile));
    }

    [Fact]
    public void LoggedCreatesRunUnderUseOfTheirSchemaAfterLoggingIsTurnedOn()
    {
        Assert.Equal($"SET SESSION sql_log_bin = 0; {SetPhase("Created", Hostile, Plain)}; SET SESSION sql_log_bin = 1; " +
                     "USE `shop``; DROP DATABASE x; --`; CREATE TABLE a (id INT); USE `shop`; CREATE TABLE b (id INT)",
            WriteStatements.LoggedCreates(new[] { Hostile, Plain }, new[] { "CREATE TABLE a (id INT)", "CREATE TABLE b (id INT)" }));
    }

    [Fact]
    public void TwinsDropTheLoggedTablesFirstUnlessAResumedTableHasItsTwinAlready()
    {
        Assert.Equal($"SET SESSION sql_log_bin = 0; {SetPhase("Twin", Hostile, Plain)}; DROP TABLE {HostileOriginal}, `shop`.`orders`; T1; T2",
            WriteStatements.Twins(new[] { Hostile, Plain }, new[] { "T1", "T2" }));
        Assert.Equal($"SET SESSION sql_log_bin = 0; {SetPhase("Twin", Plain)}; T2", WriteStatements.Twins(new[] { Plain }, new[] { "T2" }, dropFirst: false));
    }

    [Fact]
    public void InsertAllNamesEveryColumnOnBothSides()
    {
        Assert.Equal($"INSERT INTO {HostileOriginal} (`id`, `we``ird col`) SELECT `id`, `we``ird col` FROM {HostileBackup}",
            WriteStatements.InsertAll(Hostile, new[] { "id", "we`ird col" }));
    }

    [Fact]
    public void PuttingBackDropsTheTwinsThenRenamesEveryBackupInOneStatement()
    {
        Assert.Equal($"SET SESSION sql_log_bin = 0; {SetPhase("Restoring", Hostile, Plain)}; DROP TABLE {HostileOriginal}, `shop`.`orders`",
            WriteStatements.DropTwins(new[] { Hostile, Plain }));
        Assert.Equal($"SET SESSION sql_log_bin = 0; RENAME TABLE {HostileBackup} TO {HostileOriginal}, `shop`.`_bfbk_0a1b2c3d_8` TO `shop`.`orders`",
            WriteStatements.RenameBack(new[] { Hostile, Plain }));
        Assert.Equal($"SET SESSION sql_log_bin = 0; {SetPhase("Restored", Plain)}", WriteStatements.Phase(new[] { Plain }, TablePhase.Restored));
    }

    [Theory]
    [InlineData(true, true, "SET SESSION sql_log_bin = 0; DROP TABLE `shop`.`orders`; RENAME TABLE `shop`.`_bfbk_0a1b2c3d_8` TO `shop`.`orders`")]
    [InlineData(false, true, "SET SESSION sql_log_bin = 0; RENAME TABLE `shop`.`_bfbk_0a1b2c3d_8` TO `shop`.`orders`")]
    [InlineData(true, false, "SET SESSION sql_log_bin = 0; DROP TABLE `shop`.`orders`")]
    public void ARestoreStepDropsAndOrRenamesUnlogged(bool drop, bool rename, string expected) =>
        Assert.Equal(expected, WriteStatements.RestoreStep(Plain, drop, rename));

    [Fact]
    public void TheServersRecordIsWrittenWithLiteralsOnly()
    {
        var open = WriteStatements.OpenRun("0a1b2c3d", "/tmp/it's.json", new[] { Hostile });
        Assert.StartsWith("SET SESSION sql_log_bin = 0; CREATE DATABASE IF NOT EXISTS `_binlogflusher`; CREATE TABLE IF NOT EXISTS `_binlogflusher`.`journal`", open);
        Assert.Contains("INSERT INTO `_binlogflusher`.`journal` (run_id, table_schema, table_name, backup_name, phase, state_file, connection_id) VALUES (_utf8mb4 X'", open);
        Assert.DoesNotContain("it's", open);
        Assert.DoesNotContain("DROP DATABASE", open);
        Assert.EndsWith("ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), table_name = VALUES(table_name), phase = VALUES(phase), state_file = VALUES(state_file), connection_id = VALUES(connection_id)", open);

        var restored = WriteStatements.MarkRestored(new[] { (Hostile.Schema, Hostile.Backup) });
        Assert.StartsWith("SET SESSION sql_log_bin = 0; UPDATE `_binlogflusher`.`journal` SET phase = 'Restored' WHERE (table_schema, backup_name) IN ((_utf8mb4 X'", restored);
        Assert.DoesNotContain("DROP DATABASE", restored);
    }

    [Fact]
    public void ReadOnlyIsRecordedBeforeItIsTurnedOnAndPutBackAsOnlyOnOrOff()
    {
        Assert.EndsWith("REPLACE INTO `_binlogflusher`.`setting` (name, value, run_id) VALUES (_utf8mb4 X'726561645F6F6E6C79', _utf8mb4 X'4F4646', _utf8mb4 X'3061316232633364')",
            WriteStatements.RecordSetting("read_only", "OFF", "0a1b2c3d"));
        Assert.Equal("SET GLOBAL read_only = ON; SET SESSION sql_log_bin = 0; DELETE FROM `_binlogflusher`.`setting` WHERE name = _utf8mb4 X'726561645F6F6E6C79'",
            WriteStatements.PutReadOnlyBack("read_only", on: true));
        Assert.StartsWith("SET GLOBAL read_only = OFF;", WriteStatements.PutReadOnlyBack("read_only", on: false));
    }
}
