using BinlogFlusher.Engine.Server;

namespace BinlogFlusher.Tests;

/// <summary>SHOW GRANTS lines as MariaDB 10.11 and MySQL 5.7/8.x print them, read into what the account may do.</summary>
public sealed class GrantSetTests
{
    [Fact]
    public void MariaDbLinesWithARolePublicAWildcardSchemaAndATableGrant()
    {
        // As MariaDB 10.11 prints them for an account with default role r1 (captured from a real server).
        var grants = GrantSet.Parse(new[]
        {
            "GRANT `r1` TO `u1`@`%`",
            "GRANT BINLOG MONITOR, READ_ONLY ADMIN ON *.* TO `u1`@`%` IDENTIFIED BY PASSWORD '*B69027D44F6E5EDC07F1AEAD1477967B16F28227'",
            "GRANT CREATE, DROP ON `sh\\_%`.* TO `u1`@`%`",
            "GRANT SELECT (`a`), ALTER ON `shop`.`t1` TO `u1`@`%`",
            "GRANT RELOAD ON *.* TO `r1`",
            "GRANT SELECT, INSERT ON `shop`.* TO `r1`",
            "GRANT SELECT, INSERT ON `test\\_%`.* TO PUBLIC",
            "SET DEFAULT ROLE `r1` FOR `u1`@`%`",
        });
        Assert.True(grants.HasAnyGlobal(new[] { "READ ONLY ADMIN" }));
        Assert.True(grants.HasAnyGlobal(new[] { "SUPER", "RELOAD" }));
        Assert.False(grants.HasAnyGlobal(new[] { "SUPER" }));
        Assert.True(grants.HasOnSchema("sh_orders", "CREATE"));
        Assert.False(grants.HasOnSchema("shop", "CREATE"));
        Assert.False(grants.HasOnSchema("shop", "ALTER"));
        Assert.True(grants.HasOnTable("shop", "t1", "ALTER"));
        Assert.False(grants.HasOnTable("shop", "t1", "UPDATE"));
        Assert.False(grants.HasOnTable("shop", "t2", "ALTER"));
        Assert.True(grants.HasOnSchema("shop", "INSERT"));
        Assert.True(grants.HasOnSchema("test_1", "INSERT"));
        Assert.False(grants.HasOnSchema("testx1", "INSERT"));
        // A column grant is not a table grant.
        Assert.True(grants.HasOnTable("shop", "t1", "SELECT"));
        Assert.False(grants.HasOnTable("other", "t1", "SELECT"));
    }

    [Fact]
    public void MySqlPartialRevokesTakeASchemaOutOfAGlobalGrant()
    {
        var lines = new[]
        {
            "GRANT SELECT, INSERT, CREATE, DROP, ALTER ON *.* TO `flush`@`%`",
            "GRANT REPLICATION_SLAVE_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `flush`@`%`",
            "REVOKE INSERT, DROP ON `shop`.* FROM `flush`@`%`",
            "GRANT ALL PRIVILEGES ON `sh_p`.* TO `flush`@`%`",
        };
        var grants = GrantSet.Parse(lines, wildcardSchemaNames: false);
        Assert.False(grants.HasOnSchema("shop", "INSERT"));
        Assert.True(grants.HasOnSchema("shop", "SELECT"));
        Assert.True(grants.HasOnSchema("billing", "INSERT"));
        Assert.True(grants.HasAnyGlobal(new[] { "REPLICATION SLAVE ADMIN" }));
        Assert.True(grants.HasAnyGlobal(new[] { "SYSTEM_VARIABLES_ADMIN" }));
        // With partial_revokes ON, _ in a schema grant is a plain character.
        Assert.False(grants.HasOnSchema("shxp", "UPDATE"));
        Assert.True(grants.HasOnSchema("sh_p", "UPDATE"));
        Assert.True(GrantSet.Parse(lines).HasOnSchema("shxp", "UPDATE"));
    }

    [Fact]
    public void AllPrivilegesOnASchemaIsNotGlobal()
    {
        var grants = GrantSet.Parse(new[] { "GRANT ALL PRIVILEGES ON `shop`.* TO 'app'@'%'", "GRANT USAGE ON *.* TO 'app'@'%'" });
        Assert.True(grants.HasOnSchema("shop", "DROP"));
        Assert.False(grants.HasAnyGlobal(new[] { "SUPER" }));
        Assert.True(GrantSet.Parse(new[] { "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION" }).HasAnyGlobal(new[] { "BINLOG MONITOR" }));
    }

    [Fact]
    public void QuotedNamesWithBackticksAndDotsAreReadWhole()
    {
        var grants = GrantSet.Parse(new[] { "GRANT SELECT ON `we``ird.db`.`t.1` TO `u`@`%`", "GRANT INSERT ON `a%b`.* TO `u`@`%`" });
        Assert.True(grants.HasOnTable("we`ird.db", "t.1", "SELECT"));
        Assert.True(grants.HasOnSchema("aXYZb", "INSERT"));
        Assert.False(grants.HasOnSchema("we`ird.db", "SELECT"));
    }

    [Theory]
    [InlineData("8.0.36", "`r1`@`%`,`ops``x`@`10.0.%`", "SHOW GRANTS FOR CURRENT_USER() USING `r1`@`%`, `ops``x`@`10.0.%`")]
    [InlineData("8.4.3", "NONE", "SHOW GRANTS")]
    [InlineData("5.7.44", "", "SHOW GRANTS")]
    [InlineData("10.11.6-MariaDB", "`r1`@`%`", "SHOW GRANTS")]
    public void OwnGrantsExpandTheActiveRolesOnMySql8(string version, string currentRoles, string statement)
    {
        var dialect = ServerDialect.From(version, version.Contains("MariaDB"));
        Assert.Equal(statement, dialect.OwnGrants(ServerDialect.ParseRoleList(currentRoles)));
    }
}
