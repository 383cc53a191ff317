namespace BinlogFlusher.Engine.Verifying
{
    /// <summary>
    /// How the values of one chunk key column order, and the form the verifier holds them in to compare them as the
    /// server does (the chunk key types are those <see cref="Planning.FlushCandidate"/> chunks on).
    /// </summary>
    enum KeyOrdering
    {
        /// <summary>Integers and YEAR, as decimal.</summary>
        Number,
        /// <summary>DECIMAL and NUMERIC, as a BigInteger of the value times ten to the column's scale (the reader keeps wide ones as text).</summary>
        Decimal,
        /// <summary>DATE and DATETIME, as 'yyyy-MM-dd' or 'yyyy-MM-dd HH:mm:ss.ffffff' text, whose characters order as the values do.</summary>
        DateText,
        /// <summary>TIME, as microseconds (long).</summary>
        Time,
        /// <summary>TIMESTAMP, as seconds since 1970 UTC (decimal); the journal's values, in the session's time zone, are converted by the server.</summary>
        Timestamp,
        /// <summary>BINARY and VARBINARY, as bytes compared byte by byte.</summary>
        Bytes,
        /// <summary>CHAR and VARCHAR: ordered by the column's collation, which only the server applies.</summary>
        Collated,
    }
}
