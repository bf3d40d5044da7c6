using Darkstar.Core.Options;

namespace Darkstar.Core.Tests.Options;

public sealed class OptionsValidationTests
{
    [Fact]
    public void Defaults_NewOptions_PassEveryOptionRule()
    {
        var defaults = new DarkstarOptions();

        foreach (var option in OptionsModel.Options)
        {
            var value = option.GetValue(defaults);
            if (value is not null)
            {
                Assert.All(option.Rules, rule => Assert.Null(rule.Check(value)));
            }
        }
    }

    [Fact]
    public void Defaults_NewOptions_AreSafeAndDocumented()
    {
        var defaults = new DarkstarOptions();

        Assert.True(defaults.Executor.ShadowMode);
        Assert.Null(defaults.HomeAssistant.Url);
        Assert.Equal("homeassistant", defaults.Mqtt.DiscoveryPrefix);
        Assert.Equal("darkstar", defaults.Mqtt.TopicBase);
        Assert.Equal("/data/darkstar.db", defaults.DatabasePath);
        Assert.Equal(LogLevelOption.Info, defaults.LogLevel);
        Assert.Equal(48, defaults.Planner.HorizonHours);
        Assert.Equal(15, defaults.Planner.ReplanMinutes);
        Assert.Equal(ForecastVersion.Baseline7DayAverage, defaults.Forecasting.ActiveForecastVersion);
        Assert.Equal(PriceSource.NordpoolSensor, defaults.Pricing.PriceSource);
    }

