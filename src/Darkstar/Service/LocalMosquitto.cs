using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Darkstar.Service;

/// <summary>
/// A mosquitto broker of its own on a free loopback port, for <c>serve --simulate</c>: anonymous, no persistence,
/// stopped (by its own process id) when disposed. Null from <see cref="TryStartAsync"/> when mosquitto is not installed.
/// </summary>
public sealed class LocalMosquitto : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _folder;

    private LocalMosquitto(Process process, DirectoryInfo folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    private const string FolderPrefix = "darkstar-mosquitto-";

    public static string? FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin"])
            .Select(directory => Path.Combine(directory, "mosquitto"))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<LocalMosquitto?> TryStartAsync(CancellationToken cancellationToken, int port = 0)
    {
        if (FindExecutable() is not { } executable)
        {
            return null;
        }

        if (port == 0)
        {
            port = FreePort();
        }

        OwnedTemporaryFolder.RemoveStale(FolderPrefix);
        var folder = OwnedTemporaryFolder.Create(FolderPrefix);
        var config = Path.Combine(folder.FullName, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n", cancellationToken);
        // The broker goes when this process goes, even killed with SIGKILL.
        var process = ParentBoundProcess.Start("darkstar-mosquitto", executable, ["-c", config]);
        ParentBoundProcess.DiscardOutput(process);
        var broker = new LocalMosquitto(process, folder, port);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, limit.Token);
                return broker;
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), limit.Token);
            }
            catch (Exception) when (process.HasExited || limit.IsCancellationRequested)
            {
                await broker.DisposeAsync();
                throw new InvalidOperationException($"mosquitto did not listen on 127.0.0.1:{port} within 10 s.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ParentBoundProcess.StopAsync(_process);
        _folder.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
