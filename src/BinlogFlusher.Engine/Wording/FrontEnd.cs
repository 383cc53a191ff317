using System;
using System.Linq;
using System.Threading;

namespace BinlogFlusher.Engine
{
    /// <summary>
    /// The syntax messages are written in, the way CultureInfo.CurrentUICulture chooses the language of .NET's own:
    /// a front end sets it around its engine calls, and it flows into the engine's tasks. Without one, messages name
    /// options in plain words.
    /// </summary>
    public static class FrontEnd
    {
        static readonly AsyncLocal<IFrontEndSyntax?> current = new AsyncLocal<IFrontEndSyntax?>();

        public static IFrontEndSyntax Syntax => current.Value ?? PlainSyntax.Instance;

        /// <summary>Messages made until the scope is disposed (here and in the tasks started from here) use this syntax.</summary>
        public static IDisposable Use(IFrontEndSyntax syntax)
        {
            var previous = current.Value;
            current.Value = syntax;
            return new Scope(() => current.Value = previous);
        }

        /// <summary>"-Force" in the current syntax.</summary>
        internal static string Of(FlushOption option) => Syntax.Option(option) ?? PlainSyntax.Instance.Option(option)!;

        internal static string Of(FlushCommand command) => Syntax.Command(command);

        /// <summary>", or use -Credential" where the front end has the option, nothing where it does not.</summary>
        internal static string OrUse(FlushOption option) => Syntax.Option(option) is { } spelled ? ", or use " + spelled : "";

        /// <summary>A whole command line: "Restore-BinlogFlushState -HostName db1:3306 -Discover".</summary>
        internal static string Run(FlushCommand command, params (FlushOption Option, string? Value)[] arguments)
        {
            if (Syntax is PlainSyntax)
                return Of(command) + " with " + string.Join(" and ", arguments.Select(a => a.Value is null ? a.Option.ToString() : $"{a.Option} {Syntax.Value(a.Value)}"));
            return string.Join(" ", new[] { Of(command) }.Concat(arguments.Select(a => a.Value is null ? Of(a.Option) : Of(a.Option) + " " + Syntax.Value(a.Value))));
        }

        sealed class Scope : IDisposable
        {
            Action? restore;
            public Scope(Action restore) => this.restore = restore;
            public void Dispose() => Interlocked.Exchange(ref restore, null)?.Invoke();
        }
    }
}
