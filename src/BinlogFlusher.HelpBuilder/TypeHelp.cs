namespace BinlogFlusher.HelpBuilder;

sealed class TypeHelp
{
    public string Name { get; set; } = "";
    public List<string> Description { get; } = new();
}