    [Fact]
    public void Load_OutOfRange_NamesOptionValueAndRange()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            battery:
              min_soc_percent: 120
            """)));

        Assert.Equal("battery.min_soc_percent = 120: must be between 0 and 100", error.ToString());
    }

    [Theory]
    [InlineData("battery:\n  round_trip_efficiency: 0\n", "battery.round_trip_efficiency", "must be greater than 0 and at most 1")]
    [InlineData("battery:\n  cycle_cost_per_kwh: -1\n", "battery.cycle_cost_per_kwh", "must be at least 0")]
    [InlineData("s_index:\n  risk_appetite: 6\n", "s_index.risk_appetite", "must be between 1 and 5")]
    [InlineData("planner:\n  horizon_hours: 72\n", "planner.horizon_hours", "must be between 1 and 48")]
    [InlineData("planner:\n  replan_minutes: 20\n", "planner.replan_minutes", "must be a multiple of 15")]
    [InlineData("water_heating:\n  min_spacing_minutes: 50\n", "water_heating.min_spacing_minutes", "must be a multiple of 15")]
    [InlineData("mqtt:\n  port: 70000\n", "mqtt.port", "must be between 1 and 65535")]
    [InlineData("forecasting:\n  training_days: 10\n", "forecasting.training_days", "must be between 14 and 3650 (Aurora needs at least 14 days to train)")]
    [InlineData("location:\n  latitude: 95\n  longitude: 10\n", "location.latitude", "must be between -90 and 90")]
    public void Load_OutOfRange_ErrorNamesTheOption(string section, string option, string problem)
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal(section)));

        Assert.Equal(option, error.Option);
        Assert.Equal(problem, error.Problem);
    }

    [Fact]
    public void Load_WrongType_NamesOptionValueAndExpectedType()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            battery:
              capacity_kwh: ten
            """)));

        Assert.Equal("battery.capacity_kwh = ten: must be a number", error.ToString());
    }

    [Theory]
    [InlineData("water_heating:\n  max_blocks_per_day: 2.5\n", "water_heating.max_blocks_per_day", "must be a whole number")]
    [InlineData("grid:\n  export_allowed: maybe\n", "grid.export_allowed", "must be true or false")]
    [InlineData("grid:\n  max_import_kw: [1, 2]\n", "grid.max_import_kw", "must be a single value, not a list")]
    [InlineData("forecasting:\n  retrain_time: \"25:00\"\n", "forecasting.retrain_time", "must be a time of day as HH:mm, e.g. 03:00")]
    [InlineData("mqtt:\n  topic_base: true\n", "mqtt.topic_base", "must be text; put it in quotes")]
    [InlineData("battery:\n  capacity_kwh: .nan\n", "battery.capacity_kwh", "must be a number")]
    [InlineData("battery: 10\n", "battery", "must be a section of options (capacity_kwh, min_soc_percent, max_soc_percent, ...)")]
    public void Load_WrongType_ErrorNamesTheOption(string section, string option, string problem)
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal(section)));

        Assert.Equal(option, error.Option);
        Assert.Equal(problem, error.Problem);
    }

    [Fact]
    public void Load_UnknownKey_NamesItAndSuggestsTheIntendedKey()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            battery:
              capacity_kw: 10
            """)));

        Assert.Equal("battery.capacity_kw", error.Option);
        Assert.Null(error.Value);
        Assert.Equal("unknown option (a typo?); did you mean battery.capacity_kwh?", error.Problem);
    }

    [Theory]
    [InlineData("capacity_kwh: 10\n", "capacity_kwh", "did you mean battery.capacity_kwh?")]
    [InlineData("batery:\n  capacity_kwh: 10\n", "batery", "did you mean battery?")]
    [InlineData("grid:\n  price_area: SE3\n", "grid.price_area", "did you mean pricing.price_area?")]
    [InlineData("planner:\n  solver: cbc\n", "planner.solver", "unknown option: not an option of planner")]
    public void Load_UnknownKey_ErrorNamesTheKey(string section, string option, string problem)
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal(section)));

        Assert.Equal(option, error.Option);
        Assert.EndsWith(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sensor.Battery_SOC", "must be an entity id")]
    [InlineData("sensor battery soc", "must be an entity id")]
    [InlineData("sensor._battery", "must be an entity id")]
    [InlineData("battery_soc", "must be an entity id")]
    [InlineData("switch.battery_soc", "must be an entity in the domain sensor., not switch.")]
    public void Load_BadEntityId_NamesOptionAndTheExpectedForm(string entityId, string problem)
    {
        var yaml = OptionsSamples.HomeAssistantSection + OptionsSamples.PricingSection + $"""
            input_sensors:
              total_grid_import: sensor.grid_import_energy
              total_grid_export: sensor.grid_export_energy
              total_pv_production: sensor.pv_energy
              battery_soc: "{entityId}"
            """;

        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml));

        Assert.Equal("input_sensors.battery_soc", error.Option);
        Assert.Equal(entityId, error.Value);
        Assert.StartsWith(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("input_boolean.vacation")]
    [InlineData("binary_sensor.away")]
    [InlineData("switch.vacation_mode")]
    public void Load_VacationModeInItsDomains_IsValid(string entityId)
    {
        var yaml = OptionsSamples.HomeAssistantSection + OptionsSamples.PricingSection + $"""
            input_sensors:
              total_load_consumption: sensor.house_energy
              total_pv_production: sensor.pv_energy
              battery_soc: sensor.battery_soc
              vacation_mode: {entityId}
            """;

        Assert.True(OptionsSamples.LoadYaml(yaml).IsValid);
    }

    [Fact]
    public void Load_MissingBatterySoc_NamesOptionAndWhatToPutThere()
    {
        var yaml = OptionsSamples.HomeAssistantSection + OptionsSamples.PricingSection + """
            input_sensors:
              total_grid_import: sensor.grid_import_energy
              total_grid_export: sensor.grid_export_energy
              total_pv_production: sensor.pv_energy
            """;

        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml));

        Assert.Equal("input_sensors.battery_soc", error.Option);
        Assert.StartsWith("missing: set the battery state-of-charge sensor (%), e.g. sensor.battery_soc", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoBatteryAndNoSoc_IsValid()
    {
        var yaml = OptionsSamples.HomeAssistantSection + OptionsSamples.PricingSection + """
            input_sensors:
              total_load_consumption: sensor.house_energy
              total_pv_production: sensor.pv_energy
            battery:
              capacity_kwh: 0
            """;

        Assert.True(OptionsSamples.LoadYaml(yaml).IsValid);
    }

    [Fact]
    public void Load_NeitherGridCountersNorLoad_ReportsEachMissingGridCounter()
    {
        var yaml = OptionsSamples.HomeAssistantSection + OptionsSamples.PricingSection + """
            input_sensors:
              total_grid_import: sensor.grid_import_energy
              total_pv_production: sensor.pv_energy
              battery_soc: sensor.battery_soc
            """;

        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml));

        Assert.Equal("input_sensors.total_grid_export", error.Option);
        Assert.Contains("or set input_sensors.total_load_consumption", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StandaloneWithoutUrlOrToken_RequiresBoth()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.InputSensorsSection + OptionsSamples.PricingSection);

        Assert.Equal(["home_assistant.url", "home_assistant.token"], result.Errors.Select(e => e.Option));
        Assert.Contains("SUPERVISOR_TOKEN", result.Errors[0].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AddOnWithoutUrlOrToken_UsesTheSupervisorAndIsValid() =>
        Assert.True(OptionsSamples.LoadYaml(OptionsSamples.InputSensorsSection + OptionsSamples.PricingSection, OptionsContext.AddOn).IsValid);

    [Fact]
    public void Load_AddOnWithOwnUrlButNoToken_RequiresToken()
    {
        var yaml = "home_assistant:\n  url: http://192.168.1.5:8123\n" + OptionsSamples.InputSensorsSection + OptionsSamples.PricingSection;

        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml, OptionsContext.AddOn));

        Assert.Equal("home_assistant.token", error.Option);
    }

    [Theory]
    [InlineData("ftp://homeassistant.local")]
    [InlineData("homeassistant.local:8123")]
    public void Load_UrlNotHttp_NamesOption(string url)
    {
        var yaml = $"home_assistant:\n  url: \"{url}\"\n  token: {OptionsSamples.Token}\n" + OptionsSamples.InputSensorsSection + OptionsSamples.PricingSection;

        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml));

        Assert.Equal("home_assistant.url", error.Option);
        Assert.StartsWith("must be an http:// or https:// URL", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadEnumValue_ListsTheAllowedValues()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            s_index:
              mode: fast
            """)));

        Assert.Equal("s_index.mode = fast: must be one of: static, dynamic, probabilistic", error.ToString());
    }

    [Theory]
    [InlineData("executor:\n  max_charge_power_unit: kw\n", "executor.max_charge_power_unit", "must be one of: W, kW, A")]
    [InlineData("log_level: verbose\n", "log_level", "must be one of: trace, debug, info, warning, error")]
    [InlineData("forecasting:\n  active_forecast_version: aurora_v2\n", "forecasting.active_forecast_version", "must be one of: baseline_7_day_avg, aurora")]
    [InlineData("forecasting:\n  retrain_weekday: Sunday\n", "forecasting.retrain_weekday", "must be one of: sunday, monday, tuesday, wednesday, thursday, friday, saturday")]
    public void Load_BadEnumValue_ErrorNamesTheOption(string section, string option, string problem)
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal(section)));

        Assert.Equal(option, error.Option);
        Assert.Equal(problem, error.Problem);
    }

    [Fact]
    public void Load_MalformedYaml_ReportsTheLine()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            battery:
              capacity_kwh: [10, 12
              min_soc_percent: 5
            """));

        var error = OptionsSamples.SingleError(result);
        Assert.Null(result.Options);
        Assert.Equal(string.Empty, error.Option);
        Assert.Matches(@"^malformed YAML at line 13, column \d+: \S", error.Problem);
    }

    [Fact]
    public void Load_MalformedJson_ReportsTheLine()
    {
        var result = OptionsLoader.LoadJson("{\n  \"battery\": {\n    \"capacity_kwh\": 10,\n  }\n}", "options.json", OptionsContext.AddOn);

        var error = OptionsSamples.SingleError(result);
        Assert.Null(result.Options);
        Assert.StartsWith("malformed JSON at line 4, column", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateKeyInJson_IsMalformed()
    {
        var error = OptionsSamples.SingleError(OptionsLoader.LoadJson("""{ "log_level": "info", "log_level": "debug" }""", "options.json", OptionsContext.AddOn));

        Assert.StartsWith("malformed JSON at line 1", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateKeyInYaml_IsMalformed()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml("log_level: info\nlog_level: debug\n"));

        Assert.StartsWith("malformed YAML at line 2", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- a\n- b\n", "YAML")]
    [InlineData("just text\n", "YAML")]
    public void Load_TopLevelNotAMapping_IsMalformed(string yaml, string format)
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml));

        Assert.StartsWith($"the {format} file must hold a mapping", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_YamlSecretTag_SaysTagsAreNotSupported()
    {
        var yaml = "home_assistant:\n  url: http://ha.local:8123\n  token: !secret ha_token\n" + OptionsSamples.InputSensorsSection + OptionsSamples.PricingSection;

        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(yaml));

        Assert.Equal("home_assistant.token", error.Option);
        Assert.Contains("the tag !secret is not supported", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralErrors_ReportsEveryOne()
    {
        var yaml = """
            home_assistant:
              url: http://ha.local:8123
              token: abc
            input_sensors:
              total_load_consumption: sensor.house_energy
              total_pv_production: PV
              battery_soc: sensor.battery_soc
            battery:
              capacity_kwh: ten
              min_soc_percent: 120
              max_sco_percent: 90
            pricing:
              currency: sek
              price_source: tibber
              nordpool_sensor: sensor.nordpool
            location:
              time_zone: Europe/Stockhom
            """;

        var result = OptionsSamples.LoadYaml(yaml);

        Assert.Equal(
            [
                "battery.capacity_kwh",
                "battery.max_sco_percent",
                "pricing.price_source",
                "input_sensors.total_pv_production",
                "battery.min_soc_percent",
                "pricing.currency",
                "location.time_zone",
            ],
            result.Errors.Select(e => e.Option));
        Assert.NotNull(result.Options);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Load_MinSocNotBelowMax_NamesBothOptions()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            battery:
              min_soc_percent: 80
              max_soc_percent: 80
            """)));

        Assert.Equal("battery.min_soc_percent = 80: must be less than battery.max_soc_percent (80)", error.ToString());
    }

    [Fact]
    public void Load_NordpoolActionWithoutEntryOrArea_RequiresBoth()
    {
        var yaml = OptionsSamples.HomeAssistantSection + OptionsSamples.InputSensorsSection + "pricing:\n  price_source: nordpool_action\n";

        var result = OptionsSamples.LoadYaml(yaml);

        Assert.Equal(["pricing.nordpool_config_entry", "pricing.price_area"], result.Errors.Select(e => e.Option));
    }

    [Fact]
    public void Load_WorkModeEntityWithoutItsOptions_RequiresEachAction()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            executor:
              work_mode_entity: select.inverter_mode
              work_mode_charge: Force charge
              work_mode_discharge: Force discharge
              work_mode_hold: Stop
            """));

        Assert.Equal(["executor.work_mode_export", "executor.work_mode_self_consumption"], result.Errors.Select(e => e.Option));
    }

    [Fact]
    public void Load_AmperePowerUnitWithoutVoltage_RequiresBatteryVoltage()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            executor:
              max_discharge_power_entity: number.inverter_max_discharge_current
              max_discharge_power_unit: A
            """)));

        Assert.Equal("executor.battery_voltage", error.Option);
    }

    [Fact]
    public void Load_ExecutorLiveWithoutAnyControl_RequiresAControlOrShadowMode()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            executor:
              shadow_mode: false
            """)));

        Assert.Equal("executor.work_mode_entity", error.Option);
        Assert.Contains("or turn shadow_mode on", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WaterHeaterEntityWithOnNotAboveOff_NamesOnTemperature()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            executor:
              water_heater_entity: water_heater.boiler
              water_heater_on_temperature: 40
              water_heater_off_temperature: 45
            """)));

        Assert.Equal("executor.water_heater_on_temperature = 40: must be above executor.water_heater_off_temperature (45)", error.ToString());
    }

    [Fact]
    public void Load_MaxFactorBelowBase_NamesMaxFactor()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            s_index:
              base_factor: 1.2
              max_factor: 1.1
            """)));

        Assert.Equal("s_index.max_factor", error.Option);
    }

    [Fact]
    public void Load_CarWithoutSocSensorOrCharger_NamesBoth()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            car:
              enabled: true
            """));

        Assert.Contains(result.Errors, e => e.Option == "car.soc_sensor");
        Assert.Contains(result.Errors, e => e.Option == "car.charger_switch_entity" && e.ToString().Contains("car.charger_current_entity", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CarMinimumCurrentAboveMaximum_NamesMinCurrent()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            car:
              enabled: true
              soc_sensor: sensor.car_soc
              charger_current_entity: number.wallbox_current
              min_current_a: 20
              max_current_a: 16
            """)));

        Assert.Equal("car.min_current_a = 20: must be at most car.max_current_a (16)", error.ToString());
    }

    [Fact]
    public void Load_CarCurrentEntityWithoutAMinimumCurrent_NamesMinCurrent()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            car:
              enabled: true
              soc_sensor: sensor.car_soc
              charger_current_entity: number.wallbox_current
              min_current_a: 0
            """)));

        Assert.Equal("car.min_current_a = 0: must be above 0 with car.charger_current_entity: the lowest current the charger charges at (6 A for most)", error.ToString());
    }

    [Fact]
    public void Load_CarSocSensorIsTheHomeBatterys_NamesTheCarsSocSensor()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            car:
              enabled: true
              soc_sensor: sensor.battery_soc
              charger_switch_entity: switch.wallbox
            """));

        var error = Assert.Single(result.Errors, e => e.Option == "car.soc_sensor");
        Assert.Contains("input_sensors.battery_soc", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CarOptions_GiveTheChargersPower()
    {
        var result = OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            car:
              enabled: true
              soc_sensor: sensor.car_soc
              charger_switch_entity: switch.wallbox
              max_current_a: 16
              phases: 3
              departure_time: "06:30"
            """));

        Assert.Empty(result.Errors);
        Assert.Equal(11.04, result.Options!.Car.MaxChargeKw, 6);
        Assert.Equal(new TimeOnly(6, 30), result.Options.Car.DepartureTime);
    }

    [Fact]
    public void Load_WaterHeatingBeyondADayOfHeating_NamesMinKwhPerDay()
    {
        var error = OptionsSamples.SingleError(OptionsSamples.LoadYaml(OptionsSamples.Minimal("""
            water_heating:
              enabled: true
              power_kw: 2
              min_kwh_per_day: 50
            """)));

        Assert.Equal("water_heating.min_kwh_per_day = 50: cannot be more than a day of heating at water_heating.power_kw (48 kWh)", error.ToString());
    }

    [Theory]
    [InlineData("pricing:\n  currency: SEK\n  nordpool_sensor: sensor.np\n  vat_percent: 25\nlocation:\n  time_zone: Mars/Olympus\n", "location.time_zone", "must be an IANA time zone id, e.g. Europe/Stockholm")]
    [InlineData("pricing:\n  currency: kr\n  nordpool_sensor: sensor.np\n", "pricing.currency", "must be an ISO 4217 currency code of three capital letters, e.g. SEK or EUR")]
    [InlineData("pricing:\n  nordpool_sensor: sensor.np\nmqtt:\n  topic_base: darkstar/#\n", "mqtt.topic_base", "must be an MQTT topic without wildcards, spaces or leading/trailing '/', e.g. darkstar")]
    [InlineData("pricing:\n  nordpool_sensor: sensor.np\nlocation:\n  latitude: 59.3\n", "location.longitude", "missing: set both location.latitude and location.longitude, or neither to use Home Assistant's")]
    [InlineData("pricing:\n  nordpool_sensor: sensor.np\nmqtt:\n  password: pw\n", "mqtt.host", "missing: required with mqtt.username or mqtt.password set: the broker's host name, or remove them to use the add-on's MQTT service")]
    public void Load_OtherRules_ErrorNamesTheOption(string sections, string option, string problem)
    {
        var yaml = OptionsSamples.HomeAssistantSection + OptionsSamples.InputSensorsSection + sections;

        var result = OptionsSamples.LoadYaml(yaml);

        var error = Assert.Single(result.Errors, e => e.Option == option);
        Assert.Equal(problem, error.Problem);
    }
}
