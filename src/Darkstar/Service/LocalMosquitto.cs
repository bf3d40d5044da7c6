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

        var folder = Directory.CreateTempSubdirectory("darkstar-mosquitto-");
        var config = Path.Combine(folder.FullName, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n", cancellationToken);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        // Its output is not ours to show, but an unread pipe would fill up and stall it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
        if (!_process.HasExited)
        {
            _process.Kill();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                // It was told to go; the folder is removed either way.
            }
        }

        _process.Dispose();
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
