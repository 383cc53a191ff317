using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace BinlogFlusher.HelpBuilder;

/// <summary>A cmdlet as the module assembly declares it: its name, its parameters and their aliases.</summary>
sealed class CmdletInfo
{
    public string Name { get; init; } = "";
    public bool SupportsShouldProcess { get; init; }
    /// <summary>Parameter name → its aliases; WhatIf and Confirm included when the cmdlet supports ShouldProcess.</summary>
    public Dictionary<string, List<string>> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);
}
