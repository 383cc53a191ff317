using System.Text.RegularExpressions;
using BinlogFlusher.Engine;

namespace BinlogFlusher.Commands
{
    /// <summary>The engine's messages in cmdlet syntax: -Force, Restore-BinlogFlushState, 'quoted paths'.</summary>
    sealed class CmdletSyntax : IFrontEndSyntax
    {
        public static readonly CmdletSyntax Instance = new CmdletSyntax();

        static readonly Regex Bare = new Regex(@"^[\w.:@,*?/+-]+$", RegexOptions.CultureInvariant);

        // Every option the engine names is a parameter of the cmdlets under the same name.
        public string? Option(FlushOption option) => "-" + option;

        public string Command(FlushCommand command) => command switch
        {
            FlushCommand.Flush => "Invoke-BinlogFlush",
            FlushCommand.Restore => "Restore-BinlogFlushState",
            _ => "Test-BinlogFlushReadiness",
        };

        public string Value(string value) => Bare.IsMatch(value) ? value : "'" + value.Replace("'", "''") + "'";
    }
}
