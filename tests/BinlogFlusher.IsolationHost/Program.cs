using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Runs the script on standard input; prints output objects, then "ERROR: <id>: <message>" per error. Exit 1 on any error.
var script = Console.In.ReadToEnd();
using var shell = PowerShell.Create(InitialSessionState.CreateDefault2());
shell.AddScript(script);
try
{
    foreach (var item in shell.Invoke()) Console.WriteLine(item?.ToString());
}
catch (RuntimeException exception)
{
    Console.WriteLine($"ERROR: {exception.ErrorRecord.FullyQualifiedErrorId}: {exception.Message}");
    return 1;
}
foreach (var error in shell.Streams.Error) Console.WriteLine($"ERROR: {error.FullyQualifiedErrorId}: {error}");
return shell.Streams.Error.Count == 0 ? 0 : 1;
