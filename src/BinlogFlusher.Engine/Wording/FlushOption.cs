namespace BinlogFlusher.Engine
{
    /// <summary>The options the engine's messages name when they say how to fix something.</summary>
    public enum FlushOption
    {
        HostName,
        Port,
        Credential,
        MyCnf,
        StateFile,
        Discover,
        Database,
        Table,
        ExcludeDatabase,
        ExcludeTable,
        Force,
        NoReplicaStop,
        StartReplica,
        GtidDomainId,
        ChunkBytes,
        ResetBinaryLogs,
    }
}
