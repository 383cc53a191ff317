using System.Text.Json;
using BinlogFlusher.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BinlogFlusher.Tests;

/// <summary>
/// Results for automation: what the help of Invoke-BinlogFlush and Restore-BinlogFlushState says to run for JSON with
/// the statuses as text (ConvertTo-Json -EnumsAsStrings, PowerShell 7), run in a real pwsh against the replica.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class JsonOutputTests(ReplicaPairFixture servers, ITestOutputHelper log)
{
    [Fact]
    public async Task ConvertToJsonEnumsAsStringsWritesEveryStatusAsTextAsTheHelpSays()
    {
        await servers.ResetAsync();
        await servers.OnPrimaryAsync(
            "CREATE DATABASE bf_json",
            "CREATE TABLE bf_json.items (id INT PRIMARY KEY, name VARCHAR(20))",
            "INSERT INTO bf_json.items VALUES (1, 'a'), (2, 'b')");
        var folder = Directory.CreateTempSubdirectory("bf-json-").FullName;
        try
        {
            var stateFile = Path.Combine(folder, "state.json");
            var script = Path.Combine(folder, "json.ps1");
            File.WriteAllText(script, $$"""
                $ErrorActionPreference = 'Stop'
                Import-Module '{{PowerShellRunner.ModuleManifest}}'
                $cred = [pscredential]::new($env:BF_USER, (ConvertTo-SecureString -String $env:BF_PASSWORD -AsPlainText -Force))
                foreach ($command in 'Invoke-BinlogFlush', 'Restore-BinlogFlushState') {
                    "help of ${command}: " + ((Get-Help $command -Full | Out-String -Width 300) -match 'ConvertTo-Json -Depth \d+ -EnumsAsStrings|ConvertTo-Json -EnumsAsStrings')
                }
                $result = Invoke-BinlogFlush -HostName $env:BF_HOST -Credential $cred -Database bf_json -StateFile '{{stateFile}}' -StartReplica -Confirm:$false
                'flush: ' + ($result | ConvertTo-Json -Depth 4 -EnumsAsStrings -Compress)
                'flush without -EnumsAsStrings: ' + ($result | ConvertTo-Json -Depth 4 -Compress)
                $outcomes = Restore-BinlogFlushState -HostName $env:BF_HOST -Credential $cred -StateFile '{{stateFile}}' -NoReplicaStop -Confirm:$false
                'restore: ' + (ConvertTo-Json -InputObject @($outcomes) -EnumsAsStrings -Compress)
                'end of script'
                """);
            var environment = new Dictionary<string, string>
            {
                ["BF_HOST"] = $"127.0.0.1:{servers.Replica.Port}",
                ["BF_USER"] = servers.Replica.User,
                ["BF_PASSWORD"] = servers.Replica.Password,
            };

            var outcome = await PwshProcess.RunFileAsync(script, Array.Empty<string>(), environment);
            log.WriteLine(outcome.ToString());

            Assert.True(outcome.ExitCode == 0 && outcome.Output.Contains("end of script"), outcome.ToString());
            // The help tells how, on both cmdlets.
            Assert.Contains("help of Invoke-BinlogFlush: True", outcome.Output);
            Assert.Contains("help of Restore-BinlogFlushState: True", outcome.Output);
            // -Depth 4 reaches every table's fields: no truncation warning.
            Assert.DoesNotContain("truncated", outcome.Errors);

            using var flush = JsonDocument.Parse(Line(outcome.Output, "flush: "));
            Assert.Equal("Completed", flush.RootElement.GetProperty("Status").GetString());
            var table = Assert.Single(flush.RootElement.GetProperty("Tables").EnumerateArray());
            Assert.Equal("items", table.GetProperty("Table").GetString());
            Assert.Equal("Flushed", table.GetProperty("Status").GetString());
            Assert.Equal(2, table.GetProperty("Rows").GetInt64());
            Assert.Equal(JsonValueKind.Number, flush.RootElement.GetProperty("BinlogEnd").GetProperty("Position").ValueKind);

            // The control: without the switch, ConvertTo-Json writes the enumeration's number.
            using var plain = JsonDocument.Parse(Line(outcome.Output, "flush without -EnumsAsStrings: "));
            Assert.Equal(0, plain.RootElement.GetProperty("Status").GetInt32());

            using var restore = JsonDocument.Parse(Line(outcome.Output, "restore: "));
            var restored = Assert.Single(restore.RootElement.EnumerateArray());
            Assert.Equal("AlreadyInPlace", restored.GetProperty("Action").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static string Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];
}
