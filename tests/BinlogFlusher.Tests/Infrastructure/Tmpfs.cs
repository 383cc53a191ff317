namespace BinlogFlusher.Tests.Infrastructure;

/// <summary>A small RAM disk (tmpfs) a test can fill: mounted as root, or through password-less sudo.</summary>
public sealed class Tmpfs : IAsyncDisposable
{
    Tmpfs(string path) => Path = path;

    public string Path { get; }

    public static async Task<Tmpfs> MountAsync(string size)
    {
        var path = Directory.CreateTempSubdirectory("bf-tmpfs-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path);
        return new Tmpfs(path);
    }

    /// <summary>Writes a filler file until the disk has no room left.</summary>
    public async Task FillAsync()
    {
        var block = new byte[64 * 1024];
        await using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Append);
        try
        {
            while (true) await filler.WriteAsync(block);
        }
        catch (IOException)
        {
            // Full.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    static async Task RunAsync(params string[] command)
    {
        var asRoot = Environment.UserName == "root";
        var (exit, output) = asRoot ? await ExternalProgram.RunAsync(command[0], command.Skip(1).ToArray()) : await ExternalProgram.RunAsync("sudo", new[] { "-n" }.Concat(command).ToArray());
        Assert.True(exit == 0, $"{string.Join(" ", command)} failed ({output.Trim()}): this test fills a small tmpfs and needs root or password-less sudo.");
    }
}
