using BinlogFlusher.Engine.Flushing;
using BinlogFlusher.Engine.Planning;
using BinlogFlusher.Engine.State;

namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>A flush in the test process stopped (cancelled) at a chunk's boundary query, leaving an interrupted run to resume.</summary>
public static class InterruptedFlush
{
    /// <summary>
    /// Runs the flush of <paramref name="options"/> and stops it as its <paramref name="boundary"/>-th boundary query
    /// begins: the chunk before it is copied but not yet journaled, so a resumed run copies it again.
    /// </summary>
    public static async Task StopAtBoundaryAsync(ReplicaPairFixture servers, FlushOptions options, int boundary)
    {
        var plan = await HostPlan.ReadAsync(servers.ReplicaSettings, options, null, CancellationToken.None);
        Assert.True(plan.Ready, plan.RefusalMessage);
        using var stop = new CancellationTokenSource();
        var boundaries = 0;
        var flusher = new HostFlusher(plan, new WarningListener())
        {
            PhaseReached = point =>
            {
                if (point == "Boundary" && ++boundaries == boundary) stop.Cancel();
                return Task.CompletedTask;
            },
        };
        try
        {
            await flusher.FlushAsync(plan.Candidates, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        Assert.Equal("Interrupted", FlushJournal.Load(options.StateFile!).Status);
    }

    /// <summary>
    /// Waits (up to 30 s) for the flush's INSERT into <paramref name="schema"/>.<paramref name="table"/> to run on the
    /// replica and kills its connection mid-statement; the killed connection's id is added to <paramref name="killed"/>.
    /// </summary>
    public static async Task KillRunningInsertAsync(ReplicaPairFixture servers, string schema, string table, List<long> killed)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await using var watcher = await ReplicaPairFixture.OpenAsync(servers.Replica);
        while (DateTime.UtcNow < deadline)
        {
            var running = await new MySqlConnector.MySqlCommand(
                $"SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT INTO `{schema}`.`{table}`%' AND ID <> CONNECTION_ID()", watcher).ExecuteScalarAsync();
            if (running is not null && running is not DBNull)
            {
                var id = Convert.ToInt64(running);
                await new MySqlConnector.MySqlCommand($"KILL CONNECTION {id}", watcher).ExecuteNonQueryAsync();
                killed.Add(id);
                return;
            }
        }
    }
}
