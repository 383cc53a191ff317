using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading.Tasks;

namespace BinlogFlusher.Commands
{
    /// <summary>
    /// Runs engine work off the pipeline thread, and carries out on the pipeline thread, in order, what the work posts:
    /// writes to the pipeline and questions (ShouldProcess) whose answers it awaits. No polling: the pipeline thread
    /// waits on the queue until the work ends.
    /// </summary>
    sealed class PipelineDispatcher
    {
        readonly BlockingCollection<(Action Run, Action? Instead)> actions = new BlockingCollection<(Action, Action?)>();

        public void Post(Action action) => actions.Add((action, null));

        /// <summary>Asks on the pipeline thread; once writing has failed, the answer is no (nothing more is changed).</summary>
        public Task<T> AskAsync<T>(Func<T> question)
        {
            var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            actions.Add((() =>
            {
                try { answer.SetResult(question()); }
                catch (Exception exception) { answer.SetException(exception); }
            }, () => answer.TrySetResult(default!)));
            return answer.Task;
        }

        /// <summary>Runs the work to its end, doing on this (the pipeline) thread what it posts meanwhile.</summary>
        public T Run<T>(Func<Task<T>> work)
        {
            var running = Task.Run(async () =>
            {
                try { return await work().ConfigureAwait(false); }
                finally { actions.CompleteAdding(); }
            });
            Exception? failed = null;
            foreach (var (run, instead) in actions.GetConsumingEnumerable())
            {
                // A stopped pipeline, or an error turned terminating (-ErrorAction Stop): nothing more is written, the work
                // still ends (it never stops half way, and is told no to every further change), then the failure goes on.
                if (failed is not null)
                {
                    instead?.Invoke();
                    continue;
                }
                try { run(); }
                catch (Exception exception) { failed = exception; }
            }
            if (failed is not null)
            {
                running.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                throw failed;
            }
            return running.GetAwaiter().GetResult();
        }
    }
}
