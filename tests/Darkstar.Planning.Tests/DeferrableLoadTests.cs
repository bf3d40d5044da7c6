using Darkstar.Core.Domain;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Tests;

/// <summary>The car by its departure and the flexible loads in the Kepler model, solved by CBC.</summary>
public sealed class DeferrableLoadTests
{
    private const double Tolerance = 1e-4;

    /// <summary>24 hours without a battery or PV: three cheap hours (slots 8–19) in an otherwise dear day.</summary>
    private static PlanningProblem Day(Func<int, double>? price = null) =>
        ProblemBuilder.Constant(96, load: 0.2, pv: 0, importPrice: 0, exportPrice: 0, battery: BatterySpec.None) with
        {
            ImportPrice = ProblemBuilder.Series(96, price ?? (t => t is >= 8 and < 20 ? 0.05 : 0.40)),
        };

    [Fact]
    public void Car_ReachableTarget_IsChargedInTheCheapestSlotsBeforeDeparture()
    {
        // 40 kWh car from 50 % to 80 %: 12 kWh in the car, 13.3 from the grid; 7.4 kW takes 7.2 slots, the cheap hours have 12.
        var departure = ProblemBuilder.Start.AddHours(10);
        var problem = Day() with { Car = new CarChargingSpec(40, 50, 80, departure, 1.4, 7.4, Modulating: true) };

        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        Assert.Equal(0, schedule.CarShortfallKwh);
        Assert.Equal(12 / 0.9, schedule.Slots.Sum(s => s.CarKwh), 3);
        Assert.All(schedule.Slots.Where((_, t) => t is < 8 or >= 20), s => Assert.True(s.CarKwh < Tolerance, $"charged {s.CarKwh} at {s.Start:u}"));
        Assert.True(schedule.Slots.Take(20).Sum(s => s.CarKwh) > (12 / 0.9) - Tolerance);
    }

    [Fact]
    public void Car_UnreachableTarget_ChargesFlatOutUntilDepartureAndSaysHowFarShort()
    {
        // 2 hours at 7.4 kW give 13.3 kWh in the car; the target asks for 30.
        var departure = ProblemBuilder.Start.AddHours(2);
        var car = new CarChargingSpec(60, 20, 70, departure, 1.4, 7.4, Modulating: true);
        var problem = Day() with { Car = car };

        var schedule = KeplerModel.Solve(problem);

        Assert.False(car.TargetReachable(problem.Slots));
        Assert.All(schedule.Slots.Take(8), s => Assert.Equal(7.4 / 4, s.CarKwh, 6));
        Assert.All(schedule.Slots.Skip(8), s => Assert.Equal(0, s.CarKwh));
        Assert.Equal(30 - (8 * 7.4 / 4 * 0.9), schedule.CarShortfallKwh, 3);
        Assert.True(schedule.UsedSlack);
    }

    [Fact]
    public void Car_SwitchedCharger_DrawsItsFullPowerOrNothing()
    {
        var departure = ProblemBuilder.Start.AddHours(20);
        var problem = Day() with { Car = new CarChargingSpec(40, 50, 60, departure, 0, 3.7, Modulating: false) };

        var schedule = KeplerModel.Solve(problem);

        Assert.All(schedule.Slots, s => Assert.True(s.CarKwh < Tolerance || Math.Abs(s.CarKwh - (3.7 / 4)) < Tolerance, $"{s.CarKwh} at {s.Start:u}"));
        Assert.Equal(0, schedule.CarShortfallKwh);
    }

    [Fact]
    public void Car_HomeBatteryIsNotEmptiedIntoTheCarWhenTheGridIsCheaper()
    {
        // A full battery and a dear evening (slots 0–39) before a cheap night: the battery covers the evening's load and
        // the car charges from the cheap grid, not from the battery at the dear hours' value.
        var departure = ProblemBuilder.Start.AddHours(20);
        var problem = ProblemBuilder.Constant(96, load: 0.3, pv: 0, importPrice: 0, exportPrice: 0, initialSocPercent: 90) with
        {
            ImportPrice = ProblemBuilder.Series(96, t => t < 40 ? 0.40 : 0.05),
            Car = new CarChargingSpec(40, 50, 80, departure, 1.4, 7.4, Modulating: true),
        };

        var schedule = KeplerModel.Solve(problem);

        Assert.True(schedule.Slots.Take(40).Sum(s => s.CarKwh) < Tolerance, "no car charging in the dear hours");
        Assert.True(schedule.Slots.Skip(40).Sum(s => s.DischargeKwh) < 0.3 * 56, "the battery does not feed the car in the cheap hours");
        Assert.Equal(0, schedule.CarShortfallKwh);
    }

