using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace BinlogFlusher.Commands
{
    /// <summary>
    /// Keeps the module's dependencies (the engine, MySqlConnector and theirs, in the Dependencies folder) from
    /// colliding with other modules'. PowerShell 7: the engine and its dependencies load into a private
    /// AssemblyLoadContext. Windows PowerShell 5.1: an AssemblyResolve handler answers with the versions we ship.
    /// Importing still has no side effect beyond registering the handler: no connection, no file read.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies");

        static bool IsCore => !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport()
        {
            if (IsCore) CoreLoader.Register(DependencyFolder);
            else AppDomain.CurrentDomain.AssemblyResolve += ResolveOnDesktop;
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsCore) CoreLoader.Unregister();
            else AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnDesktop;
        }

        /// <summary>Windows PowerShell: whatever version is asked for, the one in Dependencies (binding redirects without a config file).</summary>
        static Assembly? ResolveOnDesktop(object? sender, ResolveEventArgs args)
        {
            var path = Path.Combine(DependencyFolder, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
