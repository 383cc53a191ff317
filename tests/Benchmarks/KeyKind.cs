using System.Globalization;

namespace BinlogFlusher.Benchmarks;

/// <summary>
/// One kind of key, measured in a schema of its own (bench_&lt;name&gt;) that holds the same payloads as every other
/// kind's (<see cref="Dataset.KindTables"/>): the kinds differ in their keys alone, so their ratios compare. The
/// integer kinds take the engine's chunks by value; composite and string keys take its boundary queries.
/// </summary>
sealed class KeyKind
{
    /// <summary>What the random keys of a table's second half are moved up by: a chunker by value must cross it without a chunk per step.</summary>
    public const long HugeGap = 1_000_000_000_000;

    readonly Func<int, long, TableKey> key;

    KeyKind(string name, string description, Func<int, long, TableKey> key)
    {
        Name = name;
        Description = description;
        this.key = key;
    }

    public string Name { get; }
    public string Description { get; }
    public string Schema => "bench_" + Name;

    /// <summary>The key of the kind's table number <paramref name="table"/> (from 0) of <paramref name="rows"/> rows.</summary>
    public TableKey KeyOf(int table, long rows) => key(table, rows);

    public static readonly KeyKind Dense = new("dense", "integer key 1, 2, 3, ...",
        (_, _) => Dataset.BigIntegerId);

    public static readonly KeyKind Gapped = new("gapped", "integer key 3, 6, 9, ... (every third value)",
        (_, _) => Dataset.BigIntegerId with { Values = "s * 3" });

    // s * 3 + (0, 1 or 2) grows by 1 to 5 from one row to the next: strictly increasing, at random but the same every run.
    public static readonly KeyKind Random = new("random", "integer key in random steps of 1 to 5, and a gap of 10^12 after half the rows",
        (_, rows) => Dataset.BigIntegerId with { Values = string.Create(CultureInfo.InvariantCulture, $"s * 3 + CRC32(s) % 3 + IF(s > {rows / 2}, {HugeGap}, 0)") });

    // String and composite keys in turns, so each of them keys a narrow and a wide payload (medium has a sku column of its own).
    public static readonly KeyKind Composite = new("composite", "string key sku VARCHAR(40) on narrow and wide, composite key (order_id BIGINT, line_no SMALLINT) on medium and widest",
        (table, _) => table % 2 == 0 ? Dataset.SkuKey : Dataset.OrderLineKey);

    public static IReadOnlyList<KeyKind> All { get; } = [Dense, Gapped, Random, Composite];

    public static string Names => string.Join(",", All.Select(k => k.Name));

    /// <summary>The kinds of a comma-separated list, in its order; "none" for no kind, "all" for every one.</summary>
    public static IReadOnlyList<KeyKind> ParseList(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 1 && names[0].Equals("none", StringComparison.OrdinalIgnoreCase)) return [];
        if (names.Length == 1 && names[0].Equals("all", StringComparison.OrdinalIgnoreCase)) return All;
        if (names.Length == 0) throw new ArgumentException($"--key-kinds needs a comma-separated list of {Names}, or none.");
        return names.Select(n => All.FirstOrDefault(k => k.Name.Equals(n, StringComparison.OrdinalIgnoreCase))
                                 ?? throw new ArgumentException($"--key-kinds: unknown key kind '{n}'; the kinds are {Names} (or none, or all)."))
            .Distinct().ToList();
    }
}
