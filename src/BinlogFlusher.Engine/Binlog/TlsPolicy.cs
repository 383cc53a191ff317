using System;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using BinlogFlusher.Engine.Connection;

namespace BinlogFlusher.Engine.Binlog
{
    /// <summary>
    /// What the connection's SslMode asks of TLS, as MySqlConnector reads it: None/Disabled never, Preferred (the default)
    /// when the server offers it, Required always without checking the certificate, VerifyCA a certificate chaining to a
    /// trusted root or to SslCa, VerifyFull that and the host name.
    /// </summary>
    internal sealed class TlsPolicy
    {
        public enum TlsMode { None, Preferred, Required, VerifyCA, VerifyFull }

        readonly X509Certificate2? authority;

        TlsPolicy(TlsMode mode, X509Certificate2? authority)
        {
            Mode = mode;
            this.authority = authority;
        }

        public TlsMode Mode { get; }

        public static TlsPolicy From(ConnectionSettings settings)
        {
            var text = (settings.SslMode ?? "").Replace("_", "").Trim();
            TlsMode mode;
            if (text.Length == 0) mode = TlsMode.Preferred;
            else if (text.Equals("Disabled", StringComparison.OrdinalIgnoreCase)) mode = TlsMode.None;
            else if (!Enum.TryParse(text, ignoreCase: true, out mode))
                throw new BinlogReaderException($"SslMode '{settings.SslMode}' is none of None, Preferred, Required, VerifyCA, VerifyFull.");
            if (mode != TlsMode.None && (!string.IsNullOrEmpty(settings.SslCert) || !string.IsNullOrEmpty(settings.SslKey)))
                throw new BinlogReaderException($"The binlog reader cannot present a client certificate (SslCert/SslKey) to {settings.Target}: read the binlog as an account that does not require one (REQUIRE SSL rather than REQUIRE X509).");
            var authority = string.IsNullOrEmpty(settings.SslCa) ? null : new X509Certificate2(settings.SslCa);
            return new TlsPolicy(mode, authority);
        }

        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (Mode is TlsMode.Preferred or TlsMode.Required) return true;
            if (certificate is null) return false;
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                if (Mode == TlsMode.VerifyFull) return false;
                errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
            }
            if (errors == SslPolicyErrors.None) return true;
            if (authority is null || errors != SslPolicyErrors.RemoteCertificateChainErrors) return false;
            using var own = new X509Chain();
            own.ChainPolicy.ExtraStore.Add(authority);
            own.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (!own.Build(new X509Certificate2(certificate))) return false;
            var root = own.ChainElements[own.ChainElements.Count - 1].Certificate;
            return root.Thumbprint == authority.Thumbprint;
        }
    }
}
