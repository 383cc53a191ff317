using BinlogFlusher.Benchmarks;

// The throughput benchmark of issue 7. No assertions: it measures and prints.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine("Benchmarks: " + exception.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return options.Worker
    ? await EngineFlush.WorkerAsync(options, cancel.Token)
    : await Benchmark.RunAsync(options, cancel.Token);
