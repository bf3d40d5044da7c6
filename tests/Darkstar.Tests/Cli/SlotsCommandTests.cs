using System.Text.Json;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class SlotsCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("2026-03-29", 92)]
    [InlineData("2026-10-25", 100)]
    [InlineData("2026-11-21", 96)]
    public async Task Slots_DayInStockholm_ReportsSlotCount(string day, int slots)
    {
        var result = await new CliRunner(_temp).RunAsync("slots", "--day", day, "--time-zone", "Europe/Stockholm", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        Assert.Equal(slots, json.RootElement.GetProperty("slots").GetInt32());
        Assert.Equal(day, json.RootElement.GetProperty("day").GetString());
    }

    [Fact]
    public async Task Slots_NoDay_UsesTodayOfTheClockInTheOptionsZone()
    {
        // 00:30 on the 25th in Stockholm, still the 24th in UTC.
        var runner = new CliRunner(_temp) { Clock = new FakeTimeProvider(new DateTimeOffset(2026, 10, 24, 22, 30, 0, TimeSpan.Zero)) };

        var result = await runner.RunAsync("slots", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        Assert.Equal("2026-10-25", json.RootElement.GetProperty("day").GetString());
        Assert.Equal("Europe/Stockholm", json.RootElement.GetProperty("time_zone").GetString());
        Assert.Equal("2026-10-24T22:00:00Z", json.RootElement.GetProperty("start").GetString());
    }

    [Fact]
    public async Task Slots_FallBackDay_ShowsTheRepeatedHourTwice()
    {
        var result = await new CliRunner(_temp).RunAsync("slots", "--day", "2026-10-25", "--time-zone", "Europe/Stockholm");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("+02:00", result.Output, StringComparison.Ordinal);
        Assert.Contains("+01:00", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, result.Output.Split('\n').Count(line => line.TrimStart().StartsWith("02:00", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--day", "2026-02-30")]
    [InlineData("--time-zone", "Mars/Olympus_Mons")]
    public async Task Slots_BadArgument_ExitsTwoNamingIt(string option, string value)
    {
        var result = await new CliRunner(_temp).RunAsync("slots", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
        Assert.Contains(value, result.Error, StringComparison.Ordinal);
    }
}
