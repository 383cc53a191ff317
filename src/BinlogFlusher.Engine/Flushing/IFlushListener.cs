
namespace BinlogFlusher.Engine.Flushing
{
    /// <summary>What a running flush tells its caller. Called from worker threads: implementations queue, never block.</summary>
    public interface IFlushListener
    {
        void Verbose(string message);
        void Warning(string message);
        void HostProgress(HostProgress progress);
        void TableProgress(TableProgress progress);
    }
}
