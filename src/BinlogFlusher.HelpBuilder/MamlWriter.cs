using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace BinlogFlusher.HelpBuilder;

/// <summary>
/// Writes MAML as PowerShell's Get-Help reads it (the layout platyPS's New-ExternalHelp writes): one command:command
/// per cmdlet under helpItems, with details, description, syntax (a syntaxItem per parameter set), parameters,
/// inputTypes, returnValues, alertSet (notes), examples and relatedLinks.
/// </summary>
static class MamlWriter
{
    static readonly XNamespace Msh = "http://msh";
    static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    static readonly XNamespace MSHelp = "http://msdn.microsoft.com/mshelp";

    public static XDocument Build(IEnumerable<CommandHelp> commands) => new(
        new XDeclaration("1.0", "utf-8", null),
        new XElement(Msh + "helpItems",
            new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MSHelp),
            commands.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(CommandElement)));

    public static void Write(XDocument document, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using var writer = XmlWriter.Create(path, settings);
        document.Save(writer);
    }

    static XElement CommandElement(CommandHelp help) => new(Command + "command",
        new XElement(Command + "details",
            new XElement(Command + "name", help.Name),
            new XElement(Command + "verb", help.Verb),
            new XElement(Command + "noun", help.Noun),
            Description(new[] { help.Synopsis })),
        Description(help.Description),
        new XElement(Command + "syntax", SyntaxItems(help)),
        new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p, inSyntax: false))),
        new XElement(Command + "inputTypes", help.Inputs.Select(t => new XElement(Command + "inputType", TypeElement(t.Name), Description(t.Description)))),
        new XElement(Command + "returnValues", help.Outputs.Select(t => new XElement(Command + "returnValue", TypeElement(t.Name), Description(t.Description)))),
        new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(help.Notes))),
        new XElement(Command + "examples", help.Examples.Select((e, i) => new XElement(Command + "example",
            new XElement(Maml + "title", ExampleTitle(e.Title)),
            new XElement(Dev + "code", e.Code),
            // The empty last paragraph is the blank line Get-Help leaves before the next example's title.
            new XElement(Dev + "remarks", Paragraphs(e.Remarks), new XElement(Maml + "para"))))),
        new XElement(Command + "relatedLinks", help.Links.Select(l => new XElement(Maml + "navigationLink",
            new XElement(Maml + "linkText", l.Text),
            new XElement(Maml + "uri", l.Uri)))));

    /// <summary>A syntaxItem per parameter set (one when every parameter is in all sets): positional parameters first, by position.</summary>
    static IEnumerable<XElement> SyntaxItems(CommandHelp help)
    {
        var sets = help.Parameters.SelectMany(p => p.ParameterSets).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (sets.Count == 0) sets.Add("");
        foreach (var set in sets)
        {
            var parameters = help.Parameters.Where(p => set.Length == 0 || p.InSet(set))
                .OrderBy(p => p.Position == "named" ? int.MaxValue : int.Parse(p.Position, System.Globalization.CultureInfo.InvariantCulture))
                .ThenBy(p => help.Parameters.IndexOf(p));
            yield return new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", help.Name),
                parameters.Select(p => Parameter(p, inSyntax: true)));
        }
    }

    /// <summary>
    /// A parameter as Get-Help shows it. In a syntax item a switch has no parameterValue, so the syntax reads [-Force];
    /// in the parameter list it has one, so the entry reads -Force [&lt;SwitchParameter&gt;].
    /// </summary>
    static XElement Parameter(ParameterHelp parameter, bool inSyntax) => new(Command + "parameter",
        new XAttribute("required", parameter.Required ? "true" : "false"),
        new XAttribute("variableLength", parameter.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false"),
        new XAttribute("globbing", parameter.Globbing ? "true" : "false"),
        new XAttribute("pipelineInput", parameter.PipelineInput),
        new XAttribute("position", parameter.Position),
        new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases)),
        new XElement(Maml + "name", parameter.Name),
        Description(parameter.Description),
        inSyntax && parameter.IsSwitch ? null : new XElement(Command + "parameterValue",
            new XAttribute("required", parameter.IsSwitch ? "false" : "true"),
            new XAttribute("variableLength", "false"),
            parameter.Type),
        TypeElement(parameter.Type),
        new XElement(Dev + "defaultValue", parameter.DefaultValue));

    static XElement TypeElement(string name) => new(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

    static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paragraphs(paragraphs));

    static IEnumerable<XElement> Paragraphs(IEnumerable<string> paragraphs)
    {
        var list = paragraphs.Where(p => p.Length > 0).ToList();
        return list.Count == 0 ? new[] { new XElement(Maml + "para") } : list.Select(p => new XElement(Maml + "para", p));
    }

    /// <summary>The dashed title line Get-Help shows above each example, as in PowerShell's own help.</summary>
    static string ExampleTitle(string title)
    {
        var dashes = new string('-', Math.Max(3, (64 - title.Length) / 2));
        return $"{dashes} {title} {dashes}";
    }
}
