namespace BinlogFlusher.HelpBuilder;

/// <summary>
/// BinlogFlusher.HelpBuilder --markdown &lt;folder of Cmdlet.md pages&gt; --assembly &lt;module dll&gt; --output &lt;dll-Help.xml&gt;
/// Exit code 0: the MAML file was written. 1: the pages have problems, printed as MSBuild errors; no help file is left at
/// the output path.
/// 2: wrong arguments.
/// </summary>
static class Program
{
    static int Main(string[] args) => Run(args, Console.Out);

    internal static int Run(string[] args, TextWriter output)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
        if (args.Length % 2 != 0 || !options.TryGetValue("--markdown", out var markdown) || !options.TryGetValue("--assembly", out var assembly)
            || !options.TryGetValue("--output", out var outputPath) || options.Count != 3)
        {
            output.WriteLine("error BFHELP002: usage: BinlogFlusher.HelpBuilder --markdown <folder of Cmdlet.md pages> --assembly <module dll> --output <Module.dll-Help.xml>");
            return 2;
        }
        if (!Directory.Exists(markdown))
        {
            output.WriteLine($"error BFHELP002: the help folder '{markdown}' does not exist.");
            return 2;
        }
        if (!File.Exists(assembly))
        {
            output.WriteLine($"error BFHELP002: the module assembly '{assembly}' does not exist: build src/BinlogFlusher first.");
            return 2;
        }

        var problems = new List<HelpProblem>();
        var pages = Directory.GetFiles(markdown, "*.md").Order(StringComparer.Ordinal).Select(path => MarkdownHelpReader.Read(Path.GetFullPath(path), problems)).ToList();
        HelpChecks.Check(pages, CmdletCatalog.Read(assembly), Path.GetFullPath(markdown), problems);
        if (problems.Count > 0)
        {
            foreach (var problem in problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line)) output.WriteLine(problem);
            // No stale help from an earlier build may stay beside the module.
            if (File.Exists(outputPath)) File.Delete(outputPath);
            output.WriteLine($"error BFHELP001: {problems.Count} problem(s) in the help pages in {Path.GetFullPath(markdown)}; no help file was written.");
            return 1;
        }

        MamlWriter.Write(MamlWriter.Build(pages), outputPath);
        output.WriteLine($"Help for {pages.Count} cmdlets written to {Path.GetFullPath(outputPath)}");
        return 0;
    }
}
