using System.IO;
using System.Runtime.InteropServices;

namespace BinlogFlusher.Engine.State
{
    /// <summary>
    /// State files are readable by their owner alone (mode 0600 on Linux and macOS): they hold no password, but name the
    /// server, its tables and its replication position. On Windows a new file takes its folder's ACL, the user's own.
    /// </summary>
    static class OwnerOnly
    {
        const uint ReadWriteByOwner = 0x180; // 0600

        [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
        static extern int Chmod(string path, uint mode);

        public static void Restrict(string path)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && !RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return;
            if (Chmod(path, ReadWriteByOwner) != 0)
                throw new IOException($"Cannot make '{path}' readable by its owner only (errno {Marshal.GetLastWin32Error()}).");
        }
    }
}
