namespace BinlogFlusher.Cli;

/// <summary>
/// Test-only, and not in the packed tool (TEST_HOOKS is not defined when packing): BINLOGFLUSHER_TEST_STOP_AT=&lt;point&gt; makes the flush print "STOPPED AT &lt;point&gt;" and hang there,
/// so a crash test can kill the process at a known phase. With BINLOGFLUSHER_TEST_RELEASE=&lt;file&gt; it goes on once that
/// file exists (a test of what other sessions may do while a run is at that point).
/// </summary>
static class TestStopHook
{
    public static Func<string, Task>? FromEnvironment()
    {
#if !TEST_HOOKS
        return null;
#else
        var point = Environment.GetEnvironmentVariable("BINLOGFLUSHER_TEST_STOP_AT");
        if (string.IsNullOrEmpty(point)) return null;
        return async reached =>
        {
            if (!string.Equals(reached, point, StringComparison.Ordinal)) return;
            Console.WriteLine("STOPPED AT " + reached);
            Console.Out.Flush();
            var release = Environment.GetEnvironmentVariable("BINLOGFLUSHER_TEST_RELEASE");
            if (string.IsNullOrEmpty(release)) await Task.Delay(Timeout.Infinite);
            while (!File.Exists(release)) await Task.Delay(50);
        };
#endif
    }
}
