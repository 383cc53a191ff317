using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BinlogFlusher.Engine.Binlog;
using BinlogFlusher.Engine.Connection;

namespace BinlogFlusher.Tests;

/// <summary>
/// The binlog reader's caching_sha2_password login, against a stand-in server written from MySQL's documentation of the
/// exchanges (no MySQL server runs here): it checks the scramble the way the server does, from SHA256(SHA256(password)),
/// and decrypts the full-authentication password with its private key.
/// </summary>
public sealed class BinlogReaderAuthTests
{
    const string Password = "Sha2-pass ✓";

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task ACachingSha2PasswordAccountLogsIn(bool cached, bool afterAuthSwitch)
    {
        using var rsa = RSA.Create(2048);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var server = ServeAsync(listener, cached, afterAuthSwitch, rsa);
            var settings = new ConnectionSettings("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, "reader", Password);

            using (await ReplicationConnection.OpenAsync(settings, CancellationToken.None)) { }

            Assert.Equal(cached ? "fast" : "full", await server);
        }
        finally
        {
            listener.Stop();
        }
    }

    static async Task<string> ServeAsync(TcpListener listener, bool cached, bool afterAuthSwitch, RSA rsa, X509Certificate2? certificate = null)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var channel = new PacketChannel(client.GetStream());
        var nonce = NewNonce();
        await channel.WritePayloadAsync(Handshake(nonce, afterAuthSwitch ? "mysql_native_password" : "caching_sha2_password", offerTls: certificate is not null), CancellationToken.None);

        var response = await channel.ReadPayloadAsync(CancellationToken.None);
        if (certificate is not null)
        {
            // The SSL request: the response's first 32 bytes with CLIENT_SSL set, then TLS on the same socket.
            Assert.Equal((32, 0x800u), (response.Length, BitConverter.ToUInt32(response, 0) & 0x800));
            var secure = new SslStream(client.GetStream());
            await secure.AuthenticateAsServerAsync(certificate);
            channel.Replace(secure);
            response = await channel.ReadPayloadAsync(CancellationToken.None);
        }
        var (user, scramble, plugin) = ParseResponse(response);
        Assert.Equal("reader", user);
        if (afterAuthSwitch)
        {
            Assert.Equal("mysql_native_password", plugin);
            nonce = NewNonce();
            await channel.WritePayloadAsync([0xFE, .. Encoding.ASCII.GetBytes("caching_sha2_password\0"), .. nonce, 0], CancellationToken.None);
            scramble = await channel.ReadPayloadAsync(CancellationToken.None);
        }
        else
        {
            Assert.Equal("caching_sha2_password", plugin);
        }

