namespace BinlogFlusher.HelpBuilder;

/// <summary>One cmdlet's help as its markdown page says it: the content of one MAML command:command element.</summary>
sealed class CommandHelp
{
    public string Name { get; set; } = "";
    /// <summary>The markdown page, for messages.</summary>
    public string File { get; set; } = "";
    public int TitleLine { get; set; }
    public string Synopsis { get; set; } = "";
    public List<string> Description { get; } = new();
    public List<ExampleHelp> Examples { get; } = new();
    public List<ParameterHelp> Parameters { get; } = new();
    public List<TypeHelp> Inputs { get; } = new();
    public List<TypeHelp> Outputs { get; } = new();
    public List<string> Notes { get; } = new();
    public List<LinkHelp> Links { get; } = new();

    public string Verb => Name.Contains('-') ? Name[..Name.IndexOf('-')] : Name;
    public string Noun => Name.Contains('-') ? Name[(Name.IndexOf('-') + 1)..] : "";
}

sealed class ExampleHelp
{
    public int Line { get; set; }
    public string Title { get; set; } = "";
    public string Code { get; set; } = "";
    public List<string> Remarks { get; } = new();
}

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

sealed class TypeHelp
{
    public string Name { get; set; } = "";
    public List<string> Description { get; } = new();
}

sealed class LinkHelp
{
    public string Text { get; set; } = "";
    public string Uri { get; set; } = "";
}

/// <summary>A mistake in a help page, reported in the compiler's format so MSBuild shows it as an error at its line.</summary>
sealed record HelpProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}({Line}): error BFHELP001: {Message}";
}
