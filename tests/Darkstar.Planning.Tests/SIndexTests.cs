using Darkstar.Core.Options;
using Darkstar.Planning.Forecasts;

namespace Darkstar.Planning.Tests;

public sealed class SIndexTests
{
    private static readonly PlanningForecast Forecast = new(
        LoadP50: [1.0, 2.0], PvP50: [1.0, 0.5], LoadP10: [0.5, 1.5], LoadP90: [2.0, 2.4], PvP10: [0.2, 0.1], PvP90: [1.5, 0.8], Version: "test");

    [Fact]
    public void Apply_Static_ScalesLoadByTheBaseFactorOnly()
    {
        var (load, pv) = SIndex.Apply(Forecast, new SIndexOptions { Mode = SIndexMode.Static, BaseFactor = 1.2 }, new SIndexConditions(1, -10));

        Assert.Equal([1.2, 2.4], load, new ToleranceComparer());
        Assert.Equal([1.0, 0.5], pv, new ToleranceComparer());
    }

    [Fact]
    public void LoadFactor_DynamicWithPvDeficitAndCold_RisesUpToTheMaximum()
    {
        var options = new SIndexOptions { Mode = SIndexMode.Dynamic, BaseFactor = 1.05, PvDeficitWeight = 0.3, TemperatureWeight = 0.2, MaxFactor = 1.5 };

        Assert.Equal(1.05, SIndex.LoadFactor(options, SIndexConditions.Neutral), 9);
        Assert.Equal(1.05 + 0.15, SIndex.LoadFactor(options, new SIndexConditions(0.5, 20)), 9);
        // 5 °C is 10 below the cold threshold: half of the temperature weight.
        Assert.Equal(1.05 + 0.1, SIndex.LoadFactor(options, new SIndexConditions(0, 5)), 9);
        Assert.Equal(1.5, SIndex.LoadFactor(options with { PvDeficitWeight = 5 }, new SIndexConditions(1, -20)), 9);
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(3, 0.5)]
    [InlineData(5, 0.0)]
    public void Apply_Probabilistic_MovesTowardsP90LoadAndP10PvByRiskAppetite(int riskAppetite, double share)
    {
        var options = new SIndexOptions { Mode = SIndexMode.Probabilistic, RiskAppetite = riskAppetite, MaxFactor = 5 };

        var (load, pv) = SIndex.Apply(Forecast, options, SIndexConditions.Neutral);

        Assert.Equal(1.0 + (share * 1.0), load[0], 9);
        Assert.Equal(2.0 + (share * 0.4), load[1], 9);
        Assert.Equal(1.0 - (share * 0.8), pv[0], 9);
        Assert.Equal(0.5 - (share * 0.4), pv[1], 9);
    }

    [Fact]
    public void Apply_ProbabilisticWithWideSpread_IsCappedAtTheMaximumFactor()
    {
        var options = new SIndexOptions { Mode = SIndexMode.Probabilistic, RiskAppetite = 1, MaxFactor = 1.5 };

        var (load, _) = SIndex.Apply(Forecast, options, SIndexConditions.Neutral);

        Assert.Equal(1.5, load[0], 9);
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;

        public int GetHashCode(double obj) => 0;
    }
}
