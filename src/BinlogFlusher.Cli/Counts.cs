using System.Globalization;

namespace BinlogFlusher.Cli;

/// <summary>Counts as the command line writes them: invariant thousands separators (20,000), and the noun in the singular for one.</summary>
static class Counts
{
    public static string Of(long count, string singular) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : singular + "s");
}
