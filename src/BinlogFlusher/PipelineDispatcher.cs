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
        readonly BlockingCollection<Action> actions = new BlockingCollection<Action>();

        public void Post(Action action) => actions.Add(action);

        /// <summary>Asks on the pipeline thread; a stopped pipeline's PipelineStoppedException reaches the asking work.</summary>
        public Task<T> AskAsync<T>(Func<T> question)
        {
            var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(() =>
            {
                try { answer.SetResult(question()); }
                catch (Exception exception) { answer.SetException(exception); }
            });
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
            PipelineStoppedException? stopped = null;
            foreach (var action in actions.GetConsumingEnumerable())
            {
                // Once the pipeline stopped, writes fail; the work still ends (it never stops half way), then the stop goes on.
                try { action(); }
                catch (PipelineStoppedException exception) { stopped ??= exception; }
            }
            var result = running.GetAwaiter().GetResult();
            if (stopped is not null) throw stopped;
            return result;
        }
    }
}
