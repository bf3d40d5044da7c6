using System.Diagnostics;
using System.Net.Http.Headers;
using Darkstar.Service;
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
    public async Task Simulate_Stepped_InItsOwnProcess_StandsStillUntilAdvancedOverHttp()
    {
        var start = new DateTimeOffset(2026, 1, 4, 23, 0, 0, TimeSpan.Zero);
        await using var home = await SimulatedHomeProcess.StartAsync(start, historyDays: 0, mqttPort: 1883, homeFolder: null, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = home.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", home.Token);

        var before = await http.GetStringAsync(new Uri("api/config", UriKind.Relative));
        var moved = await home.AdvanceAsync(TimeSpan.FromMinutes(15), CancellationToken.None);
        using var withoutToken = new HttpClient();
        using var refused = await withoutToken.PostAsync(new Uri(home.BaseUri, "simulation/advance?seconds=60"), null);

        Assert.True(home.BaseUri.IsLoopback);
        Assert.Contains("\"version\"", before, StringComparison.Ordinal);
        Assert.Equal(start.AddMinutes(15), moved);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Simulate_HomeFolderWithoutHomeYaml_InvalidInputNamingTheFolder()
    {
        var result = await new CliRunner(_temp).RunAsync("simulate", "--port", "0", "--home", _temp.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("home.yaml", result.Error, StringComparison.Ordinal);
    }
}
