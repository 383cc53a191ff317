using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace BinlogFlusher.Commands
{
    /// <summary>
    /// PowerShell 7 only (this type is never touched on .NET Framework): the engine assembly is loaded into a private
    /// load context, and everything it needs from the Dependencies folder loads there too, so another module's
    /// MySqlConnector in the default context cannot collide with ours.
    /// </summary>
    static class CoreLoader
    {
        const string EngineAssembly = "BinlogFlusher.Engine";
        static DependencyLoadContext? context;

        public static void Register(string folder)
        {
            context ??= new DependencyLoadContext(folder);
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }

        public static void Unregister() => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

        /// <summary>The default context asks for the engine (the cmdlets reference it): answer from the private context.</summary>
        static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name) =>
            name.Name == EngineAssembly ? context!.LoadFromAssemblyName(name) : null;

        sealed class DependencyLoadContext : AssemblyLoadContext
        {
            readonly string folder;

            public DependencyLoadContext(string folder)
            {
                this.folder = folder;
                // A System.* polyfill the framework turns out not to have: ours, as a last resort.
                Resolving += (context, name) => FromFolder(name);
            }

            protected override Assembly? Load(AssemblyName name)
            {
                // The framework's own assemblies (which supersede the netstandard polyfills we ship) come from the default context.
                var simpleName = name.Name ?? "";
                if (simpleName.StartsWith("System.", StringComparison.Ordinal) || simpleName == "netstandard") return null;
                return FromFolder(name);
            }

            Assembly? FromFolder(AssemblyName name)
            {
                var path = Path.Combine(folder, name.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }
        }
    }
}
