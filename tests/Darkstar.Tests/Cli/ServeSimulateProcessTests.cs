using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

/// <summary><c>serve --simulate</c> as its own process: stopped early, killed hard, and started again on its database.</summary>
public sealed class ServeSimulateProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ServeSimulate_SigtermWhileStarting_StopsCleanlySayingSo()
    {
        using var process = Start("serve", "--simulate", "--history-days", "8", "--health-port", "0");
        var error = new List<string>();
        try
        {
            // The first line comes once the broker is up; the eight days of history are still being read.
            await ReadUntilAsync(process, error, l => l.StartsWith("MQTT", StringComparison.Ordinal));
            await SignalAsync(process, "-TERM");
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(stopped.Token);
            await ReadUntilAsync(process, error, _ => false);

            Assert.True(process.ExitCode == 0, string.Join(Environment.NewLine, error));
            Assert.Contains(error, l => l.Contains("stopped while starting", StringComparison.Ordinal) || l.StartsWith("Simulated", StringComparison.Ordinal));
        }
        finally
        {
            KillTree(process);
        }
    }

    [Fact]
    public async Task ServeSimulate_KilledHard_ItsBrokerGoesWithIt_AndTheNextRunRemovesItsFolder()
    {
        var before = TemporaryFolders();
        using var process = Start("serve", "--simulate", "--history-days", "1", "--health-port", "0");
        var error = new List<string>();
        int port;
        string[] left;
        try
        {
            var line = await ReadUntilAsync(process, error, l => l.StartsWith("MQTT broker (mosquitto) on 127.0.0.1:", StringComparison.Ordinal));
            port = int.Parse(line[(line.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            await ReadUntilAsync(process, error, l => l.StartsWith("Darkstar serves", StringComparison.Ordinal));
            left = [.. TemporaryFolders().Except(before)];
            Assert.NotEmpty(left);

            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
            // The watchdog looks once a second.
            await Eventually.HoldsAsync(() => !Listening(port), $"mosquitto on port {port} gone with its parent", TimeSpan.FromSeconds(15));
        }
        finally
        {
            KillTree(process);
        }

        Assert.All(left, folder => Assert.True(Directory.Exists(folder), $"{folder} removed already"));
        var again = await CliRunner.RunProcessAsync("serve", "--simulate", "--for", "15m", "--history-days", "1", "--speed", "3000", "--health-port", "0");

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.All(left, folder => Assert.False(Directory.Exists(folder), $"{folder} of the killed run still there"));
    }

    [Fact]
    public async Task ServeSimulate_AgainOnTheSameDatabase_SaysTheClockIsBehindItsLatestSlot()
    {
        var database = _temp.File("darkstar.db");
        string[] run = ["serve", "--simulate", "--for", "1h", "--history-days", "1", "--speed", "3000", "--health-port", "0", "--db", database];

        var first = await CliRunner.RunProcessAsync(run);
        var second = await CliRunner.RunProcessAsync(run);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.DoesNotContain("is behind the database's latest slot", first.Error, StringComparison.Ordinal);
        Assert.Contains("is behind the database's latest slot", second.Error, StringComparison.Ordinal);
    }

    private static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "darkstar.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("SUPERVISOR_TOKEN");
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }

    private static async Task<string> ReadUntilAsync(Process process, List<string> lines, Func<string, bool> found)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await process.StandardError.ReadLineAsync(limit.Token) is { } line)
        {
            lines.Add(line);
            if (found(line))
            {
                return line;
            }
        }

        return string.Empty;
    }

    private static async Task SignalAsync(Process process, string signal) =>
        Assert.Equal(0, (await ProcessRunner.RunAsync("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)])).ExitCode);

    private static void KillTree(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static HashSet<string> TemporaryFolders() =>
        [.. Directory.EnumerateDirectories(Path.GetTempPath(), "darkstar-serve-*").Concat(Directory.EnumerateDirectories(Path.GetTempPath(), "darkstar-mosquitto-*"))];

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