    [Fact]
    public void Car_AfterItsDeparture_IsNeverCharged()
    {
        var departure = ProblemBuilder.Start.AddHours(3);
        var problem = Day() with { Car = new CarChargingSpec(40, 79, 80, departure, 1.4, 7.4, Modulating: true) };

        var schedule = KeplerModel.Solve(problem);

        Assert.All(schedule.Slots.Skip(12), s => Assert.Equal(0, s.CarKwh));
    }

    [Fact]
    public void FlexibleLoad_RunsInsideItsWindowInTheCheapestRunOfItsLength()
    {
        // 2 kW for 3 kWh: 6 slots, one run; allowed 01:00–10:00; cheapest at slots 8–19 (02:00–05:00).
        var load = new FlexibleLoadSpec("dishwasher", 2, 3, new TimeOnly(1, 0), new TimeOnly(10, 0), 6, 1, 0);
        var problem = Day() with { FlexibleLoads = [load] };

        var schedule = KeplerModel.Solve(problem);

        var on = OnSlots(schedule, 0);
        Assert.Equal(6, on.Length);
        Assert.Equal(Enumerable.Range(on[0], 6), on);
        Assert.All(on, t => Assert.InRange(t, 8, 19));
        Assert.Equal(0, schedule.FlexibleLoadShortfallKwh);
    }

    [Fact]
    public void FlexibleLoad_StaysInItsWindowEvenWhenOutsideIsCheaper()
    {
        // Cheap only 02:00–05:00; the window is 12:00–18:00.
        var load = new FlexibleLoadSpec("pump", 1, 2, new TimeOnly(12, 0), new TimeOnly(18, 0), 4, 1, 0);
        var schedule = KeplerModel.Solve(Day() with { FlexibleLoads = [load] });

        Assert.All(OnSlots(schedule, 0), t => Assert.InRange(t, 48, 71));
        Assert.Equal(8, OnSlots(schedule, 0).Length);
    }

    [Fact]
    public void FlexibleLoad_StartsAndSpacing_AreKept()
    {
        // 12 slots over at most 3 runs (4 slots each), starts at least 3 hours apart, all day allowed, flat prices
        // but for three cheap slots close together: the spacing must spread the runs.
        var load = new FlexibleLoadSpec("pool", 1, 3, new TimeOnly(0, 0), new TimeOnly(0, 0), 4, 3, 12);
        var problem = Day(t => t is >= 40 and < 44 ? 0.01 : 0.30) with { FlexibleLoads = [load] };

        var schedule = KeplerModel.Solve(problem);

        var on = OnSlots(schedule, 0);
        Assert.Equal(12, on.Length);
        var starts = on.Where(t => !on.Contains(t - 1)).ToArray();
        Assert.True(starts.Length <= 3, $"{starts.Length} starts");
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 12, $"starts {pair.First} and {pair.Second}"));
        Assert.All(starts, s => Assert.True(on.Count(t => t >= s && t < s + 4) == 4, $"run at {s} shorter than 4 slots"));
    }

    [Fact]
    public void FlexibleLoad_WindowTooShortForItsEnergy_SaysHowMuchIsMissing()
    {
        // 2 kWh at 1 kW is 8 slots, the window 1 hour.
        var load = new FlexibleLoadSpec("heater", 1, 2, new TimeOnly(3, 0), new TimeOnly(4, 0), 8, 1, 0);
        var schedule = KeplerModel.Solve(Day() with { FlexibleLoads = [load] });

        Assert.Empty(OnSlots(schedule, 0));
        Assert.Equal(2, schedule.FlexibleLoadShortfallKwh, 6);
    }

    [Fact]
    public void FlexibleLoad_WindowOverMidnight_IsOneWindow()
    {
        var load = new FlexibleLoadSpec("night", 1, 1, new TimeOnly(22, 0), new TimeOnly(6, 0), 4, 1, 0);
        var windows = load.Windows(Day().Slots, TimeZoneInfo.Utc);

        // Yesterday's 22:00 to today's 06:00 (begun before the horizon), and tonight's, which ends after it.
        Assert.Equal([new LoadWindow(0, 24, true, true), new LoadWindow(88, 96, false, false)], windows);
    }

    [Fact]
    public void WithoutCarOrLoads_ThePlanIsUnchanged()
    {
        var problem = SyntheticProblem.Create(96, 3);

        var plain = KeplerModel.Solve(problem);
        var withNothing = KeplerModel.Solve(SyntheticProblem.WithDeferrableLoads(problem, car: false, flexibleLoads: 0));

        Assert.Equal(plain.Objective, withNothing.Objective, 9);
        Assert.All(withNothing.Slots, s => Assert.Equal(0, s.CarKwh));
    }

    private static int[] OnSlots(Schedule schedule, int load) =>
        [.. schedule.Slots.Select((s, t) => (s, t)).Where(x => x.s.FlexibleLoadKwh.Count > load && x.s.FlexibleLoadKwh[load] > 0).Select(x => x.t)];
}
