using System.Text.Json;
using Darkstar.Core.Options;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class HomeAssistantCheckCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Check_Simulate_EveryMappedEntityIsOk()
    {
        var result = await new CliRunner(_temp).RunAsync("ha", "check", "--simulate", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        Assert.Equal(0, json.RootElement.GetProperty("problems").GetInt32());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(12, checks.Count);
        Assert.All(checks, c => Assert.Equal("ok", c.GetProperty("level").GetString()));
        var soc = checks.Single(c => c.GetProperty("option").GetString() == "input_sensors.battery_soc");
        Assert.InRange(soc.GetProperty("value").GetDouble(), 0, 100);
    }

    [Fact]
    public async Task Check_UnavailableSensorAndWhUnit_GapWarningAndConvertedValue()
    {
        await using var home = await StartHomeAsync();
        home.Faults.MakeUnavailable("sensor.darkstar_sim_battery_soc");
        home.Faults.SetEnergyUnit("sensor.darkstar_sim_grid_import_energy", "Wh");
        await home.AdvanceAsync(TimeSpan.FromMinutes(2), CancellationToken.None);

        var result = await new CliRunner(_temp).RunAsync("ha", "check", "--config", await WriteOptionsAsync(home), "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("option").GetString()!);
        var soc = checks["input_sensors.battery_soc"];
        Assert.Equal("warning", soc.GetProperty("level").GetString());
        Assert.Equal(JsonValueKind.Null, soc.GetProperty("value").ValueKind);
        var import = checks["input_sensors.total_grid_import"];
        Assert.Equal("Wh", import.GetProperty("unit").GetString());
        Assert.Equal(double.Parse(import.GetProperty("state").GetString()!, System.Globalization.CultureInfo.InvariantCulture) / 1000, import.GetProperty("value").GetDouble(), 6);
    }

    [Fact]
    public async Task Check_EntityMissingFromHome_ExitsOneNamingTheOption()
    {
        await using var home = await StartHomeAsync();
        var config = await WriteOptionsAsync(home, yaml => yaml.Replace(
            "sensor.darkstar_sim_pv_energy", "sensor.solar_energy_that_does_not_exist", StringComparison.Ordinal));

        var result = await new CliRunner(_temp).RunAsync("ha", "check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        var line = result.Output.Split('\n').Single(l => l.Contains("sensor.solar_energy_that_does_not_exist", StringComparison.Ordinal));
        Assert.Contains("input_sensors.total_pv_production", line, StringComparison.Ordinal);
        Assert.Contains("not found", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TokenRefused_ExitsOneWithActionableMessageAndNoToken()
    {
        await using var home = await StartHomeAsync();
        var config = await WriteOptionsAsync(home, yaml => yaml.Replace(home.Token, "a-stale-token-from-last-year", StringComparison.Ordinal));

        var result = await new CliRunner(_temp).RunAsync("ha", "check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("home_assistant.token", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("a-stale-token-from-last-year", result.Error + result.Output, StringComparison.Ordinal);
    }

    private static async Task<SimulatedHome> StartHomeAsync()
    {
        var home = new SimulatedHome(new SimulatedHomeOptions
        {
            ClockMode = SimulationClockMode.Stepped,
            Start = new DateTimeOffset(2026, 6, 21, 10, 0, 0, TimeSpan.Zero),
            History = TimeSpan.FromHours(6),
        });
        await home.StartAsync(CancellationToken.None);
        return home;
    }

    /// <summary>The simulated home's own options, pointed at this running home.</summary>
    private async Task<string> WriteOptionsAsync(SimulatedHome home, Func<string, string>? edit = null)
    {
        var yaml = OptionsLoader.ReadEmbeddedDefault()
            .Replace("http://127.0.0.1:8123", home.BaseUri.ToString().TrimEnd('/'), StringComparison.Ordinal);
        var path = _temp.File("options.yaml");
        await File.WriteAllTextAsync(path, edit is null ? yaml : edit(yaml));
        return path;
    }
}
