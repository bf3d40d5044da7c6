using System.Diagnostics;
using System.Globalization;
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

    // $1: the parent's pid; the rest: the broker's command line. Stops the broker when the parent is gone or when told to.
    private const string Watchdog =
        "parent=$1; shift; \"$@\" & broker=$!; trap 'kill $broker 2>/dev/null; exit 0' TERM INT; " +
        "while kill -0 \"$parent\" 2>/dev/null && kill -0 $broker 2>/dev/null; do sleep 1; done; kill $broker 2>/dev/null; wait $broker";

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
        // Through a small watchdog: the broker goes when this process goes, even killed with SIGKILL (which runs no code
        // of ours). PR_SET_PDEATHSIG would follow the starting thread, not the process, and .NET's threads come and go.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Watchdog, "darkstar-mosquitto", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), executable, "-c", config })
        {
            start.ArgumentList.Add(argument);
        }

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
            _process.Kill(entireProcessTree: true);
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
