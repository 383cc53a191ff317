namespace BinlogFlusher.HelpBuilder;

sealed class ExampleHelp
{
    public int Line { get; set; }
    public string Title { get; set; } = "";
    public string Code { get; set; } = "";
    public List<string> Remarks { get; } = new();
}
