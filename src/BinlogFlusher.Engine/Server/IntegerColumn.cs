namespace BinlogFlusher.Engine.Server
{
    /// <summary>The server's integer column types, by information_schema's DATA_TYPE.</summary>
    static class IntegerColumn
    {
        /// <summary>The type's width in bytes; 0 for a type that is not an integer.</summary>
        public static int Bytes(string? dataType) => (dataType ?? "").ToLowerInvariant() switch
        {
            "tinyint" => 1,
            "smallint" => 2,
            "mediumint" => 3,
            "int" or "integer" => 4,
            "bigint" => 8,
            _ => 0,
        };
    }
}
