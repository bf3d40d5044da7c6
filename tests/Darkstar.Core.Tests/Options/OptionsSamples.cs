using Darkstar.Core.Options;

namespace Darkstar.Core.Tests.Options;

/// <summary>Options texts for tests: a minimal valid standalone file, to which a test adds the sections it is about.</summary>
internal static class OptionsSamples
{
    public const string Token = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ0ZXN0In0.c2lnbmF0dXJl";

    public const string HomeAssistantSection = $"""
        home_assistant:
          url: http://homeassistant.local:8123
          token: {Token}

        """;

    public const string InputSensorsSection = """
        input_sensors:
          total_grid_import: sensor.grid_import_energy
          total_grid_export: sensor.grid_export_energy
          total_pv_production: sensor.pv_energy
          battery_soc: sensor.battery_soc

        """;

    public const string PricingSection = """
        pricing:
          currency: SEK
          nordpool_sensor: sensor.nordpool_kwh_se3

        """;

    /// <summary>The minimal valid file plus <paramref name="sections"/> (which must not repeat its three sections).</summary>
    public static string Minimal(params string[] sections) =>
        HomeAssistantSection + InputSensorsSection + PricingSection + string.Concat(sections);

    public static OptionsLoadResult LoadYaml(string text, OptionsContext? context = null) =>
        OptionsLoader.LoadYaml(text, "test.yaml", context ?? OptionsContext.Standalone);

    /// <summary>The only error of <paramref name="result"/>; fails listing them all when there is not exactly one.</summary>
    public static OptionError SingleError(OptionsLoadResult result)
    {
        Assert.True(result.Errors.Count == 1, "Expected one error, got: " + string.Join(" | ", result.Errors));
        return result.Errors[0];
    }
}
