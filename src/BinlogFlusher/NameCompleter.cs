using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using BinlogFlusher.Engine.Connection;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Commands
{
    /// <summary>
    /// Tab completion for -Database, -ExcludeDatabase, -Table and -ExcludeTable from the server, once -HostName (and -Credential or -MyCnf) are bound.
    /// Bounded in time; an unreachable server, a bad credential or anything else simply completes nothing.
    /// </summary>
    public sealed class NameCompleter : IArgumentCompleter
    {
        static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var host = First(fakeBoundParameters["HostName"]) as string;
                if (string.IsNullOrEmpty(host)) return Array.Empty<CompletionResult>();
                var credential = Unwrap(fakeBoundParameters["Credential"]) as PSCredential;
                var network = credential?.GetNetworkCredential();
                var port = Unwrap(fakeBoundParameters["Port"]) is int p ? p : (int?)null;
                var settings = ConnectionResolver.Resolve(host!, port, network?.UserName, network?.Password, Unwrap(fakeBoundParameters["MyCnf"]) as string);
                settings.ConnectTimeoutSeconds = 2;
                var tableNames = parameterName is "Table" or "ExcludeTable";
                var databases = (First(fakeBoundParameters["Database"]) is string db && tableNames) ? new[] { db } : Array.Empty<string>();

                using var timeout = new CancellationTokenSource(Budget);
                var task = HostPlan.ReadAsync(settings, new FlushOptions { Selection = new FlushSelection { Databases = databases } }, null, timeout.Token);
                if (!task.Wait(Budget)) return Array.Empty<CompletionResult>();
                var names = tableNames
                    ? task.Result.Candidates.Select(c => c.Name)
                    : task.Result.Candidates.Select(c => c.Schema);
                var word = (wordToComplete ?? "").Trim('\'', '"');
                return names.Distinct().Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase)).OrderBy(n => n, StringComparer.Ordinal)
                    .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n)).ToList();
            }
            catch (Exception)
            {
                // Completion must never surface an error: no server, no names.
                return Array.Empty<CompletionResult>();
            }
        }

        static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

        static object? First(object? value) => Unwrap(value) switch
        {
            object[] array when array.Length > 0 => Unwrap(array[0]),
            string[] strings when strings.Length > 0 => strings[0],
            var other => other,
        };

        static string Quote(string name) => name.IndexOfAny(new[] { ' ', '\'', '`', '$', ',', ';', '(', ')', '{', '}', '*', '?', '[', ']' }) >= 0
            ? "'" + name.Replace("'", "''") + "'"
            : name;
    }
}
