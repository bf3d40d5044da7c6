using Darkstar.Core.Options;

namespace Darkstar.Core.Tests.Options;

public sealed class OptionsWithChangesTests
{
    private static DarkstarOptions Default() => OptionsLoader.LoadEmbeddedDefault(OptionsContext.Standalone).GetValidOptions();

    [Fact]
    public void WithChanges_ValidValues_ChangeOnlyThoseOptions()
    {
        var options = Default();

        var result = OptionsLoader.WithChanges(options, ["battery.capacity_kwh=15", "grid.export_allowed=false", "s_index.risk_appetite=5"], "--set", OptionsContext.Standalone);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(options with
        {
            Battery = options.Battery with { CapacityKwh = 15 },
            Grid = options.Grid with { ExportAllowed = false },
            SIndex = options.SIndex with { RiskAppetite = 5 },
            HomeAssistant = result.Options!.HomeAssistant,
            Mqtt = result.Options.Mqtt,
        }, result.Options);
    }

    [Fact]
    public void WithChanges_BadValuesAndNames_SayWhatToFixAsTheOptionsFileWould()
    {
        var result = OptionsLoader.WithChanges(Default(), ["battery.capacity_kwh=lots", "battery.min_soc_percent=150", "battery.size=3", "battery.cycle_cost_per_kwh"], "--set", OptionsContext.Standalone);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Option == "battery.size" && e.Problem.Contains("is not an option", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Option == "battery.cycle_cost_per_kwh" && e.Problem.Contains("option=value", StringComparison.Ordinal));

        var values = OptionsLoader.WithChanges(Default(), ["battery.capacity_kwh=lots", "battery.min_soc_percent=150"], "--set", OptionsContext.Standalone);
        Assert.Contains(values.Errors, e => e.ToString() == "battery.capacity_kwh = lots: must be a number");
        Assert.Contains(values.Errors, e => e.ToString() == "battery.min_soc_percent = 150: must be between 0 and 100");
    }
}
