using System.Management.Automation;
using MySqlConnector;

namespace OldMySqlModule
{
    /// <summary>Opens a connection with this module's own (old) MySqlConnector and says which one it used.</summary>
    [Cmdlet(VerbsCommon.Get, "OldMySqlVersion")]
    [OutputType(typeof(string))]
    public sealed class GetOldMySqlVersionCommand : PSCmdlet
    {
        [Parameter(Mandatory = true)]
        public string ConnectionString { get; set; } = "";

        protected override void ProcessRecord()
        {
            using var connection = new MySqlConnection(ConnectionString);
            connection.Open();
            var version = (System.Reflection.AssemblyInformationalVersionAttribute)typeof(MySqlConnection).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)[0];
            WriteObject($"old module: MySqlConnector {version.InformationalVersion.Split('+')[0]} talked to {connection.ServerVersion}");
        }
    }
}
