using System;
using System.Security.Cryptography;
using System.Text;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// caching_sha2_password (MySQL 8's default), as MySQL's source documentation describes its exchanges: the scramble
    /// XOR(SHA256(password), SHA256(SHA256(SHA256(password)) + nonce)) for fast authentication; for full authentication
    /// without TLS, the password + NUL XORed with the nonce, encrypted with the server's RSA public key (OAEP padding).
    /// </summary>
    internal static class CachingSha2Password
    {
        public const string PluginName = "caching_sha2_password";
        public const byte MoreData = 0x01, RequestPublicKey = 0x02, FastAuthSuccess = 0x03, PerformFullAuthentication = 0x04;

        public static byte[] Scramble(string? password, byte[] nonce)
        {
            if (string.IsNullOrEmpty(password)) return Array.Empty<byte>();
            using var sha256 = SHA256.Create();
            var stage1 = sha256.ComputeHash(Encoding.UTF8.GetBytes(password));
            var stage2 = sha256.ComputeHash(stage1);
            var seeded = new byte[stage2.Length + nonce.Length];
            Buffer.BlockCopy(stage2, 0, seeded, 0, stage2.Length);
            Buffer.BlockCopy(nonce, 0, seeded, stage2.Length, nonce.Length);
            var mask = sha256.ComputeHash(seeded);
            for (var i = 0; i < stage1.Length; i++) stage1[i] ^= mask[i];
            return stage1;
        }

        public static byte[] EncryptPassword(string? password, byte[] nonce, string publicKeyPem)
        {
            var plain = Encoding.UTF8.GetBytes((password ?? "") + "\0");
            for (var i = 0; i < plain.Length; i++) plain[i] ^= nonce[i % nonce.Length];
            using var rsa = RSA.Create();
            rsa.ImportParameters(ReadPublicKey(publicKeyPem));
            return rsa.Encrypt(plain, RSAEncryptionPadding.OaepSHA1);
        }

        /// <summary>An RSA public key from PEM: SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") or PKCS#1 ("BEGIN RSA PUBLIC KEY").</summary>
        internal static RSAParameters ReadPublicKey(string pem)
        {
            var body = new StringBuilder();
            foreach (var line in pem.Split('\n'))
                if (!line.StartsWith("-----", StringComparison.Ordinal)) body.Append(line.Trim());
            var der = Convert.FromBase64String(body.ToString());
            var at = 0;
            Enter(der, ref at, 0x30);
            if (der[at] == 0x30)
            {
                var algorithm = Enter(der, ref at, 0x30);
                at += algorithm;
                Enter(der, ref at, 0x03);
                at++; // unused bits of the BIT STRING
                Enter(der, ref at, 0x30);
            }
            var modulus = Integer(der, ref at);
            var exponent = Integer(der, ref at);
            return new RSAParameters { Modulus = modulus, Exponent = exponent };
        }

        /// <summary>Reads a DER tag and length; leaves <paramref name="at"/> at the contents and returns their length.</summary>
        static int Enter(byte[] der, ref int at, byte tag)
        {
            if (der[at] != tag) throw new BinlogReaderException($"The server's RSA public key is not in a form the reader knows (tag 0x{der[at]:X2} where 0x{tag:X2} was expected).");
            at++;
            int length = der[at++];
            if (length >= 0x80)
            {
                var bytes = length & 0x7F;
                length = 0;
                for (var i = 0; i < bytes; i++) length = (length << 8) | der[at++];
            }
            return length;
        }

        static byte[] Integer(byte[] der, ref int at)
        {
            var length = Enter(der, ref at, 0x02);
            var start = at;
            at += length;
            while (length > 1 && der[start] == 0)
            {
                start++;
                length--;
            }
            var value = new byte[length];
            Buffer.BlockCopy(der, start, value, 0, length);
            return value;
        }
    }
}
