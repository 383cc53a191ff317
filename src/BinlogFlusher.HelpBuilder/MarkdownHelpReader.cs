using System.Globalization;
using System.Text.RegularExpressions;

namespace BinlogFlusher.HelpBuilder;

/// <summary>
/// Reads one cmdlet's help page in platyPS's markdown format: optional front matter, "# Name", then the sections
/// SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES ("### Example N: title", a ```powershell block, remarks), PARAMETERS
/// ("### -Name", description, a ```yaml block; "### CommonParameters"), INPUTS and OUTPUTS ("### TypeName",
/// description), NOTES, RELATED LINKS. SYNTAX is for the reader of the markdown: the MAML syntax is made from the
/// parameters' yaml, as platyPS does. Anything outside this format is a problem, never silently dropped.
/// </summary>
static partial class MarkdownHelpReader
{
    static readonly string[] KnownSections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };
    static readonly string[] YamlKeys = { "Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters" };

    public static CommandHelp Read(string path, List<HelpProblem> problems) => Read(path, File.ReadAllLines(path), problems);

    public static CommandHelp Read(string path, IReadOnlyList<string> lines, List<HelpProblem> problems)
    {
        var help = new CommandHelp { File = path };
        void Problem(int line, string message) => problems.Add(new HelpProblem(path, line, message));

        var page = Outline(lines, Problem);
        if (page.Title is null)
        {
            Problem(1, "The page has no '# <Cmdlet-Name>' title line.");
            return help;
        }
        help.Name = page.Title.Heading;
        help.TitleLine = page.Title.Line;

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in page.Sections)
        {
            var name = section.Heading;
            if (!KnownSections.Contains(name, StringComparer.Ordinal))
            {
                Problem(section.Line, $"Unknown section '## {name}'. A help page has: {string.Join(", ", KnownSections.Select(s => "## " + s))}.");
                continue;
            }
            if (!seen.Add(name))
            {
                Problem(section.Line, $"'## {name}' appears twice.");
                continue;
            }
            ReadSection(help, section, Problem);
        }
        return help;
    }

    static void ReadSection(CommandHelp help, Section section, Action<int, string> problem)
    {
        var name = section.Heading;
        switch (name)
        {
            case "SYNOPSIS":
                NoSubsections(section, problem);
                help.Synopsis = string.Join(" ", Blocks(section.Body, problem).OfType<TextBlock>().Select(b => b.Text));
                break;
            case "SYNTAX":
                break;
            case "DESCRIPTION":
                NoSubsections(section, problem);
                help.Description.AddRange(Paragraphs(Blocks(section.Body, problem)));
                break;
            case "EXAMPLES":
                TextOnlyInSubsections(section, problem);
                foreach (var example in section.Children) help.Examples.Add(ReadExample(example, problem));
                break;
            case "PARAMETERS":
                TextOnlyInSubsections(section, problem);
                ReadParameters(help, section, problem);
                break;
            case "INPUTS":
            case "OUTPUTS":
                TextOnlyInSubsections(section, problem);
                ReadTypes(name == "INPUTS" ? help.Inputs : help.Outputs, section, problem);
                break;
            case "NOTES":
                NoSubsections(section, problem);
                help.Notes.AddRange(Paragraphs(Blocks(section.Body, problem)));
                break;
            case "RELATED LINKS":
                NoSubsections(section, problem);
                ReadLinks(help, section, problem);
                break;
        }
    }

    static void ReadParameters(CommandHelp help, Section section, Action<int, string> problem)
    {
        foreach (var parameter in section.Children)
        {
            if (parameter.Heading is "CommonParameters") continue;
            if (!parameter.Heading.StartsWith('-') || parameter.Heading.Length < 2 || parameter.Heading.Contains(' '))
            {
                problem(parameter.Line, $"'### {parameter.Heading}' is not a parameter heading: write '### -Name' (or '### CommonParameters').");
                continue;
            }
            help.Parameters.Add(ReadParameter(parameter, problem));
        }
    }

    static void ReadTypes(List<TypeHelp> into, Section section, Action<int, string> problem)
    {
        foreach (var type in section.Children)
        {
            var typeHelp = new TypeHelp { Name = type.Heading };
            typeHelp.Description.AddRange(Paragraphs(Blocks(type.Body, problem)));
            into.Add(typeHelp);
        }
    }

    static void ReadLinks(CommandHelp help, Section section, Action<int, string> problem)
    {
        foreach (var line in section.Body.Where(l => l.Text.Trim().Length > 0))
        {
            var match = LinkPattern().Match(line.Text.Trim());
            if (!match.Success || match.Length != line.Text.Trim().Length)
            {
                problem(line.Number, "A related link is one '[text](uri)' a line.");
                continue;
            }
            var uri = match.Groups[2].Value;
            help.Links.Add(new LinkHelp { Text = match.Groups[1].Value, Uri = IsWebAddress(uri) ? uri : "" });
        }
    }

    static ExampleHelp ReadExample(Section section, Action<int, string> problem)
    {
        var example = new ExampleHelp { Line = section.Line, Title = section.Heading };
        var blocks = Blocks(section.Body, problem);
        example.Code = string.Join("\n\n", blocks.OfType<CodeBlock>().Select(b => b.Code));
        example.Remarks.AddRange(Paragraphs(blocks.Where(b => b is TextBlock)));
        if (example.Code.Trim().Length == 0) problem(section.Line, $"'### {section.Heading}' has no ```powershell code block.");
        if (example.Remarks.Count == 0) problem(section.Line, $"'### {section.Heading}' does not say what the example does: write it below the code.");
        return example;
    }

    static ParameterHelp ReadParameter(Section section, Action<int, string> problem)
    {
        var parameter = new ParameterHelp { Line = section.Line, Name = section.Heading[1..] };
        var blocks = Blocks(section.Body, problem);
        parameter.Description.AddRange(Paragraphs(blocks.Where(b => b is TextBlock)));
        var yaml = blocks.OfType<CodeBlock>().Where(b => b.Language == "yaml").ToList();
        if (blocks.OfType<CodeBlock>().Any(b => b.Language != "yaml"))
            problem(section.Line, $"-{parameter.Name}: a parameter holds its description and one ```yaml block, no other code block.");
        if (yaml.Count != 1)
        {
            problem(section.Line, $"-{parameter.Name} needs exactly one ```yaml block (Type, Parameter Sets, Aliases, Required, Position, Default value, Accept pipeline input, Accept wildcard characters).");
            return parameter;
        }

        var block = yaml[0];
        var fields = ReadYamlFields(parameter.Name, block, problem);

        string Field(string key) => fields.TryGetValue(key, out var value) ? value : "";
        bool? Flag(string key)
        {
            var value = Field(key);
            if (value.Equals("True", StringComparison.OrdinalIgnoreCase)) return true;
            if (value.Equals("False", StringComparison.OrdinalIgnoreCase)) return false;
            if (fields.ContainsKey(key)) problem(block.Line, $"-{parameter.Name}: '{key}: {value}' is neither True nor False.");
            return null;
        }

        parameter.Type = Field("Type");
        if (fields.ContainsKey("Type") && parameter.Type.Length == 0) problem(block.Line, $"-{parameter.Name}: 'Type:' is empty.");
        var sets = Field("Parameter Sets");
        if (sets != "(All)")
            parameter.ParameterSets.AddRange(sets.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0));
        if (fields.ContainsKey("Parameter Sets") && sets != "(All)" && parameter.ParameterSets.Count == 0)
            problem(block.Line, $"-{parameter.Name}: 'Parameter Sets:' is '(All)' or a comma-separated list of set names.");
        parameter.Aliases.AddRange(Field("Aliases").Split(',').Select(a => a.Trim()).Where(a => a.Length > 0));
        parameter.Required = Flag("Required") ?? false;
        parameter.Globbing = Flag("Accept wildcard characters") ?? false;

        var position = Field("Position");
        if (position.Equals("Named", StringComparison.OrdinalIgnoreCase)) parameter.Position = "named";
        else if (int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var index)) parameter.Position = index.ToString(CultureInfo.InvariantCulture);
        else if (fields.ContainsKey("Position")) problem(block.Line, $"-{parameter.Name}: 'Position: {position}' is neither Named nor a number.");

        var defaultValue = Field("Default value");
        parameter.DefaultValue = defaultValue.Length == 0 ? "None" : defaultValue;

        var pipeline = Field("Accept pipeline input");
        if (PipelinePattern().IsMatch(pipeline)) parameter.PipelineInput = pipeline;
        else if (fields.ContainsKey("Accept pipeline input"))
            problem(block.Line, $"-{parameter.Name}: 'Accept pipeline input: {pipeline}' is not False, True (ByValue), True (ByPropertyName) or True (ByPropertyName, ByValue).");
        return parameter;
    }

    /// <summary>The yaml block's fields, each known and once; every missing one is a problem.</summary>
    static Dictionary<string, string> ReadYamlFields(string parameterName, CodeBlock block, Action<int, string> problem)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = block.Code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            var key = colon < 0 ? line : line[..colon];
            if (colon < 0 || !YamlKeys.Contains(key, StringComparer.Ordinal))
            {
                problem(block.Line + 1 + i, $"-{parameterName}: '{line}' is not one of the yaml fields {string.Join(", ", YamlKeys)}.");
                continue;
            }
            if (!fields.TryAdd(key, line[(colon + 1)..].Trim())) problem(block.Line + 1 + i, $"-{parameterName}: '{key}' appears twice.");
        }
        foreach (var missing in YamlKeys.Where(k => !fields.ContainsKey(k)))
            problem(block.Line, $"-{parameterName}: the yaml block has no '{missing}:' line.");
        return fields;
    }

    static void NoSubsections(Section section, Action<int, string> problem)
    {
        foreach (var child in section.Children) problem(child.Line, $"'## {section.Heading}' takes no '### ' headings ('### {child.Heading}').");
    }

    static void TextOnlyInSubsections(Section section, Action<int, string> problem)
    {
        if (section.Body.FirstOrDefault(l => l.Text.Trim().Length > 0) is { } stray)
            problem(stray.Number, $"Text under '## {section.Heading}' belongs under one of its '### ' headings.");
    }

    /// <summary>Text blocks as MAML paragraphs: markdown links become their text (and web address), emphasis marks go.</summary>
    static IEnumerable<string> Paragraphs(IEnumerable<Block> blocks) => blocks.Select(b => b switch
    {
        TextBlock text => Inline(text.Text),
        CodeBlock code => code.Code,
        _ => "",
    }).Where(p => p.Length > 0);

    static string Inline(string text)
    {
        text = LinkPattern().Replace(text, m => IsWebAddress(m.Groups[2].Value) ? $"{m.Groups[1].Value} ({m.Groups[2].Value})" : m.Groups[1].Value);
        return text.Replace("**", "");
    }

    static bool IsWebAddress(string uri) => uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Paragraphs (lines joined, a list item each) and fenced code blocks. A markdown author wraps lines at will; a
    /// MAML paragraph is one line that Get-Help wraps to the console.
    /// </summary>
    static List<Block> Blocks(IReadOnlyList<Line> lines, Action<int, string> problem)
    {
        var blocks = new List<Block>();
        var paragraph = new List<string>();
        var paragraphLine = 0;
        void Flush()
        {
            if (paragraph.Count > 0) blocks.Add(new TextBlock(paragraphLine, string.Join(" ", paragraph)));
            paragraph.Clear();
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var text = lines[i].Text;
            var trimmed = text.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                Flush();
                var start = lines[i].Number;
                var language = trimmed[3..].Trim();
                var code = new List<string>();
                var closed = false;
                for (i++; i < lines.Count; i++)
                {
                    if (lines[i].Text.Trim() == "```") { closed = true; break; }
                    code.Add(lines[i].Text.TrimEnd());
                }
                if (!closed) problem(start, "A ``` code block is not closed.");
                blocks.Add(new CodeBlock(start, language, string.Join("\n", code).Trim('\n')));
                continue;
            }
            if (trimmed.Length == 0)
            {
                Flush();
                continue;
            }
            if (ListItemPattern().IsMatch(trimmed)) Flush();
            if (paragraph.Count == 0) paragraphLine = lines[i].Number;
            paragraph.Add(trimmed);
        }
        Flush();
        return blocks;
    }

    /// <summary>Headings outside code blocks: the title, the '## ' sections and their '### ' subsections.</summary>
    static Page Outline(IReadOnlyList<string> lines, Action<int, string> problem)
    {
        var page = new Page();
        var first = 0;
        if (lines.Count > 0 && lines[0].Trim() == "---")
        {
            // Front matter (external help file, Module Name, schema): for platyPS; this builder needs none of it.
            var end = Enumerable.Range(1, Math.Max(0, lines.Count - 1)).FirstOrDefault(i => lines[i].Trim() == "---");
            if (end == 0) problem(1, "The front matter that starts with '---' is not closed by a second '---' line.");
            first = end + 1;
        }

        Section? section = null;
        Section? subsection = null;
        var inCode = false;
        for (var i = first; i < lines.Count; i++)
        {
            var line = new Line(i + 1, lines[i]);
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
            else if (!inCode && lines[i].StartsWith("# ", StringComparison.Ordinal))
            {
                if (page.Title is not null) problem(line.Number, "A second '# ' title: a page documents one cmdlet.");
                else page.Title = new Section(lines[i][2..].Trim(), line.Number);
                continue;
            }
            else if (!inCode && lines[i].StartsWith("## ", StringComparison.Ordinal))
            {
                section = new Section(lines[i][3..].Trim(), line.Number);
                subsection = null;
                page.Sections.Add(section);
                continue;
            }
            else if (!inCode && lines[i].StartsWith("### ", StringComparison.Ordinal))
            {
                if (section is null) problem(line.Number, "A '### ' heading before any '## ' section.");
                else
                {
                    subsection = new Section(lines[i][4..].Trim(), line.Number);
                    section.Children.Add(subsection);
                }
                continue;
            }
            else if (!inCode && lines[i].StartsWith("#", StringComparison.Ordinal) && HeadingPattern().IsMatch(lines[i]))
            {
                problem(line.Number, "Only '# ', '## ' and '### ' headings belong in a help page.");
                continue;
            }

            if (subsection is not null) subsection.Body.Add(line);
            else if (section is not null) section.Body.Add(line);
            else if (lines[i].Trim().Length > 0 && page.Title is not null) problem(line.Number, "Text between the title and the first '## ' section.");
        }
        return page;
    }

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]*)\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^(?:[-*] |\d+\. )")]
    private static partial Regex ListItemPattern();

    [GeneratedRegex(@"^#{4,} ")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^(False|True \((ByValue|ByPropertyName|ByPropertyName, ByValue)\))$")]
    private static partial Regex PipelinePattern();

    sealed record Line(int Number, string Text);

    sealed class Section(string heading, int line)
    {
        public string Heading { get; } = heading;
        public int Line { get; } = line;
        public List<Line> Body { get; } = new();
        public List<Section> Children { get; } = new();
    }

    sealed class Page
    {
        public Section? Title { get; set; }
        public List<Section> Sections { get; } = new();
    }

    abstract record Block(int Line);
    sealed record TextBlock(int Line, string Text) : Block(Line);
    sealed record CodeBlock(int Line, string Language, string Code) : Block(Line);
}
