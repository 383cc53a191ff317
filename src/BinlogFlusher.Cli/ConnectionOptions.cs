using System.CommandLine;
using System.CommandLine.Parsing;
using BinlogFlusher.Engine.Connection;

namespace BinlogFlusher.Cli;

/// <summary>--host, --port, --mycnf: how to reach the replica. Credentials come only from the option file.</summary>
sealed class ConnectionOptions
{
    public Option<string> Host { get; } = Options.Text("--host", "host[:port]", "The replica: a host name or address, with :port if not 3306. Required.");
    public Option<int?> Port { get; } = Options.WholeNumber("--port", "port", 1, 65535, "The port, when --host does not say it [default: the option file's port, else 3306].");
    public Option<string> MyCnf { get; } = Options.Text("--mycnf", "file", "An option file whose [client] section gives user and password (and port, socket, ssl-*) [default: ~/.my.cnf, then ~/my.cnf].", "--defaults-file");

    public void AddTo(Command command)
    {
        command.With(Host, Port, MyCnf);
        command.Validators.Add(result =>
        {
            if (!result.Given(Host))
                result.AddError("--host is required: name the replica, as --host replica1 or --host replica1:3307.");
        });
    }

    /// <summary>
    /// The connection settings; a bad host:port or option file is a usage error. With --verbose, the account and the
    /// option file it came from (never the password) on standard error; a login the option file does not name, or root
    /// without a password, is a warning.
    /// </summary>
    public ConnectionSettings Resolve(ParseResult result, bool verbose = false)
    {
        var cnf = result.GetValue(MyCnf);
        ConnectionSettings settings;
        try
        {
            settings = ConnectionResolver.Resolve(result.GetValue(Host)!, result.GetValue(Port), null, null, cnf is null ? null : Path.GetFullPath(cnf));
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or FileNotFoundException or InvalidDataException)
        {
            throw new UsageException(exception.Message);
        }
        CommandLine.Target = settings.Target;
        if (verbose) Console.Error.WriteLine($"{settings.Target}: credentials: {settings.CredentialsText}");
        if (settings.CredentialsWarning is { } warning) Say.Warning($"{settings.Target}: {warning}");
        return settings;
    }
}
