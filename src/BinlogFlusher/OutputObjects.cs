using System.Linq;
using System.Management.Automation;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Commands
{
    /// <summary>Typed output objects (PSTypeName BinlogFlusher.*) whose properties bind into the next cmdlet by name.</summary>
    static class OutputObjects
    {
        /// <summary>An engine result with the PSTypeName its format view and runbooks know it by.</summary>
        public static PSObject Typed(object value, string typeName)
        {
            var output = PSObject.AsPSObject(value);
            output.TypeNames.Insert(0, typeName);
            return output;
        }

        public static PSObject Candidate(ConnectionSettings settings, FlushCandidate candidate)
        {
            var table = candidate.Table;
            var output = new PSObject();
            output.TypeNames.Insert(0, "BinlogFlusher.FlushCandidateTable");
            void Add(string name, object? value) => output.Properties.Add(new PSNoteProperty(name, value));
            Add("HostName", settings.Host);
            Add("Port", settings.Port);
            Add("Schema", table.Schema);
            Add("Table", table.Name);
            Add("Engine", table.Engine);
            Add("Partitions", table.Partitions);
            Add("EstimatedRows", table.EstimatedRows);
            Add("DataLength", table.DataLength);
            Add("PrimaryKey", table.PrimaryKey?.Columns.Where(c => c is not null).ToArray() ?? new string?[0]);
            Add("ChunkKey", candidate.ChunkKeyText);
            Add("Adjustments", candidate.Adjustments.ToArray());
            Add("Triggers", table.Triggers.ToArray());
            Add("Blocker", candidate.Blocker ?? "");
            return output;
        }
    }
}
