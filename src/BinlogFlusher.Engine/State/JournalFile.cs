using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BinlogFlusher.Engine.State
{
    /// <summary>Writes the journal atomically: a temp file beside it, flushed to disk, renamed over it.</summary>
    public sealed class JournalFile
    {
        readonly object gate = new object();

        public JournalFile(string path, FlushJournal journal)
        {
            Path = System.IO.Path.GetFullPath(path);
            Journal = journal;
        }

        public string Path { get; }
        public FlushJournal Journal { get; }

        /// <summary>How many times the file was written (a figure for the benchmark).</summary>
        public int Writes { get; private set; }

        /// <summary>
        /// Every write leaves at least this much room after the JSON (spaces, which JSON allows), so that a last write in
        /// place still fits on a disk that filled during the run.
        /// </summary>
        const int ReserveBytes = 4096;

        static void Pad(Stream stream, long length)
        {
            var spaces = new byte[4096];
            for (var i = 0; i < spaces.Length; i++) spaces[i] = (byte)' ';
            while (stream.Position < length) stream.Write(spaces, 0, (int)Math.Min(spaces.Length, length - stream.Position));
        }

        /// <summary>Reads the journal under the lock that its writers take.</summary>
        public T Read<T>(Func<FlushJournal, T> read)
        {
            lock (gate) return read(Journal);
        }

        /// <summary>The file holds an earlier state than the journal: its last write failed (a full disk, a lost permission).</summary>
        public bool Stale { get; private set; }

        /// <summary>
        /// Changes the journal under a lock and writes it before returning. The first write that fails stops the run
        /// (FlushErrorKind.StateFileWriteFailed); while the run then puts its tables back, later failures are only
        /// remembered (Stale): the server's own record has every phase, and the put-back must not wait on the file.
        /// </summary>
        public void Update(Action<FlushJournal> change)
        {
            lock (gate)
            {
                change(Journal);
                try
                {
                    Write();
                    Stale = false;
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    var first = !Stale && WriteFailure is null;
                    Stale = true;
                    WriteFailure ??= exception;
                    if (first)
                        throw new FlushException(FlushErrorKind.StateFileWriteFailed,
                            $"the state file '{Path}' could not be written ({exception.Message}), so the run was stopped: it is what a restore after a crash reads", exception);
                }
            }
        }

        /// <summary>The first write that failed, if one did.</summary>
        public Exception? WriteFailure { get; private set; }

        /// <summary>
        /// After a failed write: the journal written over the file in place, which needs no room for a temp file
        /// beside it (not atomic, so only at the end of a run). True when the file is current.
        /// </summary>
        public bool TryWriteInPlace()
        {
            lock (gate)
            {
                if (!Stale) return true;
                try
                {
                    using (var buffer = new MemoryStream())
                    {
                        Journal.WriteJson(buffer);
                        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
                        if (stream.Length == 0) OwnerOnly.Restrict(Path);
                        var reserved = stream.Length;
                        // Only into room the file has: a longer journal written part way would leave no valid file at all.
                        if (buffer.Length > reserved) return false;
                        buffer.Position = 0;
                        buffer.CopyTo(stream);
                        Pad(stream, reserved);
                        stream.Flush(flushToDisk: true);
                    }
                    Writes++;
                    Stale = false;
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Still stale: the caller says so and points at the server's record.
                }
                return !Stale;
            }
        }

        public void Write()
        {
            lock (gate)
            {
                var temp = Path + ".tmp-" + Environment.CurrentManagedThreadId;
                try
                {
                    using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
                    {
                        OwnerOnly.Restrict(temp);
                        Journal.WriteJson(stream);
                        Pad(stream, (stream.Length / ReserveBytes + 2) * ReserveBytes);
                        stream.Flush(flushToDisk: true);
                    }
                    Writes++;
                    if (File.Exists(Path)) File.Replace(temp, Path, null);
                    else File.Move(temp, Path);
                }
                catch (Exception) when (File.Exists(temp))
                {
                    // A full disk, a lost permission, a folder in the way: no half-written temp file is left behind.
                    File.Delete(temp);
                    throw;
                }
            }
        }
    }
}
