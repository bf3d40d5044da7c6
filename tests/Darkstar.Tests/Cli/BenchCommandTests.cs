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
        Assert.Equal(["days", "intraday_hours", "load", "pv", "by_lead", "train_seconds"], Keys(intraday.LastLine));
        using var json = JsonDocument.Parse(intraday.LastLine);
        Assert.Equal(2, json.RootElement.GetProperty("intraday_hours").GetInt32());
        foreach (var quantity in new[] { "load", "pv" })
        {
            Assert.Equal(
                ["aurora_mae", "baseline_mae", "ratio", "coverage_p10_p90", "pinball"],
                json.RootElement.GetProperty(quantity).EnumerateObject().Select(p => p.Name));
            Assert.InRange(json.RootElement.GetProperty(quantity).GetProperty("ratio").GetDouble(), 0.01, 3);
        }

        Assert.Contains("forecast at every hour for the next 2 h", intraday.Output, StringComparison.Ordinal);
        Assert.Equal(["0-1h", "1-6h", "0-6h"], json.RootElement.GetProperty("by_lead").EnumerateObject().Select(p => p.Name));

        static string[] Keys(string line)
        {
            using var document = JsonDocument.Parse(line);
            return [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
        }
    }

    [Fact]
    public async Task BenchPlan_KonstanzTwoDays_ReportsGainCaptureAndTheExecutorsCommands()
    {
        var home = SharedData.PathOf("konstanz-home");

        var executor = await new CliRunner(_temp).RunAsync("bench", "plan", "--home", home, "--from", "2016-01-15", "--days", "2", "--json");
        var slots = await new CliRunner(_temp).RunAsync("bench", "plan", "--home", home, "--from", "2016-01-15", "--days", "2", "--execution", "slots", "--json");

        Assert.Equal(0, executor.ExitCode);
        Assert.Equal(0, slots.ExitCode);
        using var json = JsonDocument.Parse(executor.LastLine);
        var root = json.RootElement;
        var selfConsumption = root.GetProperty("self_consumption").GetDouble();
        var possible = selfConsumption - root.GetProperty("oracle").GetDouble();
        Assert.True(possible > 0, "the Oracle saves over the self-consumption rule in January");
        // From the costs rounded to cents: equal within that rounding.
        Assert.Equal((selfConsumption - root.GetProperty("mpc").GetDouble()) / possible, root.GetProperty("gain_capture").GetDouble(), 0.05);
        // The executor ticking every minute commands the inverter at least once a day (the plan charges from the grid at night).
        Assert.InRange(root.GetProperty("commands_per_day").GetDouble(), 1, 24 * 60);
        Assert.True(root.GetProperty("flaps").GetInt32() >= 0);
        Assert.Contains("commands (", executor.Output, StringComparison.Ordinal);
        // The slot-level reading of the rule sends nothing to count.
        using var slotJson = JsonDocument.Parse(slots.LastLine);
        Assert.Equal(JsonValueKind.Null, slotJson.RootElement.GetProperty("commands_per_day").ValueKind);
    }

    [Fact]
    public async Task BenchPlan_PeakFee_ReportsThePeakAndTheFeeWithAndWithoutIt()
    {
        var home = SharedData.PathOf("konstanz-home");

        var off = await new CliRunner(_temp).RunAsync("bench", "plan", "--home", home, "--from", "2016-01-15", "--days", "2", "--execution", "slots", "--json");
        var on = await new CliRunner(_temp).RunAsync(
            "bench", "plan", "--home", home, "--from", "2016-01-15", "--days", "2", "--execution", "slots", "--peak-fee", "50", "--peak-measure", "highest_hour", "--json");

        Assert.Equal(0, off.ExitCode);
        Assert.Equal(0, on.ExitCode);
        using var offJson = JsonDocument.Parse(off.LastLine);
        Assert.False(offJson.RootElement.TryGetProperty("peak_fee", out _));
        using var onJson = JsonDocument.Parse(on.LastLine);
        var peak = onJson.RootElement.GetProperty("peak_fee");
        Assert.Equal("highest_hour", peak.GetProperty("measure").GetString());
        // In January the plan without the fee charges the battery from the grid at full power: the fee lowers the peak and the bill.
        Assert.True(peak.GetProperty("peak_kw").GetDouble() < peak.GetProperty("peak_kw_without").GetDouble());
        Assert.True(peak.GetProperty("mpc_with_fee").GetDouble() < peak.GetProperty("mpc_with_fee_without").GetDouble());
    }

    [Fact]
    public async Task BenchPlan_Car_ReportsEveryDepartureReachedAndWhatTheCarCostAgainstChargingOnArrival()
    {
        var home = SharedData.PathOf("konstanz-home");

        var result = await new CliRunner(_temp).RunAsync("bench", "plan", "--home", home, "--from", "2016-01-15", "--days", "2", "--car", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        var car = json.RootElement.GetProperty("car");
        // Two mornings at 07:00 in two days; 13.5 hours at 11 kW reach 80 % from any evening.
        Assert.Equal(2, car.GetProperty("departures").GetInt32());
        Assert.Equal(2, car.GetProperty("reachable").GetInt32());
        Assert.Equal(2, car.GetProperty("reached").GetInt32());
        Assert.Equal(2, car.GetProperty("on_arrival_reached").GetInt32());
        Assert.InRange(car.GetProperty("charged_kwh").GetDouble(), 2 * 6 / 0.9, 40);
        // Planned, the car costs no more than charged on arrival, and the Oracle no more than the MPC.
        Assert.True(car.GetProperty("charging_cost").GetDouble() <= car.GetProperty("on_arrival_charging_cost").GetDouble());
        Assert.True(car.GetProperty("oracle_charging_cost").GetDouble() <= car.GetProperty("charging_cost").GetDouble() + 0.01);
        Assert.Contains("car: target reached at 2 of 2 reachable departures", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--car-target", "150", "--car-target")]
    [InlineData("--car-departure", "7am", "--car-arrival and --car-departure")]
    [InlineData("--car-min-kw", "12", "--car-min-kw")]
    public async Task BenchPlan_CarBadFlag_ExitsTwoNamingIt(string flag, string value, string named)
    {
        var home = SharedData.PathOf("konstanz-home");

        var result = await new CliRunner(_temp).RunAsync("bench", "plan", "--home", home, "--from", "2016-01-15", "--days", "1", "--car", flag, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchPlan_AllMonths_PrintsEveryWindowThenTheMeanAndWorst()
    {
        var home = SharedData.PathOf("konstanz-home");

        var result = await new CliRunner(_temp).RunAsync("bench", "plan", "--home", home, "--all-months", "--days", "1", "--replan-minutes", "240", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        var root = json.RootElement;
        var windows = root.GetProperty("results").EnumerateArray().ToList();
        // Konstanz runs from 11 October 2015 to August 2016: the first of December to the first of August have the
        // baseline's 22 days of lookback before them and two days after.
        Assert.Equal(9, root.GetProperty("windows").GetInt32());
        Assert.Equal(9, windows.Count);
        Assert.Equal(["2015-12-01", "2016-01-01", "2016-02-01"], windows.Take(3).Select(w => w.GetProperty("from").GetString()));
        Assert.All(windows, w => Assert.Equal(1, w.GetProperty("days").GetInt32()));
        var captures = windows.Select(w => w.GetProperty("gain_capture")).Where(g => g.ValueKind == JsonValueKind.Number).Select(g => g.GetDouble()).ToList();
        Assert.Equal(captures.Min(), root.GetProperty("gain_capture_worst").GetDouble(), 4);
        // The mean of the unrounded figures, against those rounded to four places.
        Assert.Equal(captures.Average(), root.GetProperty("gain_capture_mean").GetDouble(), 0.001);
        Assert.Contains("9 windows: gain capture mean", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchPlan_FromWithAllMonths_ExitsTwo()
    {
        var home = SharedData.PathOf("konstanz-home");

        var result = await new CliRunner(_temp).RunAsync("bench", "plan", "--home", home, "--from", "2016-01-15", "--all-months");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("either --from", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchForecast_RollingWithTooLittleHistory_ExitsTwoNamingTheOption()
    {
        var result = await new CliRunner(_temp).RunAsync(
            "bench", "forecast", "--home", _temp.File("home"), "--rolling", "--history-days", "5");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--history-days at least 14", result.Error, StringComparison.Ordinal);
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
