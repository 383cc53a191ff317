using MySqlConnector;

namespace BinlogFlusher.Sandbox;

/// <summary>
/// The demos' sample schema demo_shop, written on a primary: customers, orders (a foreign key, a stored generated
/// column, JSON) and an audit log without a key. Plain multi-row INSERTs, the same on MySQL and MariaDB.
/// </summary>
public static class SampleShop
{
    public const string Schema = "demo_shop";

    public static async Task WriteAsync(ServerEndpoint primary, int orders, CancellationToken cancellationToken = default)
    {
        await using var connection = new MySqlConnection(primary.ConnectionString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sql in Statements(orders))
            await new MySqlCommand(sql, connection) { CommandTimeout = 600 }.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    static IEnumerable<string> Statements(int orders)
    {
        yield return "CREATE DATABASE demo_shop";
        yield return "CREATE TABLE demo_shop.customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200) UNIQUE, created DATETIME(6) NOT NULL) ENGINE=InnoDB";
        yield return "CREATE TABLE demo_shop.orders (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, " +
                     "amount_with_tax DECIMAL(12,2) AS (amount * 1.2) STORED, note JSON, " +
                     "CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES demo_shop.customers (id)) ENGINE=InnoDB";
        yield return "CREATE TABLE demo_shop.audit_log (at DATETIME NOT NULL, message TEXT) ENGINE=InnoDB";
        yield return "INSERT INTO demo_shop.customers VALUES " + string.Join(", ", Enumerable.Range(1, 500).Select(i => $"({i}, 'Customer {i}', 'c{i}@example.com', NOW(6))"));
        for (var start = 1; start <= orders; start += 1000)
            yield return "INSERT INTO demo_shop.orders (customer_id, amount, note) VALUES " +
                         string.Join(", ", Enumerable.Range(start, Math.Min(1000, orders - start + 1)).Select(i => $"({1 + i % 500}, {i} / 7, JSON_OBJECT('n', {i}))"));
        yield return "INSERT INTO demo_shop.audit_log VALUES " + string.Join(", ", Enumerable.Repeat("(NOW(), 'same line')", 50));
    }
}
