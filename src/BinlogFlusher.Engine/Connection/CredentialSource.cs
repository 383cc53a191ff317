using System;

namespace BinlogFlusher.Engine.Connection
{
    /// <summary>
    /// Where a connection's user name and password came from, in the words of messages: the verbose line that names the
    /// source, the warning for a login nobody named, and what to check when the server refuses it. Never the password.
    /// </summary>
    public sealed class CredentialSource
    {
        readonly bool fromCredential;

        CredentialSource(string? optionFile, bool fromCredential, bool userNamed)
        {
            OptionFile = optionFile;
            this.fromCredential = fromCredential;
            UserNamed = userNamed;
        }

        /// <summary>Settings built by the calling code itself (the engine used as a library, the demo's throwaway replica).</summary>
        public static CredentialSource Caller { get; } = new CredentialSource(null, fromCredential: false, userNamed: true);

        /// <summary>A credential object given with the connection (the cmdlets' -Credential).</summary>
        public static CredentialSource Credential { get; } = new CredentialSource(null, fromCredential: true, userNamed: true);

        /// <summary>The [client] section of an option file; <paramref name="userNamed"/> false when it has no user=.</summary>
        public static CredentialSource FromOptionFile(string path, bool userNamed) => new CredentialSource(path, fromCredential: false, userNamed);

        /// <summary>The option file the user and password came from, when they came from one.</summary>
        public string? OptionFile { get; }

        /// <summary>False when nothing named the user, and this process's login name was used (as the mysql client does).</summary>
        public bool UserNamed { get; }

        /// <summary>"user 'flusher' from /root/.my.cnf": the account and where it came from.</summary>
        internal string Describe(string user, bool hasPassword)
        {
            var account = $"user '{user}'";
            if (fromCredential) return $"{account} from {FrontEnd.Of(FlushOption.Credential)}" + (hasPassword ? "" : ", with an empty password");
            if (OptionFile is null) return account + (hasPassword ? "" : ", without a password");
            if (!UserNamed) return $"{account}, this process's login name ({OptionFile} names no user=), " + (hasPassword ? "with the password from that file" : "without a password");
            return $"{account} from {OptionFile}" + (hasPassword ? "" : ", without a password");
        }

        /// <summary>A login nobody named, or root without a password: said before connecting. Null for any other login.</summary>
        internal string? Warning(string user, bool hasPassword)
        {
            if (!UserNamed)
                return $"{OptionFile} names no user in its [client] section, so this logs in as '{user}', this process's login name, "
                    + (hasPassword ? "with the password from that file" : "without a password")
                    + $". Name the account with user= and password= there{FrontEnd.OrUse(FlushOption.Credential)}.";
            if (hasPassword || !user.Equals("root", StringComparison.Ordinal)) return null;
            var fix = fromCredential ? $"give {FrontEnd.Of(FlushOption.Credential)} a password"
                : OptionFile is not null ? $"add password= to the [client] section of {OptionFile}" : "give it a password";
            return $"logging in as root without a password ({Describe(user, hasPassword)}): {fix}, or name an account of the flush's own.";
        }

        /// <summary>What to check when the server refuses the connection: the source actually used.</summary>
        internal string WhatToCheck(string user, bool hasPassword)
        {
            if (fromCredential) return $"Check the host and port, and the user name and password of {FrontEnd.Of(FlushOption.Credential)}.";
            if (OptionFile is null) return "Check the host, port and credentials.";
            if (!UserNamed) return $"Check the host and port, and the credentials: {OptionFile} names no user=, so this process's login name '{user}' was used, " + (hasPassword ? "with the password from that file." : "without a password.");
            return $"Check the host and port, and the user and password in the [client] section of {OptionFile}.";
        }
    }
}
