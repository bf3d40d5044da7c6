using System.Diagnostics;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Simulate_ZeroSpeed_InvalidInputNamingTheOption()
    {
        var result = await new CliRunner(_temp).RunAsync("simulate", "--port", "0", "--speed", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--speed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_Sigterm_StopsCleanly()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "darkstar"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "simulate", "--port", "0", "--history-days", "0" },
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(ready.Token)) is not null && !line.StartsWith("Clock:", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            var signal = await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(0, signal.ExitCode);

            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(stopped.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.DoesNotContain("Unhandled", await error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_HomeFolderWithoutHomeYaml_InvalidInputNamingTheFolder()
    {
        var result = await new CliRunner(_temp).RunAsync("simulate", "--port", "0", "--home", _temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("home.yaml", result.Error, StringComparison.Ordinal);
    }
}
