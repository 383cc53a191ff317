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
