using System.Text.Json;
using Darkstar.Cli;
using Darkstar.Core.Options;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.Tests.Cli;

public class SensorMappingCheckTests
{
    private static readonly DarkstarOptions Options = new()
    {
        InputSensors = new InputSensorOptions { TotalGridImport = "sensor.import", BatterySoc = "sensor.soc" },
        Pricing = new PricingOptions { Currency = "SEK", PriceSource = PriceSource.NordpoolSensor, NordpoolSensor = "sensor.nordpool" },
    };

    [Fact]
    public void Check_PowerSensorMappedAsCounter_ProblemNamingTheUnit()
    {
        var findings = SensorMappingCheck.Check(Options, [State("sensor.import", "1200", """{"unit_of_measurement":"W","state_class":"measurement"}""")]);

        var import = findings.Single(f => f.Option == "input_sensors.total_grid_import");
        Assert.Equal(FindingLevel.Problem, import.Level);
        Assert.Contains("W", import.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_EnergyWithoutTotalStateClass_Warns()
    {
        var findings = SensorMappingCheck.Check(Options, [State("sensor.import", "12.5", """{"unit_of_measurement":"kWh","state_class":"measurement"}""")]);

        var import = findings.Single(f => f.Option == "input_sensors.total_grid_import");
        Assert.Equal(FindingLevel.Warning, import.Level);
        Assert.Equal(12.5, import.Value);
        Assert.Contains("total_increasing", import.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownState_IsAGapNeverZero()
    {
        var findings = SensorMappingCheck.Check(Options, [State("sensor.soc", "unknown", """{"unit_of_measurement":"%"}""")]);

        var soc = findings.Single(f => f.Option == "input_sensors.battery_soc");
        Assert.Equal(FindingLevel.Warning, soc.Level);
        Assert.Null(soc.Value);
    }

    [Fact]
    public void Check_PriceSensorWithoutRawToday_Problem()
    {
        var findings = SensorMappingCheck.Check(Options, [State("sensor.nordpool", "1.25", """{"unit_of_measurement":"SEK/kWh"}""")]);

        var price = findings.Single(f => f.Option == "pricing.nordpool_sensor");
        Assert.Equal(FindingLevel.Problem, price.Level);
        Assert.Contains("raw_today", price.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PriceSensorInOre_ConvertedToCurrencyPerKwh()
    {
        var findings = SensorMappingCheck.Check(Options, [State("sensor.nordpool", "125", """
            {"unit_of_measurement":"öre/kWh","raw_today":[{"start":"2026-11-21T00:00:00+01:00","end":"2026-11-21T00:15:00+01:00","value":125}],"tomorrow_valid":false}
            """)]);

        var price = findings.Single(f => f.Option == "pricing.nordpool_sensor");
        Assert.Equal(FindingLevel.Ok, price.Level);
        Assert.Equal(1.25, price.Value!.Value, 9);
    }

    private static EntityState State(string entityId, string state, string attributes)
    {
        using var json = JsonDocument.Parse($$"""
            {"entity_id":"{{entityId}}","state":"{{state}}","attributes":{{attributes}},
             "last_changed":"2026-11-21T10:00:00+00:00","last_updated":"2026-11-21T10:00:00+00:00"}
            """);
        return EntityState.Parse(json.RootElement);
    }
}
