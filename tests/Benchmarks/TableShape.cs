namespace BinlogFlusher.Benchmarks;

/// <summary>A table's key: its columns (with the PRIMARY KEY clause) and how row number <c>s</c> fills them.</summary>
sealed record TableKey(string Columns, string Values);

/// <summary>A table's other columns (and their secondary keys), how row number <c>s</c> fills them, and about how wide a row is.</summary>
sealed record TablePayload(string Columns, string Values, string Width);

/// <summary>One table shape: a key and a payload; <see cref="Columns"/> and <see cref="Values"/> are the two joined.</summary>
sealed record TableShape(string Name, TableKey Key, TablePayload Payload, string Width)
{
    public string Columns => Key.Columns + ", " + Payload.Columns;
    public string Values => Key.Values + ", " + Payload.Values;
}
