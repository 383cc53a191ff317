using BinlogFlusher.Engine;

namespace BinlogFlusher.Cli;

/// <summary>The command's first connection failed (the host or port does not answer, or the login is refused): exit 4, nothing was done.</summary>
sealed class CannotConnectException(FlushException failure) : Exception(failure.Message, failure)
{
    /// <summary>
    /// The command's first connection to the server. A failure to connect or log in there is this exception; a lost
    /// connection later (after something may have changed) stays the engine's failure.
    /// </summary>
    public static async Task<T> OnFirstConnectionAsync<T>(Func<Task<T>> open)
    {
        try
        {
            return await open();
        }
        catch (FlushException failure) when (failure.Kind == FlushErrorKind.ConnectionFailed)
        {
            throw new CannotConnectException(failure);
        }
    }
}
