using System.Text.Json;
using Darkstar.Testing;

namespace Darkstar.Tests.Cli;

public sealed class ConfigCheckCommandTests : IDisposable
{
    private const string SecretToken = "eyJhbGciOiJIUzI1NiJ9.very-secret-token";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ConfigCheck_NoConfig_ValidatesTheSimulatedHomeAndMasksItsToken()
    {
        var result = await new CliRunner(_temp).RunAsync("config", "check", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("embedded", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("darkstar-simulated-home-token", result.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.LastLine);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("***", json.RootElement.GetProperty("options").GetProperty("home_assistant").GetProperty("token").GetString());
    }

    [Fact]
    public async Task ConfigCheck_AddOnOptionsWithoutLocation_ExitsTwoAsServeRefusesThem()
    {
        var runner = new CliRunner(_temp) { AddOnOptionsPath = _temp.File("options.json") };
        runner.Environment["SUPERVISOR_TOKEN"] = "supervisor-token";
        await File.WriteAllTextAsync(runner.AddOnOptionsPath, """
            {"input_sensors": {"total_grid_import": "sensor.import", "total_grid_export": "sensor.export",
             "total_pv_production": "sensor.pv", "battery_soc": "sensor.soc"},
             "pricing": {"nordpool_sensor": "sensor.nordpool_kwh_se3_sek"}}
            """);

        var check = await runner.RunAsync("config", "check", "--json");
        var serve = await runner.RunAsync("serve", "--db", _temp.File("d.db"));

        Assert.Equal(Darkstar.Cli.ExitCodes.InvalidInput, serve.ExitCode);
        Assert.Equal(Darkstar.Cli.ExitCodes.InvalidInput, check.ExitCode);
        Assert.Contains("serve needs more", check.Error, StringComparison.Ordinal);
        Assert.Contains("location.latitude", check.Error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(check.LastLine);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ConfigCheck_BadFile_ExitsTwoNamingEveryBadOptionWithoutTheToken()
    {
        var path = _temp.File("options.yaml");
        await File.WriteAllTextAsync(path, $"""
            home_assistant:
              url: http://homeassistant.local:8123
              token: {SecretToken}
            battery:
              capacity_kwh: ten
              max_soc_percent: 120
            grid:
              expotr_allowed: true
            """);

        var result = await new CliRunner(_temp).RunAsync("config", "check", "--config", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("battery.capacity_kwh", result.Error, StringComparison.Ordinal);
        Assert.Contains("battery.max_soc_percent", result.Error, StringComparison.Ordinal);
        Assert.Contains("grid.expotr_allowed", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretToken, result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_AddOnOptionsFilePresent_ReadsIt()
    {
        var runner = new CliRunner(_temp) { AddOnOptionsPath = _temp.File("options.json") };
        runner.Environment["SUPERVISOR_TOKEN"] = "supervisor-token";
        await File.WriteAllTextAsync(runner.AddOnOptionsPath, """
            {"input_sensors": {"total_grid_import": "sensor.import", "total_grid_export": "sensor.export",
             "total_pv_production": "sensor.pv", "battery_soc": "sensor.soc"},
             "pricing": {"nordpool_sensor": "sensor.nordpool_kwh_se3_sek"},
             "location": {"latitude": 59.3, "longitude": 18.1, "time_zone": "Europe/Stockholm"}}
            """);

        var result = await runner.RunAsync("config", "check", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.LastLine);
        Assert.Equal(runner.AddOnOptionsPath, json.RootElement.GetProperty("source").GetString());
    }

    [Fact]
    public async Task ConfigCheck_AddOnWithoutSupervisorToken_RequiresUrlAndToken()
    {
        var runner = new CliRunner(_temp) { AddOnOptionsPath = _temp.File("options.json") };
        await File.WriteAllTextAsync(runner.AddOnOptionsPath, """
            {"input_sensors": {"total_grid_import": "sensor.import", "total_grid_export": "sensor.export",
             "total_pv_production": "sensor.pv", "battery_soc": "sensor.soc"},
             "pricing": {"nordpool_sensor": "sensor.nordpool_kwh_se3_sek"}}
            """);

        var result = await runner.RunAsync("config", "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("home_assistant.url", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_MissingFile_ExitsTwoNamingThePath()
    {
        var path = _temp.File("nowhere.yaml");

        var result = await new CliRunner(_temp).RunAsync("config", "check", "--config", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(path, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_RealProcessOnBadFile_ExitsNonZeroNamingTheOption()
    {
        var path = _temp.File("options.yaml");
        await File.WriteAllTextAsync(path, "planner:\n  replan_minutes: 7\n");

        var result = await CliRunner.RunProcessAsync("config", "check", "--config", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("planner.replan_minutes", result.Error, StringComparison.Ordinal);
    }
}
