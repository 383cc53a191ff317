using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Tests.Infrastructure;

namespace BinlogFlusher.Tests;

/// <summary>Which key a table's chunks walk, as the server describes its indexes.</summary>
[Collection(SecondReplicaCollection.Name)]
public sealed class ChunkKeyTests(ReplicaPairFixture servers)
{
    [Fact]
    public async Task AnIndexTheOptimizerMayNotUseIsNeverTheChunkKey()
    {
        await servers.ResetAsync();
        // No primary key: the first NOT NULL unique key stands in for it (and cannot be hidden); the narrower second one
        // would be chosen, but it is ignored (MariaDB) / invisible (MySQL).
        var hidden = servers.IsMariaDb ? "IGNORED" : "INVISIBLE";
        await servers.OnPrimaryAsync("CREATE DATABASE bf_shop",
            $"CREATE TABLE bf_shop.codes (a INT NOT NULL, b INT NOT NULL, c INT NOT NULL, UNIQUE KEY ab (a, b), UNIQUE KEY c_only (c) {hidden})",
            "INSERT INTO bf_shop.codes VALUES (1, 1, 10), (1, 2, 20)");

        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, new FlushOptions { Selection = new FlushSelection { Databases = new[] { "bf_shop" } } }, null, CancellationToken.None);

        var candidate = Assert.Single(plan.Candidates);
        Assert.Equal("ab", candidate.ChunkKeyIndex);
        Assert.Equal("a, b", candidate.ChunkKeyText);
    }
}
