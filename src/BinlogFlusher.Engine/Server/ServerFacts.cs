using System;
using System.Collections.Generic;
using System.Linq;

namespace BinlogFlusher.Engine.Server
{
    /// <summary>What the flush needs to know about a server before it touches anything.</summary>
    public sealed class ServerFacts
    {
        public ServerDialect Dialect { get; set; } = null!;
        public long ServerId { get; set; }
        public string CurrentUser { get; set; } = "";
        public IReadOnlyDictionary<string, string?> Variables { get; set; } = new Dictionary<string, string?>();
        public IReadOnlyList<ReplicationChannel> Channels { get; set; } = Array.Empty<ReplicationChannel>();
        /// <summary>Why the replication status could not be read (a missing privilege), else null.</summary>
        public string? ReplicationStatusError { get; set; }
        public int DownstreamReplicas { get; set; }
        public string? DownstreamReplicasError { get; set; }
        public string? BlackholeSupport { get; set; }
        /// <summary>Connected accounts (other than this one) that can write while read_only is ON.</summary>
        public IReadOnlyList<string> OtherWriters { get; set; } = Array.Empty<string>();
        /// <summary>MySQL Group Replication's plugin is ACTIVE: this server is a group member.</summary>
        public bool GroupReplicationActive { get; set; }
        /// <summary>This account's grants, its active roles included.</summary>
        public GrantSet Grants { get; set; } = GrantSet.Parse(Array.Empty<string>());
        public BinlogCoordinates? Binlog { get; set; }

        public string? Variable(string name) => Variables.TryGetValue(name, out var value) ? value : null;
        bool On(string name) => Variable(name) is { } v && (v.Equals("ON", StringComparison.OrdinalIgnoreCase) || v == "1");

        public bool LogBin => On("log_bin");
        public string BinlogFormat => Variable("binlog_format") ?? "";
        public string BinlogRowImage => Variable("binlog_row_image") ?? "";
        public string? BinlogRowMetadata => Variable("binlog_row_metadata");
        public bool LogReplicaUpdates => On(Dialect.LogReplicaUpdatesVariable);
        public bool ReadOnly => On("read_only");
        public bool SuperReadOnly => On("super_read_only");
        public bool IsReplica => Channels.Count > 0;
        public bool SqlThreadRunning => Channels.Any(c => c.SqlRunning);
        public bool GtidStrictMode => On("gtid_strict_mode");
        /// <summary>MySQL gtid_mode=ON, or MariaDB with a GTID binlog position.</summary>
        public bool UsesGtids => Dialect.IsMariaDb ? !string.IsNullOrEmpty(Variable("gtid_binlog_pos")) || !string.IsNullOrEmpty(Variable("gtid_slave_pos")) : MySqlGtidsOn;
        /// <summary>MySQL gtid_mode ON or ON_PERMISSIVE: both give new transactions GTIDs (manual, "gtid_mode").</summary>
        public bool MySqlGtidsOn => !Dialect.IsMariaDb && Variable("gtid_mode") is { } mode && (mode.Equals("ON", StringComparison.OrdinalIgnoreCase) || mode.Equals("ON_PERMISSIVE", StringComparison.OrdinalIgnoreCase));
        /// <summary>BLACKHOLE listed in disabled_storage_engines: CREATE TABLE ... ENGINE=BLACKHOLE fails though ENGINES may say YES (MySQL 5.7.8+).</summary>
        public bool BlackholeDisabled => (Variable("disabled_storage_engines") ?? "").Split(',').Any(e => e.Trim().Equals("BLACKHOLE", StringComparison.OrdinalIgnoreCase));
        public bool BlackholeAvailable => BlackholeSupport is { } s && (s.Equals("YES", StringComparison.OrdinalIgnoreCase) || s.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase));

        public string ReplicationState => !IsReplica ? "NotConfigured"
            : Channels.All(c => c.SqlRunning && c.IoRunning) ? "Running"
            : Channels.Any(c => c.SqlRunning) ? "SqlRunning"
            : Channels.Any(c => c.IoRunning) ? "SqlStopped"
            : "Stopped";

        public bool HasAnyPrivilege(IEnumerable<string> privileges) => Grants.HasAnyGlobal(privileges);

        public bool HasSchemaPrivilege(string schema, string privilege) => Grants.HasOnSchema(schema, privilege);

        /// <summary>GTID domains already present in this server's binlog or replication position (MariaDB).</summary>
        public ISet<long> ReplicatedGtidDomains => DomainsOf(Variable("gtid_slave_pos"));

        internal static ISet<long> DomainsOf(string? position)
        {
            var domains = new HashSet<long>();
            foreach (var part in (position ?? "").Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var dash = part.IndexOf('-');
                if (dash > 0 && long.TryParse(part.Substring(0, dash).Trim(), out var domain)) domains.Add(domain);
            }
            return domains;
        }
    }
}
