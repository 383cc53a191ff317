namespace BinlogFlusher.HelpBuilder;

/// <summary>
/// What fails the build: a cmdlet without a page, a page without a synopsis, a description or two examples, and a
/// page that documents a cmdlet or a parameter the module does not have. The rest (every parameter documented, the
/// yaml facts agreeing with the code, defaults, inputs and outputs) is asserted by HelpTests on what Get-Help shows.
/// </summary>
static class HelpChecks
{
    public const int MinimumExamples = 2;

    public static void Check(IReadOnlyList<CommandHelp> pages, IReadOnlyList<CmdletInfo> cmdlets, string markdownFolder, List<HelpProblem> problems)
    {
        foreach (var cmdlet in cmdlets.Where(c => !pages.Any(p => p.Name.Equals(c.Name, StringComparison.OrdinalIgnoreCase))))
            problems.Add(new HelpProblem(Path.Combine(markdownFolder, cmdlet.Name + ".md"), 1,
                $"{cmdlet.Name} has no help page: write {cmdlet.Name}.md in {markdownFolder} (copy another cmdlet's page for the format)."));

        foreach (var page in pages.Where(p => p.Name.Length > 0))
        {
            void Problem(int line, string message) => problems.Add(new HelpProblem(page.File, line, message));
            var fileName = Path.GetFileNameWithoutExtension(page.File);
            if (!fileName.Equals(page.Name, StringComparison.Ordinal))
                Problem(page.TitleLine, $"The page is titled '# {page.Name}' but named {fileName}.md: name the file after the cmdlet.");

            var cmdlet = cmdlets.FirstOrDefault(c => c.Name.Equals(page.Name, StringComparison.OrdinalIgnoreCase));
            if (cmdlet is null)
            {
                Problem(page.TitleLine, $"The module has no cmdlet {page.Name} (it has {string.Join(", ", cmdlets.Select(c => c.Name))}).");
                continue;
            }
            if (page.Synopsis.Trim().Length == 0)
                Problem(page.TitleLine, $"{page.Name} has no synopsis: write one line under '## SYNOPSIS'.");
            if (page.Description.Count == 0)
                Problem(page.TitleLine, $"{page.Name} has no description: say what it does, under '## DESCRIPTION'.");
            if (page.Examples.Count < MinimumExamples)
                Problem(page.TitleLine, $"{page.Name} has {page.Examples.Count} example(s); a cmdlet needs at least {MinimumExamples} under '## EXAMPLES' ('### Example N: title', a ```powershell block, then what it does).");

            var documented = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in page.Parameters)
            {
                if (!documented.Add(parameter.Name))
                {
                    Problem(parameter.Line, $"-{parameter.Name} is documented twice.");
                    continue;
                }
                if (cmdlet.Parameters.ContainsKey(parameter.Name)) continue;
                var owner = cmdlet.Parameters.FirstOrDefault(p => p.Value.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase)).Key;
                Problem(parameter.Line, owner is not null
                    ? $"-{parameter.Name} is an alias of -{owner}: document it under '### -{owner}' with 'Aliases: {string.Join(", ", cmdlet.Parameters[owner])}'."
                    : $"{page.Name} has no parameter -{parameter.Name} (it has {string.Join(", ", cmdlet.Parameters.Keys.Select(k => "-" + k))}): remove it from the page or correct its name.");
            }
        }
    }
}
