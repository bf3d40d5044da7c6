using Darkstar.Core.Options;
using Darkstar.Testing;

namespace Darkstar.Core.Tests.Options;

public sealed class OptionsLoaderTests
{
    [Fact]
    public void LoadYaml_MinimalStandaloneFile_IsValidWithDefaultsElsewhere()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal());

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
        var options = result.GetValidOptions();
        Assert.Equal("http://homeassistant.local:8123", options.HomeAssistant.Url);
        Assert.Equal("sensor.battery_soc", options.InputSensors.BatterySoc);
        Assert.Equal("SEK", options.Pricing.Currency);
        Assert.Equal(new BatteryOptions(), options.Battery);
        Assert.Equal(new ExecutorOptions(), options.Executor);
        Assert.Equal("test.yaml", result.Source);
    }

    [Fact]
    public void LoadEmbeddedDefault_Standalone_ValidatesCleanlyAsTheSimulatedHome()
    {
        var result = OptionsLoader.LoadEmbeddedDefault(OptionsContext.Standalone);

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
        var options = result.GetValidOptions();
        Assert.Equal(10, options.Battery.CapacityKwh);
        Assert.Equal(5, options.Battery.MaxChargeKw);
        Assert.Equal(3, options.WaterHeating.PowerKw);
        Assert.True(options.WaterHeating.Enabled);
        Assert.Equal("SEK", options.Pricing.Currency);
        Assert.Equal("SE3", options.Pricing.PriceArea);
        Assert.Equal("Europe/Stockholm", options.Location.TimeZone);
        Assert.Equal("http://127.0.0.1:8123", options.HomeAssistant.Url);
        Assert.NotNull(options.HomeAssistant.Token);
        Assert.Equal("sensor.darkstar_sim_grid_import_energy", options.InputSensors.TotalGridImport);
        Assert.StartsWith("embedded:", result.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadEmbeddedDefault_InAddOn_AlsoValid() =>
        Assert.True(OptionsLoader.LoadEmbeddedDefault(OptionsContext.AddOn).IsValid);

    [Fact]
    public void LoadJson_SameOptionsAsYaml_GivesTheSameModel()
    {
        const string yaml = """
            home_assistant:
              url: https://ha.example.org
              token: "0123"
            input_sensors:
              total_load_consumption: sensor.house_energy
              total_pv_production: sensor.pv_energy
              battery_soc: sensor.battery_soc
              vacation_mode: input_boolean.away
            battery:
              capacity_kwh: 13.5
              min_soc_percent: 15
              round_trip_efficiency: 0.92
            grid:
              export_allowed: false
            pricing:
              currency: EUR
              vat_percent: 24
              price_source: nordpool_action
              nordpool_config_entry: 01JABCDEF
              price_area: FI
            water_heating:
              enabled: true
              min_spacing_minutes: 240
            s_index:
              mode: probabilistic
              risk_appetite: 2
            forecasting:
              active_forecast_version: aurora
              retrain_weekday: wednesday
              retrain_time: "02:30"
            planner:
              horizon_hours: 36
            executor:
              shadow_mode: true
              max_charge_power_unit: A
              battery_voltage: 51.2
            mqtt:
              host: core-mosquitto
              port: 8883
              username: darkstar
              password: hunter2
              tls: true
            location:
              latitude: 60.17
              longitude: 24.94
              time_zone: Europe/Helsinki
            database_path: /share/darkstar.db
            log_level: debug
            """;
        const string json = """
            {
              "home_assistant": { "url": "https://ha.example.org", "token": "0123" },
              "input_sensors": {
                "total_load_consumption": "sensor.house_energy",
                "total_pv_production": "sensor.pv_energy",
                "battery_soc": "sensor.battery_soc",
                "vacation_mode": "input_boolean.away"
              },
              "battery": { "capacity_kwh": 13.5, "min_soc_percent": 15, "round_trip_efficiency": 0.92 },
              "grid": { "export_allowed": false },
              "pricing": {
                "currency": "EUR", "vat_percent": 24, "price_source": "nordpool_action",
                "nordpool_config_entry": "01JABCDEF", "price_area": "FI"
              },
              "water_heating": { "enabled": true, "min_spacing_minutes": 240 },
              "s_index": { "mode": "probabilistic", "risk_appetite": 2 },
              "forecasting": { "active_forecast_version": "aurora", "retrain_weekday": "wednesday", "retrain_time": "02:30" },
              "planner": { "horizon_hours": 36 },
              "executor": { "shadow_mode": true, "max_charge_power_unit": "A", "battery_voltage": 51.2 },
              "mqtt": { "host": "core-mosquitto", "port": 8883, "username": "darkstar", "password": "hunter2", "tls": true },
              "location": { "latitude": 60.17, "longitude": 24.94, "time_zone": "Europe/Helsinki" },
              "database_path": "/share/darkstar.db",
              "log_level": "debug"
            }
            """;

        var fromYaml = OptionsLoader.LoadYaml(yaml, "a.yaml", OptionsContext.Standalone);
        var fromJson = OptionsLoader.LoadJson(json, "a.json", OptionsContext.Standalone);

        Assert.True(fromYaml.IsValid, string.Join(" | ", fromYaml.Errors));
        Assert.True(fromJson.IsValid, string.Join(" | ", fromJson.Errors));
        Assert.Equal(fromJson.Options, fromYaml.Options);
        var options = fromYaml.GetValidOptions();
        Assert.Equal(PriceSource.NordpoolAction, options.Pricing.PriceSource);
        Assert.Equal(SIndexMode.Probabilistic, options.SIndex.Mode);
        Assert.Equal(ForecastVersion.Aurora, options.Forecasting.ActiveForecastVersion);
        Assert.Equal(DayOfWeek.Wednesday, options.Forecasting.RetrainWeekday);
        Assert.Equal(new TimeOnly(2, 30), options.Forecasting.RetrainTime);
        Assert.Equal(PowerUnit.Ampere, options.Executor.MaxChargePowerUnit);
        Assert.Equal(LogLevelOption.Debug, options.LogLevel);
        Assert.Equal(8883, options.Mqtt.Port);
    }

    [Fact]
    public void LoadYaml_PlainNumbersForTextOptions_KeepTheirExactText()
    {
        var result = OptionsSamples.LoadYaml("""
            home_assistant:
              url: http://homeassistant.local:8123
              token: 0123
            input_sensors:
              total_grid_import: sensor.grid_import_energy
              total_grid_export: sensor.grid_export_energy
              total_pv_production: sensor.pv_energy
              battery_soc: sensor.battery_soc
            pricing:
              nordpool_sensor: sensor.nordpool_kwh_se3
              nordpool_config_entry: 123456
            executor:
              work_mode_entity: select.inverter_mode
              work_mode_charge: 1
              work_mode_discharge: 2.50
              work_mode_hold: 3
              work_mode_export: 4
              work_mode_self_consumption: 1e3
            """);

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
        var options = result.GetValidOptions();
        Assert.Equal("0123", options.HomeAssistant.Token);
        Assert.Equal("123456", options.Pricing.NordpoolConfigEntry);
        Assert.Equal("1", options.Executor.WorkModeCharge);
        Assert.Equal("2.50", options.Executor.WorkModeDischarge);
        Assert.Equal("1e3", options.Executor.WorkModeSelfConsumption);
    }

    [Fact]
    public void LoadYaml_QuotedNumbersAndBooleans_BindToNumberAndBooleanOptions()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            battery:
              capacity_kwh: "12.5"
              max_charge_kw: '3'
            planner:
              horizon_hours: "24"
            grid:
              export_allowed: "false"
            """));

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
        var options = result.GetValidOptions();
        Assert.Equal(12.5, options.Battery.CapacityKwh);
        Assert.Equal(3, options.Battery.MaxChargeKw);
        Assert.Equal(24, options.Planner.HorizonHours);
        Assert.False(options.Grid.ExportAllowed);
    }

    [Fact]
    public void LoadYaml_EmptyValues_CountAsNotGiven()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            battery:
              capacity_kwh:
              cycle_cost_per_kwh: ~
            location:
              time_zone: ""
            mqtt:
            """));

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
        Assert.Equal(new BatteryOptions(), result.Options!.Battery);
        Assert.Null(result.Options.Location.TimeZone);
    }

    [Fact]
    public void LoadYaml_EmptyFile_GivesDefaultsAndTheMissingRequiredErrors()
    {
        var result = OptionsSamples.LoadYaml(string.Empty);

        Assert.NotNull(result.Options);
        Assert.Equal(new DarkstarOptions(), result.Options);
        Assert.All(result.Errors, e => Assert.StartsWith("missing:", e.Problem, StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Option == "home_assistant.url");
        Assert.Contains(result.Errors, e => e.Option == "input_sensors.total_pv_production");
    }

    [Fact]
    public void LoadFile_MissingFile_ErrorNamesThePath()
    {
        using var folder = new TempDirectory();
        var path = folder.File("nowhere.yaml");

        var result = OptionsLoader.LoadFile(path, OptionsContext.Standalone);

        Assert.False(result.IsValid);
        Assert.Null(result.Options);
        Assert.Contains(path, OptionsSamples.SingleError(result).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_UnknownExtension_ErrorNamesTheAcceptedOnes()
    {
        using var folder = new TempDirectory();
        var path = folder.File("options.toml");
        File.WriteAllText(path, "x = 1");

        var error = OptionsSamples.SingleError(OptionsLoader.LoadFile(path, OptionsContext.Standalone));

        Assert.Contains(".json, .yaml or .yml", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("options.yaml")]
    [InlineData("options.yml")]
    [InlineData("options.json")]
    public void LoadFile_ByExtension_ReadsTheFormat(string name)
    {
        using var folder = new TempDirectory();
        var path = folder.File(name);
        var options = OptionsLoader.LoadYaml(OptionsSamples.Minimal(), "sample", OptionsContext.Standalone).GetValidOptions();
        File.WriteAllText(path, name.EndsWith(".json", StringComparison.Ordinal) ? ToJsonWithToken(options) : OptionsSamples.Minimal());

        var result = OptionsLoader.LoadFile(path, OptionsContext.Standalone);

        Assert.True(result.IsValid, string.Join(" | ", result.Errors));
        Assert.Equal(options, result.Options);
        Assert.Equal(path, result.Source);
    }

    [Fact]
    public void GetValidOptions_InvalidOptions_ThrowsListingEveryError()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            battery:
              min_soc_percent: 120
            planner:
              replan_minutes: 20
            """));

        var ex = Assert.Throws<InvalidOptionsException>(result.GetValidOptions);

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("test.yaml have 2 errors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("battery.min_soc_percent = 120: must be between 0 and 100", ex.Message, StringComparison.Ordinal);
        Assert.Contains("planner.replan_minutes = 20: must be a multiple of 15", ex.Message, StringComparison.Ordinal);
    }

    // The printer masks the token, so put the real one back for a file that must load to the same options.
    private static string ToJsonWithToken(DarkstarOptions options)
    {
        var tree = OptionsPrinter.ToJsonObject(options);
        tree["home_assistant"]!["token"] = OptionsSamples.Token;
        tree["mqtt"]!["password"] = null;
        return tree.ToJsonString();
    }
}
