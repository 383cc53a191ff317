using System;
using System.Security.Cryptography;
using System.Text;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>mysql_native_password: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))); empty for no password.</summary>
    internal static class NativePassword
    {
        public const string PluginName = "mysql_native_password";

        public static byte[] Scramble(string? password, byte[] scramble)
        {
            if (string.IsNullOrEmpty(password)) return Array.Empty<byte>();
            using var sha1 = SHA1.Create();
            var stage1 = sha1.ComputeHash(Encoding.UTF8.GetBytes(password));
            var stage2 = sha1.ComputeHash(stage1);
            var seeded = new byte[scramble.Length + stage2.Length];
            Buffer.BlockCopy(scramble, 0, seeded, 0, scramble.Length);
            Buffer.BlockCopy(stage2, 0, seeded, scramble.Length, stage2.Length);
            var mask = sha1.ComputeHash(seeded);
            for (var i = 0; i < stage1.Length; i++) stage1[i] ^= mask[i];
            return stage1;
        }
    }
}
