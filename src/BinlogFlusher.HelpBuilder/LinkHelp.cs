namespace BinlogFlusher.HelpBuilder;

sealed class LinkHelp
{
    public string Text { get; set; } = "";
    public string Uri { get; set; } = "";
}
