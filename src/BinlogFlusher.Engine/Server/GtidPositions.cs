using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>MariaDB GTID positions ("0-1-15,191-2-4": domain-server-sequence per domain).</summary>
    public static class GtidPositions
    {
        public static IReadOnlyDictionary<long, string> ByDomain(string position) =>
            position.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Trim())
                .Where(p => p.Split('-').Length == 3 && long.TryParse(p.Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .GroupBy(p => long.Parse(p.Split('-')[0], CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => g.Last());

        /// <summary>Whether any domain but <paramref name="ownDomain"/> has a different last GTID at the end than at the start.</summary>
        public static bool OtherDomainsMoved(string start, string end, long ownDomain)
        {
            var before = ByDomain(start);
            var after = ByDomain(end);
            return after.Where(d => d.Key != ownDomain).Any(d => !before.TryGetValue(d.Key, out var was) || was != d.Value);
        }

        /// <summary>The domain of one GTID ("0-1-15"), or null when the text is not one.</summary>
        public static long? DomainOf(string gtid)
        {
            var parts = gtid.Trim().Split('-');
            return parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain) ? domain : (long?)null;
        }
    }
}
