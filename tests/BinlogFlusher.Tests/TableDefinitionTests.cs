using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Tests;

public sealed class TableDefinitionTests
{
    const string ChildDdl = "CREATE TABLE `child` (\n  `id` int(11) NOT NULL,\n  `parent_id` int(11) NOT NULL,\n  PRIMARY KEY (`id`),\n  KEY `ix_parent` (`parent_id`),\n" +
                            "  CONSTRAINT `fk_child_parent` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`) ON DELETE CASCADE,\n  CONSTRAINT `chk_id` CHECK (`id` > 0)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    [Fact]
    public void ForeignKeysAreLeftOutOfTheLoggedDefinition()
    {
        var logged = TableDefinitions.LoggedCreateTable(ChildDdl, checkNamesAreSchemaWide: false);
        Assert.DoesNotContain("FOREIGN KEY", logged);
        Assert.Contains("CONSTRAINT `chk_id` CHECK (`id` > 0)\n) ENGINE=InnoDB", logged);
        Assert.Contains("KEY `ix_parent` (`parent_id`),\n", logged);
        Assert.StartsWith("CREATE TABLE `child` (\n", logged);
    }

    [Fact]
    public void SchemaWideCheckNamesAreLeftOutOnMySql()
    {
        var logged = TableDefinitions.LoggedCreateTable(ChildDdl, checkNamesAreSchemaWide: true);
        Assert.Contains("  CHECK (`id` > 0)\n)", logged);
        Assert.DoesNotContain("chk_id", logged);
    }

    [Fact]
    public void AForeignKeyOnTheLastLineLeavesNoTrailingComma()
    {
        var ddl = "CREATE TABLE `c` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`),\n  CONSTRAINT `a``b` FOREIGN KEY (`id`) REFERENCES `p` (`id`)\n) ENGINE=InnoDB\n/*!50100 PARTITION BY HASH (`id`) PARTITIONS 2 */";
        Assert.Equal("CREATE TABLE `c` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB\n/*!50100 PARTITION BY HASH (`id`) PARTITIONS 2 */",
            TableDefinitions.LoggedCreateTable(ddl, false));
    }

    [Fact]
    public void TheTwinHasEveryColumnAsAPlainColumnAndNothingElse()
    {
        var table = new TableInfo { Schema = "s`x", Name = "t y" };
        table.Columns.Add(new ColumnInfo { Name = "id", Ordinal = 1, ColumnType = "bigint(20) unsigned", IsNullable = false });
        table.Columns.Add(new ColumnInfo { Name = "g`en", Ordinal = 3, ColumnType = "int(11)", IsNullable = true, Generated = "VIRTUAL" });
        table.Columns.Add(new ColumnInfo { Name = "name", Ordinal = 2, ColumnType = "varchar(10)", CharacterSet = "utf8mb4", Collation = "utf8mb4_bin", IsNullable = true });
        Assert.Equal("CREATE TABLE `s``x`.`t y` (\n  `id` bigint(20) unsigned NOT NULL,\n  `name` varchar(10) CHARACTER SET `utf8mb4` COLLATE `utf8mb4_bin` NULL,\n  `g``en` int(11) NULL\n) ENGINE=BLACKHOLE",
            TableDefinitions.BlackholeTwin(table));
    }

    static ChunkKeySql Key(params (string Name, string Type)[] columns) =>
        new(columns.Select(c => new ColumnInfo { Name = c.Name, DataType = c.Type.Split('(')[0], ColumnType = c.Type }).ToList());

    [Fact]
    public void KeysetPredicatesCoverCompositeKeys()
    {
        Assert.Equal("(`a` > @l0) OR (`a` = @l0 AND `b` > @l1)", Key(("a", "int"), ("b", "varchar(10)")).After("l"));
        Assert.Equal("(`a` < @u0) OR (`a` = @u0 AND `b` < @u1) OR (`a` = @u0 AND `b` = @u1 AND `c` <= @u2)", Key(("a", "int"), ("b", "date"), ("c", "bigint unsigned")).AtOrBefore("u"));
        Assert.Equal("(`k``ey` > @l0)", Key(("k`ey", "char(3)")).After("l"));
    }

    [Fact]
    public void ADecimalKeyIsReadAsTextAndComparedWithItsTextCastToTheColumnsOwnType()
    {
        var key = Key(("n", "int"), ("amount", "decimal(40,10) unsigned"));

        Assert.Equal("`n`, CAST(`amount` AS CHAR)", key.Select);
        Assert.Equal("`n`, `amount`", key.List);
        Assert.Equal("(`n` > @l0) OR (`n` = @l0 AND `amount` > CAST(@l1 AS DECIMAL(40,10)))", key.After("l"));
        var (where, parameters) = key.Range(new object?[] { 5L, new ExactDecimal("123456789012345678901234567890.0000000001") }, new object?[] { 7L, 1.5m });
        Assert.Equal(" WHERE ((`n` > @l0) OR (`n` = @l0 AND `amount` > CAST(@l1 AS DECIMAL(40,10)))) AND ((`n` < @u0) OR (`n` = @u0 AND `amount` <= CAST(@u1 AS DECIMAL(40,10))))", where);
        // Bound as text, never through a double or System.Decimal: exact to the last digit.
        Assert.Equal(new object?[] { 5L, "123456789012345678901234567890.0000000001", 7L, "1.5" }, parameters.Select(p => p.Value));
    }
}