        // What the server keeps is SHA256(SHA256(password)); the scramble XOR SHA256(that + nonce) must hash to it.
        var stored = SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(Password)));
        var mask = SHA256.HashData([.. stored, .. nonce]);
        Assert.Equal(stored, SHA256.HashData(scramble.Select((b, i) => (byte)(b ^ mask[i])).ToArray()));

        string how;
        if (cached)
        {
            await channel.WritePayloadAsync([0x01, 0x03], CancellationToken.None);
            how = "fast";
        }
        else
        {
            await channel.WritePayloadAsync([0x01, 0x04], CancellationToken.None);
            if (certificate is not null)
            {
                Assert.Equal(Encoding.UTF8.GetBytes(Password + "\0"), await channel.ReadPayloadAsync(CancellationToken.None));
                await channel.WritePayloadAsync([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00], CancellationToken.None);
                return "tls";
            }
            Assert.Equal(new byte[] { 0x02 }, await channel.ReadPayloadAsync(CancellationToken.None));
            await channel.WritePayloadAsync([0x01, .. Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem() + "\n")], CancellationToken.None);
            var decrypted = rsa.Decrypt(await channel.ReadPayloadAsync(CancellationToken.None), RSAEncryptionPadding.OaepSHA1);
            Assert.Equal(Encoding.UTF8.GetBytes(Password + "\0"), decrypted.Select((b, i) => (byte)(b ^ nonce[i % nonce.Length])).ToArray());
            how = "full";
        }
        await channel.WritePayloadAsync([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00], CancellationToken.None);
        return how;
    }

    static byte[] NewNonce() => Enumerable.Range(0, 20).Select(_ => (byte)RandomNumberGenerator.GetInt32(1, 128)).ToArray();

    /// <summary>Handshake v10: protocol, version, connection id, nonce part 1, filler, capabilities, charset, status, auth data length, reserved, nonce part 2 + NUL, plugin.</summary>
    static byte[] Handshake(byte[] nonce, string plugin, bool offerTls = false)
    {
        var capabilities = 0x1u | 0x200 | 0x8000 | 0x80000 | 0x200000 | (offerTls ? 0x800u : 0);
        return [10, .. Encoding.ASCII.GetBytes("8.4.3\0"), 7, 0, 0, 0, .. nonce[..8], 0,
            (byte)capabilities, (byte)(capabilities >> 8), 255, 2, 0, (byte)(capabilities >> 16), (byte)(capabilities >> 24), 21,
            .. new byte[10], .. nonce[8..], 0, .. Encoding.ASCII.GetBytes(plugin + "\0")];
    }

    static (string User, byte[] Scramble, string Plugin) ParseResponse(byte[] response)
    {
        var at = 4 + 4 + 1 + 23;
        var userEnd = Array.IndexOf(response, (byte)0, at);
        var user = Encoding.UTF8.GetString(response, at, userEnd - at);
        at = userEnd + 1;
        var length = response[at++];
        var scramble = response[at..(at + length)];
        at += length;
        var plugin = Encoding.ASCII.GetString(response, at, Array.IndexOf(response, (byte)0, at) - at);
        return (user, scramble, plugin);
    }

    static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    [Theory]
    [InlineData("Required")]
    [InlineData("VerifyCA")]
    [InlineData(null)]
    public async Task OverTlsTheFullAuthenticationSendsThePasswordInsideIt(string? sslMode)
    {
        using var rsa = RSA.Create(2048);
        using var certificate = SelfSigned();
        var ca = Path.Combine(Path.GetTempPath(), $"bf-reader-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(ca, certificate.ExportCertificatePem());
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var server = ServeAsync(listener, cached: false, afterAuthSwitch: false, rsa, certificate);
            var settings = new ConnectionSettings("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, "reader", Password) { SslMode = sslMode, SslCa = sslMode == "VerifyCA" ? ca : null };

            using (var connection = await ReplicationConnection.OpenAsync(settings, CancellationToken.None)) Assert.True(connection.IsSecure);

            Assert.Equal("tls", await server);
        }
        finally
        {
            listener.Stop();
            File.Delete(ca);
        }
    }

    [Fact]
    public async Task AnUntrustedCertificateIsRefusedUnderVerifyFull()
    {
        using var rsa = RSA.Create(2048);
        using var certificate = SelfSigned();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var server = ServeAsync(listener, cached: false, afterAuthSwitch: false, rsa, certificate);
            var settings = new ConnectionSettings("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, "reader", Password) { SslMode = "VerifyFull" };

            var error = await Assert.ThrowsAsync<BinlogReaderException>(() => ReplicationConnection.OpenAsync(settings, CancellationToken.None));

            Assert.StartsWith($"TLS with {settings.Target} failed (SslMode VerifyFull)", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAnyAsync<Exception>(() => server);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>A server that offers TLS, reads the SSL request and the client's TLS hello, then never answers.</summary>
    static async Task SilentAfterTlsRequestAsync(TcpListener listener, CancellationToken stop)
    {
        using var socket = await listener.AcceptTcpClientAsync(stop);
        var stream = socket.GetStream();
        var handshake = Handshake(NewNonce(), "mysql_native_password", offerTls: true);
        byte[] packet = [(byte)handshake.Length, (byte)(handshake.Length >> 8), (byte)(handshake.Length >> 16), 0, .. handshake];
        await stream.WriteAsync(packet, stop);
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, stop) > 0) { }
    }

    [Fact]
    public async Task AStopDuringTheTlsHandshakeEndsItAndATimeoutNamesIt()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stopServer = new CancellationTokenSource();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            // A stop while the server keeps silent: the handshake ends at once, as a cancellation.
            var server = SilentAfterTlsRequestAsync(listener, stopServer.Token);
            using (var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var settings = new ConnectionSettings("127.0.0.1", port, "reader", Password) { SslMode = "Required", ConnectTimeoutSeconds = 30 };
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReplicationConnection.OpenAsync(settings, stop.Token));
                Assert.InRange(clock.Elapsed.TotalSeconds, 0, 10);
            }

            // No stop, but no answer within the connect timeout: a clear error, not a hang.
            server = SilentAfterTlsRequestAsync(listener, stopServer.Token);
            var timed = new ConnectionSettings("127.0.0.1", port, "reader", Password) { SslMode = "Required", ConnectTimeoutSeconds = 1 };
            var error = await Assert.ThrowsAsync<BinlogReaderException>(() => ReplicationConnection.OpenAsync(timed, CancellationToken.None));
            Assert.Contains("no answer to the TLS handshake within 1 s", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            stopServer.Cancel();
            listener.Stop();
        }
    }

    [Fact]
    public async Task RequiredTlsAgainstAServerWithoutItIsRefused()
    {
        using var rsa = RSA.Create(2048);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            _ = ServeAsync(listener, cached: true, afterAuthSwitch: false, rsa);
            var settings = new ConnectionSettings("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, "reader", Password) { SslMode = "Required" };

            var error = await Assert.ThrowsAsync<BinlogReaderException>(() => ReplicationConnection.OpenAsync(settings, CancellationToken.None));

            Assert.Contains("does not offer TLS", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void AnRsaPublicKeyIsReadFromEitherPemForm()
    {
        using var rsa = RSA.Create(2048);
        var expected = rsa.ExportParameters(false);

        foreach (var pem in new[] { rsa.ExportSubjectPublicKeyInfoPem(), rsa.ExportRSAPublicKeyPem() })
        {
            var read = CachingSha2Password.ReadPublicKey(pem);
            Assert.Equal(expected.Modulus, read.Modulus);
            Assert.Equal(expected.Exponent, read.Exponent);
        }
    }
}
