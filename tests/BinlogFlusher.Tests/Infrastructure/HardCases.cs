namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>The schemas every flush test runs on: each hard case the flush must get right, written on the primary.</summary>
public static class HardCases
{
    public const string Shop = "bf_shop";
    public const string Other = "bf_other";
    public const string Odd = "bf odd`schema";
    public static readonly string LongName = "t" + new string('x', 62) + "z";
    public const int BigRows = 25000;

    public static string[] Schemas => new[] { Shop, Other, Odd };

    public static IEnumerable<string> Statements(bool mariaDb)
    {
        var odd = TableState.Quote(Odd);
        yield return "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'";
        yield return $"CREATE DATABASE {Shop}";
        yield return $"CREATE DATABASE {Other}";
        yield return $"CREATE DATABASE {odd}";

        // Foreign keys: a named one to a parent flushed too; the parent referenced by a child.
        yield return $"CREATE TABLE {Shop}.parent (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL) ENGINE=InnoDB";
        yield return $"CREATE TABLE {Shop}.child (id INT PRIMARY KEY, parent_id INT NOT NULL, note VARCHAR(20), KEY ix_parent (parent_id), " +
                     $"CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES {Shop}.parent (id) ON DELETE CASCADE) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.parent VALUES (1, 'one'), (2, 'two'), (3, 'three')";
        yield return $"INSERT INTO {Shop}.child VALUES (10, 1, 'a'), (11, 1, 'b'), (12, 3, NULL)";
        // The same table name in two schemas (the old tool's backup map lost one).
        yield return $"CREATE TABLE {Other}.parent (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL) ENGINE=InnoDB";
        yield return $"INSERT INTO {Other}.parent VALUES (1, 'other one'), (7, 'other seven')";

        // Stored and virtual generated columns.
        yield return $"CREATE TABLE {Shop}.generated (id INT PRIMARY KEY, a INT NOT NULL, doubled INT AS (a * 2) STORED, plus_one INT AS (a + 1) VIRTUAL, KEY ix_doubled (doubled)) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.generated (id, a) VALUES (1, 5), (2, 6), (3, -1)";

        // RANGE partitions, and a subpartitioned table.
        yield return $"CREATE TABLE {Shop}.ranged (id INT NOT NULL, created DATE NOT NULL, PRIMARY KEY (id, created)) ENGINE=InnoDB " +
                     "PARTITION BY RANGE (YEAR(created)) (PARTITION p2020 VALUES LESS THAN (2021), PARTITION p2021 VALUES LESS THAN (2022), PARTITION pmax VALUES LESS THAN MAXVALUE)";
        yield return $"INSERT INTO {Shop}.ranged VALUES (1, '2020-05-01'), (2, '2021-06-01'), (3, '2030-01-01'), (1, '2021-01-01')";
        yield return $"CREATE TABLE {Shop}.subpart (id INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (id, d)) ENGINE=InnoDB " +
                     "PARTITION BY RANGE (YEAR(d)) SUBPARTITION BY HASH (id) SUBPARTITIONS 2 (PARTITION p0 VALUES LESS THAN (2021), PARTITION p1 VALUES LESS THAN MAXVALUE)";
        yield return $"INSERT INTO {Shop}.subpart VALUES (1, '2020-01-01'), (2, '2020-02-02'), (3, '2022-03-03'), (4, '2023-04-04')";

        // No key at all, with duplicate rows.
        yield return $"CREATE TABLE {Shop}.nokey (a INT, b VARCHAR(10)) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.nokey VALUES (1, 'dup'), (1, 'dup'), (1, 'dup'), (2, NULL), (NULL, NULL), (NULL, NULL)";
        // A composite varchar+int primary key, and only a NOT NULL unique key.
        yield return $"CREATE TABLE {Shop}.composite (code VARCHAR(20) NOT NULL, n INT NOT NULL, v TEXT, PRIMARY KEY (code, n)) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.composite VALUES ('a', 1, 'x'), ('a', 2, 'y'), ('b', 1, NULL), ('B2', 0, 'z'), ('', -5, 'empty code')";
        yield return $"CREATE TABLE {Shop}.unique_only (a INT NOT NULL, b VARCHAR(10), UNIQUE KEY uq_a (a)) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.unique_only VALUES (3, 'c'), (1, 'a'), (2, NULL)";
        // FULLTEXT.
        yield return $"CREATE TABLE {Shop}.fulltext_docs (id INT PRIMARY KEY, body TEXT, FULLTEXT KEY ft_body (body)) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.fulltext_docs VALUES (1, 'the quick brown fox'), (2, 'jumps over the lazy dog')";
        // A trigger that would change rows if it fired.
        yield return $"CREATE TABLE {Shop}.triggered (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB";
        yield return $"CREATE TRIGGER {Shop}.tr_bump BEFORE INSERT ON {Shop}.triggered FOR EACH ROW SET NEW.v = NEW.v + 1000";
        yield return $"INSERT INTO {Shop}.triggered VALUES (1, 1), (2, 2)";
        // A view over flushed tables.
        yield return $"CREATE VIEW {Shop}.parent_children AS SELECT p.name, c.id AS child_id FROM {Shop}.parent p JOIN {Shop}.child c ON c.parent_id = p.id";
        // One row, and empty.
        yield return $"CREATE TABLE {Shop}.one_row (id INT PRIMARY KEY, v VARCHAR(5)) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.one_row VALUES (1, 'only')";
        yield return $"CREATE TABLE {Shop}.empty_table (id INT PRIMARY KEY, v VARCHAR(5)) ENGINE=InnoDB";
        // Zero dates and an explicit 0 in an AUTO_INCREMENT column.
        yield return $"CREATE TABLE {Shop}.zero_dates (id INT AUTO_INCREMENT PRIMARY KEY, d DATE NOT NULL, dt DATETIME NULL) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.zero_dates VALUES (0, '0000-00-00', '0000-00-00 00:00:00'), (5, '2024-02-29', NULL), (6, '2024-00-00', '2024-01-00 10:00:00')";
        // Values of every awkward kind.
        yield return $"CREATE TABLE {Shop}.all_values (id BIGINT UNSIGNED PRIMARY KEY, blob_col BLOB, emoji VARCHAR(20) CHARACTER SET utf8mb4, amount DECIMAL(30,10), " +
                     "at DATETIME(6), doc JSON, bits BIT(8), kind ENUM('small','large'), tags SET('a','b','c'), f FLOAT, d DOUBLE) ENGINE=InnoDB";
        yield return $"INSERT INTO {Shop}.all_values VALUES (18446744073709551615, X'00FF0000', '🦊🚀 ok', 12345678901234567890.0123456789, '2024-01-02 03:04:05.123456', '{{\"a\": [1, 2, {{\"b\": null}}]}}', b'10100101', 'large', 'a,c', 1.5, 2.25)," +
                     " (0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (1, X'', '', -0.0000000001, '1000-01-01 00:00:00.000000', 'null', b'0', 'small', '', -0.0, 1e300)";
        // Names with a backtick, a space, a reserved word, non-ASCII, 64 characters; in a schema whose name has a space and a backtick.
        yield return $"CREATE TABLE {odd}.`we``ird` (`sel ect` INT PRIMARY KEY, `from` VARCHAR(10)) ENGINE=InnoDB";
        yield return $"INSERT INTO {odd}.`we``ird` VALUES (1, 'a'), (2, 'b')";
        yield return $"CREATE TABLE {odd}.`select` (`key` INT NOT NULL, `tête` VARCHAR(10) NOT NULL, PRIMARY KEY (`tête`, `key`)) ENGINE=InnoDB";
        yield return $"INSERT INTO {odd}.`select` VALUES (1, 'élan'), (2, 'Ωmega'), (3, 'ascii')";
        yield return $"CREATE TABLE {odd}.`my table` (id INT PRIMARY KEY) ENGINE=InnoDB";
        yield return $"INSERT INTO {odd}.`my table` VALUES (1)";
        yield return $"CREATE TABLE {odd}.`{LongName}` (id INT PRIMARY KEY) ENGINE=InnoDB";
        yield return $"INSERT INTO {odd}.`{LongName}` VALUES (1), (2)";
        // Large enough for many chunks.
        yield return $"CREATE TABLE {Shop}.big (id INT PRIMARY KEY, payload VARCHAR(100) NOT NULL, n BIGINT) ENGINE=InnoDB";
        for (var start = 1; start <= BigRows; start += 5000)
            yield return $"INSERT INTO {Shop}.big VALUES " + string.Join(", ", Enumerable.Range(start, 5000).Select(i => $"({i}, 'row {i} {new string('p', i % 60)}', {(long)i * i})"));
    }
}
