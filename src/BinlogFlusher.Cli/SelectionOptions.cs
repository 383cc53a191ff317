using System.CommandLine;
using System.CommandLine.Parsing;
using BinlogFlusher.Engine.Planning;

namespace BinlogFlusher.Cli;

/// <summary>--db, --table, --skip, --skip-table: which tables a command takes.</summary>
sealed class SelectionOptions
{
    public Option<string[]> Databases { get; } = Options.List("--db", "db1,db2", "Only these databases, comma-separated; * and ? are wildcards [default: every database but the system schemas].", "--database");
    public Option<string[]> Tables { get; } = Options.List("--table", "t1,db.t2", "Only these tables, as table or db.table, comma-separated; * and ? are wildcards.");
    public Option<string[]> Skip { get; } = Options.List("--skip", "db1,db2", "Leave these databases out, comma-separated (the system schemas are always left out).");
    public Option<string[]> SkipTables { get; } = Options.List("--skip-table", "t1,db.t2", "Leave these tables out, as table or db.table, comma-separated; * and ? are wildcards; applied after --db and --table.");

    public void AddTo(Command command) => command.With(Databases, Tables, Skip, SkipTables);

    public FlushSelection Selection(ParseResult result) => new()
    {
        Databases = result.Values(Databases),
        Tables = result.Values(Tables),
        ExcludeDatabases = result.Values(Skip),
        ExcludeTables = result.Values(SkipTables),
    };
}
