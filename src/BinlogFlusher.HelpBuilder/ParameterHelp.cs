namespace BinlogFlusher.HelpBuilder;

/// <summary>A parameter: its description and the facts of its yaml block.</summary>
sealed class ParameterHelp
{
    public int Line { get; set; }
    public string Name { get; set; } = "";
    public List<string> Description { get; } = new();
    public string Type { get; set; } = "";
    /// <summary>Empty: every parameter set ("(All)").</summary>
    public List<string> ParameterSets { get; } = new();
    public List<string> Aliases { get; } = new();
    public bool Required { get; set; }
    /// <summary>"named" or the position, as MAML writes it.</summary>
    public string Position { get; set; } = "named";
    public string DefaultValue { get; set; } = "None";
    /// <summary>"False", or "True (ByPropertyName, ByValue)" and the like.</summary>
    public string PipelineInput { get; set; } = "False";
    public bool Globbing { get; set; }

    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";
    public bool InSet(string set) => ParameterSets.Count == 0 || ParameterSets.Contains(set, StringComparer.OrdinalIgnoreCase);
}
