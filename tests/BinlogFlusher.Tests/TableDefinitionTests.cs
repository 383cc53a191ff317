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

    [Fact]
    public void KeysetPredicatesCoverCompositeKeys()
    {
        Assert.Equal("(`a` > @l0) OR (`a` = @l0 AND `b` > @l1)", TableFlusher.After(new[] { "a", "b" }, "l"));
        Assert.Equal("(`a` < @u0) OR (`a` = @u0 AND `b` < @u1) OR (`a` = @u0 AND `b` = @u1 AND `c` <= @u2)", TableFlusher.AtOrBefore(new[] { "a", "b", "c" }, "u"));
        Assert.Equal("(`k``ey` > @l0)", TableFlusher.After(new[] { "k`ey" }, "l"));
    }
}
