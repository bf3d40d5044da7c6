using System.Text.Json;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class BenchCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BenchEtl_ThreeSensorsTwoDays_ReportsEveryReadingAndSlot()
    {
        var result = await new CliRunner(_temp).RunAsync("bench", "etl", "--sensors", "3", "--days", "2", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("sensors").GetInt32());
        Assert.Equal(2, root.GetProperty("days").GetInt32());
        // An hourly reading at every hour of the two days and the one that closes them, per sensor.
        Assert.Equal(3 * 49, root.GetProperty("readings").GetInt32());
        Assert.Equal(2 * 96, root.GetProperty("slots").GetInt32());
        Assert.True(root.GetProperty("elapsed_ms").GetInt64() >= 0);
    }

    [Fact]
    public async Task BenchEtl_NineSensors_ExitsTwoNamingTheOption()
    {
        var result = await new CliRunner(_temp).RunAsync("bench", "etl", "--sensors", "9");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--sensors must be 1 to 8", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchForecast_KonstanzOneDay_LastLineIsTheIssuesShapeIntradaySaysSo()
    {
        var home = SharedData.PathOf("konstanz-home");

        var dayAhead = await new CliRunner(_temp).RunAsync("bench", "forecast", "--home", home, "--test-from", "2016-01-15", "--days", "1", "--json");
        var intraday = await new CliRunner(_temp).RunAsync(
            "bench", "forecast", "--home", home, "--test-from", "2016-01-15", "--days", "1", "--intraday-hours", "2", "--json");

        Assert.Equal(0, dayAhead.ExitCode);
        Assert.Equal(0, intraday.ExitCode);
        Assert.Equal(["days", "load", "pv", "train_seconds"], Keys(dayAhead.LastLine));
        Assert.Equal(["days", "intraday_hours", "load", "pv", "train_seconds"], Keys(intraday.LastLine));
        using var json = JsonDocument.Parse(intraday.LastLine);
        Assert.Equal(2, json.RootElement.GetProperty("intraday_hours").GetInt32());
        foreach (var quantity in new[] { "load", "pv" })
        {
            Assert.Equal(
                ["aurora_mae", "baseline_mae", "ratio", "coverage_p10_p90"],
                json.RootElement.GetProperty(quantity).EnumerateObject().Select(p => p.Name));
            Assert.InRange(json.RootElement.GetProperty(quantity).GetProperty("ratio").GetDouble(), 0.01, 3);
        }

        Assert.Contains("forecast at every hour for the next 2 h", intraday.Output, StringComparison.Ordinal);

        static string[] Keys(string line)
        {
            using var document = JsonDocument.Parse(line);
            return [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
        }
    }

    [Fact]
    public async Task BenchForecast_IntradayHoursZero_ExitsTwoNamingTheOption()
    {
        var result = await new CliRunner(_temp).RunAsync(
            "bench", "forecast", "--home", _temp.File("home"), "--test-from", "2016-01-15", "--intraday-hours", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--intraday-hours from 1 to 48", result.Error, StringComparison.Ordinal);
    }
}
