using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace BinlogFlusher.Sandbox;

public sealed class SandboxUnavailableException(string message) : Exception(message);
