using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;

namespace Darkstar.Planning.Tests;

public sealed class ClosedLoopTests
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>Days that repeat exactly (load, PV, prices): 7 days of history, then the period, then 2 days of lookahead.</summary>
    private static ActualSeries RepeatingDays(int periodDays, out SlotRange period, int seed = 1, double noise = 0)
    {
        var random = new Random(seed);
        var day = SyntheticProblem.Create(96, seed);
        var start = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 1), Zone));
        var range = new SlotRange(start, (7 + periodDays + 2) * 96);
        period = new SlotRange(start + (7 * 96), periodDays * 96);
        var n = range.Count;
        return new ActualSeries(
            range,
            [.. Enumerable.Range(0, n).Select(i => (double?)(day.LoadKwh[i % 96] * (1 + (noise * (random.NextDouble() - 0.5)))))],
            [.. Enumerable.Range(0, n).Select(i => (double?)(day.PvKwh[i % 96] * (1 + (noise * (random.NextDouble() - 0.5)))))],
            [.. Enumerable.Range(0, n).Select(i => (double?)day.ImportPrice[i % 96])],
            [.. Enumerable.Range(0, n).Select(i => (double?)day.ExportPrice[i % 96])]);
    }

    private static ClosedLoopSettings Settings(SlotRange period, ClosedLoopForecast forecast) => new()
    {
        Battery = new BatterySpec(10, 10, 100, 5, 5, 0.9, 0.01),
        Grid = new GridSpec(1000, 1000, true),
        TimeZone = Zone,
        Period = period,
        ReplanSlots = 4,
        InitialSocPercent = 10,
        FinalCreditPerKwh = 0.15,
        Forecast = forecast,
        PriceHorizon = PriceAvailability.DayAhead(Zone),
    };

    [Fact]
    public void Run_BaselineForecastOnRepeatingDays_CostsWhatPerfectForecastsCost()
    {
        var actual = RepeatingDays(3, out var period);

        var perfect = ClosedLoop.Run(actual, Settings(period, ClosedLoopForecast.Perfect), null, CancellationToken.None);
        var baseline = ClosedLoop.Run(actual, Settings(period, ClosedLoopForecast.Baseline), null, CancellationToken.None);

        Assert.Equal(perfect.Mpc.Cost, baseline.Mpc.Cost, 3);
    }

    [Fact]
    public void Run_PerfectForecasts_CapturesNearlyAllOfTheOraclesSaving()
    {
        var actual = RepeatingDays(4, out var period, seed: 2);

        var result = ClosedLoop.Run(actual, Settings(period, ClosedLoopForecast.Perfect), null, CancellationToken.None);

        Assert.True(result.Oracle.Cost <= result.Mpc.Cost + 1e-6);
        Assert.True(result.CapturedSaving > 0.9, $"captured {result.CapturedSaving}");
        Assert.Equal(0, result.FallbackPlans);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void Run_RandomDays_NoStrategyBeatsTheOracle(int seed)
    {
        var actual = RepeatingDays(2, out var period, seed, noise: 0.8);

        var result = ClosedLoop.Run(actual, Settings(period, ClosedLoopForecast.Baseline), null, CancellationToken.None);

        Assert.Equal("optimal", result.OracleStatus);
        Assert.True(result.Oracle.Cost <= result.NoBattery.Cost + 1e-6, $"no battery {result.NoBattery.Cost} < Oracle {result.Oracle.Cost}");
        Assert.True(result.Oracle.Cost <= result.SelfConsumption.Cost + 1e-6, $"self-consumption {result.SelfConsumption.Cost} < Oracle {result.Oracle.Cost}");
        Assert.True(result.Oracle.Cost <= result.Mpc.Cost + 1e-6, $"MPC {result.Mpc.Cost} < Oracle {result.Oracle.Cost}");
    }
}

public sealed class ClosedLoopExecutionTests
{
    private static readonly BatterySpec Battery = new(10, 10, 100, 5, 5, 0.81, 0);

    private static ScheduledSlot Planned(double charge, double discharge, Core.Domain.PlannedAction action) => new()
    {
        Start = ProblemBuilder.Start,
        ImportKwh = 0,
        ExportKwh = 0,
        ChargeKwh = charge,
        DischargeKwh = discharge,
        CurtailKwh = 0,
        WaterKwh = 0,
        ShedKwh = 0,
        SocBelowMinimumKwh = 0,
        SocEndPercent = 50,
        ImportPrice = 0.3,
        ExportPrice = 0.1,
        Cost = 0,
        Action = action,
    };

    [Fact]
    public void Execute_PlannedPower_FollowsThePlanWhateverHappens()
    {
        var (charge, discharge) = ClosedLoop.Execute(Planned(0, 0.5, Core.Domain.PlannedAction.Discharge), ClosedLoopExecution.PlannedPower, Battery, 5, actualNetLoad: 0.1);

        Assert.Equal((0.0, 0.5), (charge, discharge));
    }

    [Fact]
    public void Execute_ActionModesDischarge_CoversOnlyTheActualNetLoad()
    {
        var (charge, discharge) = ClosedLoop.Execute(Planned(0, 0.5, Core.Domain.PlannedAction.Discharge), ClosedLoopExecution.ActionModes, Battery, 5, actualNetLoad: 0.1);

        Assert.Equal((0.0, 0.1), (charge, discharge));
    }

    [Fact]
    public void Execute_ActionModesHold_StoresSurplusButNeverDischarges()
    {
        Assert.Equal((0.4, 0.0), ClosedLoop.Execute(Planned(0, 0, Core.Domain.PlannedAction.Hold), ClosedLoopExecution.ActionModes, Battery, 5, actualNetLoad: -0.4));
        Assert.Equal((0.0, 0.0), ClosedLoop.Execute(Planned(0, 0, Core.Domain.PlannedAction.Hold), ClosedLoopExecution.ActionModes, Battery, 5, actualNetLoad: 0.4));
    }

    [Fact]
    public void Execute_NearlyEmptyBattery_DischargesOnlyWhatIsAboveTheMinimum()
    {
        // 1.2 kWh stored, 1 kWh minimum: 0.2 kWh above it, 0.18 of it delivered after a 0.9 discharge efficiency.
        var (_, discharge) = ClosedLoop.Execute(Planned(0, 1.0, Core.Domain.PlannedAction.Discharge), ClosedLoopExecution.PlannedPower, Battery, 1.2, actualNetLoad: 1.0);

        Assert.Equal(0.18, discharge, 9);
    }
}
