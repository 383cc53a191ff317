using System;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>Why a binlog could not be read: the server refused, the connection failed, or an event was damaged.</summary>
    public sealed class BinlogReaderException : Exception
    {
        public BinlogReaderException(string message, int serverErrorCode = 0, Exception? innerException = null)
            : base(message, innerException)
        {
            ServerErrorCode = serverErrorCode;
        }

        /// <summary>The server's error number (e.g. 1227 access denied, 1236 dump error), 0 when the server sent none.</summary>
        public int ServerErrorCode { get; }
    }
}
