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

        /// <summary>
        /// Called on the new, still empty file, before anything is written to it. A file system without Unix modes
        /// (vfat, some network mounts) refuses: the file is written as that file system allows, not refused.
        /// </summary>
        public static void Restrict(string path)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && !RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return;
            _ = Chmod(path, ReadWriteByOwner);
        }
    }
}
