using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;

namespace Darkstar.Planning.Tests;

public sealed class ClosedLoopTests
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>Days that repeat exactly (load, PV, prices): 7 days of history, then the period, then 2 days of lookahead.</summary>
    internal static ActualSeries RepeatingDays(int periodDays, out SlotRange period, int seed = 1, double noise = 0)
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

    internal static ClosedLoopSettings Settings(SlotRange period, ClosedLoopForecast forecast) => new()
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

    [Fact]
    public void Run_PlanToPeriodEnd_PerfectForecastsCostWhatTheOracleCosts()
    {
        // Plans that see the whole period and the days after it: judged on the Oracle's terms they stop at the period's
        // end and value what is left as the Oracle does, so the loop makes the Oracle's decisions.
        var actual = RepeatingDays(2, out var period, seed: 3);
        var settings = Settings(period, ClosedLoopForecast.Perfect) with
        {
            PriceHorizon = null,
            HorizonSlots = 4 * 96,
            Execution = ClosedLoopExecution.PlannedPower,
            PlanToPeriodEnd = true,
        };

        var result = ClosedLoop.Run(actual, settings, null, CancellationToken.None);

        Assert.Equal(result.Oracle.Cost, result.Mpc.Cost, 2);
        Assert.Equal(result.Oracle.EndKwh, result.Mpc.EndKwh, 1);
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

    [Fact]
    public void Run_ANegativeMeterSlot_TheExecutorSeesNoSurplusFromIt()
    {
        // A counter glitch: the load of one slot in three is negative. The executor's inverter would charge from that
        // "surplus" (from the grid, in truth); it must see the slot as the planner does, clamped at zero.
        var actual = RepeatingDays(1, out var period);
        var load = actual.Load.Select((l, i) => i % 3 == 0 ? -0.3 : l).ToArray();
        var executor = new RecordingExecutor();

        ClosedLoop.Run(actual with { Load = load }, Settings(period, ClosedLoopForecast.Perfect) with { Executor = executor }, null, CancellationToken.None);

        Assert.Equal(period.Count, executor.Seen.Count);
        Assert.All(executor.Seen, s => Assert.True(s.Load >= 0 && s.Pv >= 0, $"the executor saw load {s.Load}, PV {s.Pv}"));
        Assert.Contains(executor.Seen, s => s.Load == 0);
    }

    private sealed class RecordingExecutor : IClosedLoopExecutor
    {
        public List<(double Load, double Pv)> Seen { get; } = [];

        public (double ChargeKwh, double DischargeKwh) ExecuteSlot(Schedule plan, DateTimeOffset planTime, int position, double socKwh, double loadKwh, double pvKwh)
        {
            Seen.Add((loadKwh, pvKwh));
            return (0, 0);
        }
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

/// <summary>The closed loop's default execution: what the executor commands, the battery absorbing the forecast error.</summary>
public sealed class ExecutorExecutionTests
{
    // 10 kWh, 10–100 %, 5 kW (1.25 kWh a slot), round trip 0.81 (0.9 each way).
    private static readonly BatterySpec Battery = new(10, 10, 100, 5, 5, 0.81, 0);

    private static ScheduledSlot Planned(
        Core.Domain.PlannedAction action, double charge = 0, double discharge = 0, double import = 0, double export = 0, double socEnd = 50) => new()
        {
            Start = ProblemBuilder.Start,
            ImportKwh = import,
            ExportKwh = export,
            ChargeKwh = charge,
            DischargeKwh = discharge,
            CurtailKwh = 0,
            WaterKwh = 0,
            ShedKwh = 0,
            SocBelowMinimumKwh = 0,
            SocEndPercent = socEnd,
            ImportPrice = 0.3,
            ExportPrice = 0.05,
            Cost = 0,
            Action = action,
        };

    private static (double Charge, double Discharge) Execute(ScheduledSlot planned, double socKwh, double actualNetLoad) =>
        ClosedLoop.Execute(planned, ClosedLoopExecution.Executor, Battery, socKwh, actualNetLoad);

    [Fact]
    public void MoreSunThanForecast_TheBatteryStoresItInsteadOfExporting()
    {
        // Planned: 0.2 kWh of PV surplus into the battery. Actual: 0.6 kWh of surplus.
        var (charge, discharge) = Execute(Planned(Core.Domain.PlannedAction.Charge, charge: 0.2, socEnd: 52), 5, actualNetLoad: -0.6);

        Assert.Equal(0.6, charge, 9);
        Assert.Equal(0, discharge);
    }

    [Fact]
    public void SunWhereTheBatteryCoveredTheLoad_TheBatteryStoresIt()
    {
        var (charge, discharge) = Execute(Planned(Core.Domain.PlannedAction.Discharge, discharge: 0.3, socEnd: 47), 5, actualNetLoad: -0.4);

        Assert.Equal((0.4, 0.0), (charge, discharge));
    }

    [Fact]
    public void MoreLoadThanForecast_TheBatteryCoversItInsteadOfImporting()
    {
        // Planned: the battery covers a forecast net load of 0.3 kWh. Actual: 0.7 kWh.
        var (charge, discharge) = Execute(Planned(Core.Domain.PlannedAction.Discharge, discharge: 0.3, socEnd: 47), 5, actualNetLoad: 0.7);

        Assert.Equal((0.0, 0.7), (charge, discharge));
    }

    [Fact]
    public void LoadWhereThePlanIdled_TheBatteryCoversIt()
    {
        var (_, discharge) = Execute(Planned(Core.Domain.PlannedAction.Idle, socEnd: 50), 5, actualNetLoad: 0.25);

        Assert.Equal(0.25, discharge, 9);
    }

    [Fact]
    public void MoreLoadThanForecast_WhereThePlanKeepsEnergyForLater_HoldsAtThePlansSoc()
    {
        // Planned: hold at 60 % (import now, the energy is for a dearer slot). The battery is at 60 %: nothing to give.
        var hold = Planned(Core.Domain.PlannedAction.Hold, import: 0.4, socEnd: 60);
        Assert.Equal((0.0, 0.0), Execute(hold, 6.0, actualNetLoad: 0.7));

        // More sun earlier left it at 62 %: only what is above the plan's 60 % covers the load (0.2 kWh × 0.9).
        Assert.Equal(0.18, Execute(hold, 6.2, actualNetLoad: 0.7).Discharge, 9);

        // A partial discharge (it imports the rest) keeps the same guard: down to its planned 55 %, not below.
        var partial = Planned(Core.Domain.PlannedAction.Discharge, discharge: 0.2, import: 0.3, socEnd: 55);
        Assert.Equal(0.45, Execute(partial, 6.0, actualNetLoad: 1.0).Discharge, 9);
    }

    [Fact]
    public void GridChargingSlot_StillChargesFromTheGridAtThePlannedPowerToItsTarget()
    {
        // Planned: 1.0 kWh from the grid at a cheap price, 40 % → 49 %.
        var planned = Planned(Core.Domain.PlannedAction.Charge, charge: 1.0, import: 1.3, socEnd: 49);

        Assert.Equal((1.0, 0.0), Execute(planned, 4.0, actualNetLoad: 0.3));
        // Already higher than the plan expected (45 %): only up to the target, 0.4 kWh stored = 0.444 kWh charged.
        Assert.Equal(0.4 / 0.9, Execute(planned, 4.5, actualNetLoad: 0.3).Charge, 9);
    }

    [Fact]
    public void GridChargingSlot_InTheClosedLoop_ImportsForTheBattery()
    {
        var problem = ProblemBuilder.Constant(1, load: 0.3, pv: 0, importPrice: 0.1, exportPrice: 0.05, battery: Battery);
        var (charge, discharge) = Execute(Planned(Core.Domain.PlannedAction.Charge, charge: 1.0, import: 1.3, socEnd: 49), 4.0, actualNetLoad: 0.3);

        var step = Baselines.GridTakesTheRest(problem, 0, 0.3, 0, 4.0, charge, discharge);

        Assert.Equal(1.3, step.Import, 9);
        Assert.Equal(4.9, step.SocEndKwh, 9);
    }

    [Fact]
    public void ExportSlot_DischargesThePlannedEnergyDownToItsTarget()
    {
        var planned = Planned(Core.Domain.PlannedAction.Export, discharge: 1.0, export: 0.8, socEnd: 39);

        Assert.Equal((0.0, 1.0), Execute(planned, 5.5, actualNetLoad: 0.2));
        Assert.Equal(0.09, Execute(planned, 4.0, actualNetLoad: 0.2).Discharge, 9);
    }

    [Fact]
    public void PvExportSlot_ChargesAtMostThePlannedEnergy()
    {
        // The plan sells PV now and stores later: the battery takes only the planned 0.1 kWh.
        var planned = Planned(Core.Domain.PlannedAction.Charge, charge: 0.1, export: 0.5, socEnd: 51);

        Assert.Equal((0.1, 0.0), Execute(planned, 5.0, actualNetLoad: -0.9));
    }

    [Fact]
    public void PvSaleTheCautiousPlanHeldBack_TheBatteryStoresItAll()
    {
        // CautiousExport turned the sale into a discharge slot: the sun later may not come, so the battery stores what it can.
        var planned = Planned(Core.Domain.PlannedAction.Discharge, charge: 0.1, export: 0.5, socEnd: 51);

        Assert.Equal((0.9, 0.0), Execute(planned, 5.0, actualNetLoad: -0.9));
    }

    [Fact]
    public void LimitsHold_WhateverTheError()
    {
        var discharge = Planned(Core.Domain.PlannedAction.Discharge, discharge: 0.3, socEnd: 47);

        Assert.Equal(1.25, Execute(discharge, 9.0, actualNetLoad: 3.0).Discharge, 9);
        Assert.Equal(0.18, Execute(discharge, 1.2, actualNetLoad: 3.0).Discharge, 9);
        Assert.Equal(0.5 / 0.9, Execute(discharge, 9.5, actualNetLoad: -3.0).Charge, 9);
    }
}

public sealed class SuppliedForecastTests
{
    private sealed class Recording(ActualSeries actual) : IPlanningForecastSource
    {
        public List<(DateTimeOffset PlanTime, SlotRange Horizon)> Calls { get; } = [];

        public Forecasts.PlanningForecast Forecast(DateTimeOffset planTime, SlotRange horizon)
        {
            Calls.Add((planTime, horizon));
            var load = horizon.Select(s => actual.Load[actual.PositionOf(SlotGrid.IndexOf(s))] ?? 0).ToArray();
            var pv = horizon.Select(s => actual.Pv[actual.PositionOf(SlotGrid.IndexOf(s))] ?? 0).ToArray();
            return new Forecasts.PlanningForecast(load, pv, load, load, pv, pv, "recording");
        }
    }

    [Fact]
    public void Run_SuppliedForecast_IsAskedAtEachPlanTimeForTheHorizonFromThere()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var day = SyntheticProblem.Create(96, 3);
        var start = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 1), zone));
        var range = new SlotRange(start, 10 * 96);
        var actual = new ActualSeries(
            range,
            [.. Enumerable.Range(0, range.Count).Select(i => (double?)day.LoadKwh[i % 96])],
            [.. Enumerable.Range(0, range.Count).Select(i => (double?)day.PvKwh[i % 96])],
            [.. Enumerable.Range(0, range.Count).Select(i => (double?)day.ImportPrice[i % 96])],
            [.. Enumerable.Range(0, range.Count).Select(i => (double?)day.ExportPrice[i % 96])]);
        var settings = new ClosedLoopSettings
        {
            Battery = new BatterySpec(10, 10, 100, 5, 5, 0.9, 0.01),
            Grid = new GridSpec(1000, 1000, true),
            TimeZone = zone,
            Period = new SlotRange(start + (7 * 96), 96),
            InitialSocPercent = 10,
            FinalCreditPerKwh = 0.15,
            PriceHorizon = PriceAvailability.DayAhead(zone),
        };
        var source = new Recording(actual);

        var supplied = ClosedLoop.Run(actual, settings with { Forecast = ClosedLoopForecast.Supplied, ForecastSource = source }, null, CancellationToken.None);
        var perfect = ClosedLoop.Run(actual, settings with { Forecast = ClosedLoopForecast.Perfect }, null, CancellationToken.None);

        Assert.Equal(24, source.Calls.Count);
        Assert.All(source.Calls, c => Assert.Equal(c.Horizon.Start, c.PlanTime));
        Assert.Equal(perfect.Mpc.Cost, supplied.Mpc.Cost, 6);
    }
}
