using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>
    /// What this account may do, read from its own SHOW GRANTS lines with its active roles included: global privileges,
    /// schema privileges (schema names may be LIKE patterns), table privileges, and MySQL partial revokes.
    /// </summary>
    /// <remarks>
    /// The grant tables in information_schema list only grants to the exact 'user'@'host': they miss role grants,
    /// PUBLIC, wildcard schema names, and partial revokes.
    /// </remarks>
    public sealed class GrantSet
    {
        const string AllPrivileges = "ALL PRIVILEGES";
        const string Quoted = @"`(?:[^`]|``)*`";
        static readonly Regex GrantLine = new Regex(
            $@"^(?<verb>GRANT|REVOKE)\s+(?<privileges>.+?)\s+ON\s+(?:(?:TABLE)\s+)?(?<schema>\*|{Quoted})\.(?<table>\*|{Quoted})\s+(?:TO|FROM)\s",
            RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);

        readonly HashSet<string> global = new HashSet<string>(StringComparer.Ordinal);
        readonly List<(string Pattern, HashSet<string> Privileges)> schemas = new List<(string, HashSet<string>)>();
        readonly Dictionary<(string Schema, string Table), HashSet<string>> tables = new Dictionary<(string, string), HashSet<string>>();
        readonly Dictionary<string, HashSet<string>> revokedOnSchema = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        readonly bool wildcardSchemaNames;

        GrantSet(bool wildcardSchemaNames) => this.wildcardSchemaNames = wildcardSchemaNames;

        /// <param name="lines">SHOW GRANTS output.</param>
        /// <param name="wildcardSchemaNames">
        /// Whether % and _ in a schema-level grant are LIKE wildcards: always on MariaDB; on MySQL unless partial_revokes
        /// is ON (manual, "Privilege Restriction Using Partial Revokes").
        /// </param>
        public static GrantSet Parse(IEnumerable<string> lines, bool wildcardSchemaNames = true)
        {
            var grants = new GrantSet(wildcardSchemaNames);
            foreach (var line in lines) grants.Add(line);
            return grants;
        }

        void Add(string line)
        {
            var match = GrantLine.Match(line.Trim());
            if (!match.Success) return; // role grants (GRANT `r` TO ...), PROXY, routines, SET DEFAULT ROLE
            var privileges = SplitPrivileges(match.Groups["privileges"].Value);
            var schema = match.Groups["schema"].Value;
            var table = match.Groups["table"].Value;
            var revoke = match.Groups["verb"].Value.Equals("REVOKE", StringComparison.OrdinalIgnoreCase);
            if (revoke)
            {
                // MySQL partial revokes are only ever schema-level: REVOKE INSERT ON `mysql`.* FROM ...
                if (schema != "*" && table == "*") Into(revokedOnSchema, Unquote(schema)).UnionWith(privileges);
                return;
            }
            if (schema == "*") global.UnionWith(privileges);
            else if (table == "*") schemas.Add((Unquote(schema), new HashSet<string>(privileges, StringComparer.Ordinal)));
            else Into(tables, (Unquote(schema), Unquote(table))).UnionWith(privileges);
        }

        static HashSet<string> Into<TKey>(Dictionary<TKey, HashSet<string>> map, TKey key) where TKey : notnull
        {
            if (!map.TryGetValue(key, out var set)) map[key] = set = new HashSet<string>(StringComparer.Ordinal);
            return set;
        }

        /// <summary>"SELECT (`a`), INSERT, ALL PRIVILEGES" → INSERT, ALL PRIVILEGES: column grants do not count for whole tables.</summary>
        static IEnumerable<string> SplitPrivileges(string text)
        {
            var depth = 0;
            var current = new StringBuilder();
            foreach (var character in text + ",")
            {
                if (character == '(') depth++;
                else if (character == ')') depth--;
                if (character == ',' && depth == 0)
                {
                    var privilege = current.ToString().Trim();
                    current.Clear();
                    if (privilege.Length > 0 && privilege.IndexOf('(') < 0) yield return Canonical(privilege);
                }
                else current.Append(character);
            }
        }

        /// <summary>One spelling per privilege: MariaDB writes READ_ONLY ADMIN or READ ONLY ADMIN, MySQL mixes spaces and underscores.</summary>
        static string Canonical(string privilege) => Regex.Replace(privilege.Replace('_', ' ').ToUpperInvariant(), @"\s+", " ");

        static string Unquote(string quoted) => quoted.Substring(1, quoted.Length - 2).Replace("``", "`");

        bool GlobalHas(string privilege) => global.Contains(AllPrivileges) || global.Contains(Canonical(privilege));

        /// <summary>Any one of these privileges on *.*.</summary>
        public bool HasAnyGlobal(IEnumerable<string> privileges) => privileges.Any(GlobalHas);

        /// <summary>The privilege on every table of the schema, present and future: granted on *.* (and not partially revoked) or on the schema.</summary>
        public bool HasOnSchema(string schema, string privilege)
        {
            var canonical = Canonical(privilege);
            if (GlobalHas(canonical) && !(revokedOnSchema.TryGetValue(schema, out var revoked) && (revoked.Contains(canonical) || revoked.Contains(AllPrivileges))))
                return true;
            return schemas.Any(g => SchemaMatches(g.Pattern, schema) && (g.Privileges.Contains(canonical) || g.Privileges.Contains(AllPrivileges)));
        }

        /// <summary>The privilege on one table: from the schema or granted on the table itself.</summary>
        public bool HasOnTable(string schema, string table, string privilege) =>
            HasOnSchema(schema, privilege)
            || (tables.TryGetValue((schema, table), out var granted) && (granted.Contains(Canonical(privilege)) || granted.Contains(AllPrivileges)));

        bool SchemaMatches(string pattern, string schema)
        {
            if (!wildcardSchemaNames) return pattern == schema;
            var regex = new StringBuilder("^");
            for (var i = 0; i < pattern.Length; i++)
            {
                var character = pattern[i];
                if (character == '\\' && i + 1 < pattern.Length) regex.Append(Regex.Escape(pattern[++i].ToString()));
                else if (character == '%') regex.Append(".*");
                else if (character == '_') regex.Append('.');
                else regex.Append(Regex.Escape(character.ToString()));
            }
            return Regex.IsMatch(schema, regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
        }
    }
}
