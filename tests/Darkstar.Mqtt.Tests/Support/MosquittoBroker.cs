using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Darkstar.Testing;

namespace Darkstar.Mqtt.Tests.Support;

/// <summary>
/// A real mosquitto broker on a free loopback port, configured in a temporary folder: anonymous, or with a password
/// file made by <c>mosquitto_passwd</c>; with a certificate, also a TLS listener on a second port. It can be killed and
/// started again on the same ports; disposing kills it.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    public const string BrokerPath = "/usr/sbin/mosquitto";
    public const string PasswdPath = "/usr/bin/mosquitto_passwd";

    private readonly TempDirectory _folder;
    private Process? _process;

    private MosquittoBroker(int port, int tlsPort, TempDirectory folder, string configPath)
    {
        Port = port;
        TlsPort = tlsPort;
        _folder = folder;
        ConfigPath = configPath;
    }

    public int Port { get; }

    /// <summary>The TLS listener's port; 0 when the broker was started without a certificate.</summary>
    public int TlsPort { get; }

    public string Host { get; } = "127.0.0.1";

    public string ConfigPath { get; }

    public static async Task<MosquittoBroker> StartAsync(string? username = null, string? password = null, TestCertificateAuthority? tls = null)
    {
        var port = FreePort();
        var tlsPort = 0;
        while (tls is not null && (tlsPort == 0 || tlsPort == port))
        {
            tlsPort = FreePort();
        }
        var folder = new TempDirectory();
        var lines = new List<string> { "persistence false", "log_dest stderr", $"listener {port} 127.0.0.1" };
        if (tls is not null)
        {
            lines.Add($"listener {tlsPort} 127.0.0.1");
            lines.Add($"certfile {tls.BrokerCertificateFile}");
            lines.Add($"keyfile {tls.BrokerKeyFile}");
        }

        if (username is null)
        {
            lines.Add("allow_anonymous true");
        }
        else
        {
            var passwords = folder.File("passwd");
            var made = await ProcessRunner.RunAsync(PasswdPath, ["-b", "-c", passwords, username, password ?? ""], timeout: TimeSpan.FromSeconds(30));
            Assert.True(made.ExitCode == 0, $"mosquitto_passwd failed: {made.Error}");
            lines.Add("allow_anonymous false");
            lines.Add($"password_file {passwords}");
        }

        var config = folder.File("mosquitto.conf");
        await File.WriteAllLinesAsync(config, lines);
        var broker = new MosquittoBroker(port, tlsPort, folder, config);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>Starts the broker (again) on its port and waits until the port accepts connections.</summary>
    public async Task RestartAsync()
    {
        Assert.Null(_process);
        var start = new ProcessStartInfo(BrokerPath) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(ConfigPath);
        Process? process = null;
        try
        {
            // The port can linger for a moment after a kill, and a broker that cannot listen on it exits: start it again.
            await Eventually.HoldsAsync(
                async _ =>
                {
                    if (process is null || process.HasExited)
                    {
                        process?.Dispose();
                        process = Start(start);
                    }

                    return await AcceptsAsync();
                },
                $"mosquitto accepting connections on port {Port}");
            _process = process;
        }
        catch
        {
            if (process is { HasExited: false })
            {
                process.Kill();
            }

            process?.Dispose();
            throw;
        }
    }

    /// <summary>Kills the broker at once (no clean shutdown, as a crash would).</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _folder.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process Start(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start");
        // Its output is not the test's to show, but an unread pipe would fill up and stall it.
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
