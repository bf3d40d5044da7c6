using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Solver;

namespace Darkstar.Planning.Tests;

public sealed class KeplerModelTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Solve_FlatPrices_NeverCharges()
    {
        var problem = ProblemBuilder.Constant(96, load: 0.3, pv: 0, importPrice: 0.30, exportPrice: 0.10, initialSocPercent: 50)
            with { TerminalValuePerKwh = null };

        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        Assert.All(schedule.Slots, s => Assert.True(s.ChargeKwh < Tolerance, $"charged {s.ChargeKwh} at {s.Start:u}"));
        Assert.DoesNotContain(schedule.Slots, s => s.Action == PlannedAction.Charge);
    }

    [Fact]
    public void Solve_SpreadLargerThanLossesAndCycleCost_ChargesCheapAndDischargesDear()
    {
        // 8 cheap slots then 8 dear ones; 0.9 round trip and 0.01 cycle cost cost far less than 0.40 of spread.
        var problem = ProblemBuilder.Constant(16, load: 1, pv: 0, importPrice: 0, exportPrice: 0) with
        {
            ImportPrice = ProblemBuilder.Series(16, t => t < 8 ? 0.10 : 0.50),
            ExportPrice = ProblemBuilder.Series(16, t => t < 8 ? 0.05 : 0.45),
        };

        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        Assert.True(schedule.Slots.Take(8).Sum(s => s.ChargeKwh) > 5, "charges in the cheap slots");
        Assert.True(schedule.Slots.Skip(8).Sum(s => s.DischargeKwh) > 5, "discharges in the dear slots");
        Assert.All(schedule.Slots.Skip(8), s => Assert.True(s.ChargeKwh < Tolerance));
    }

    [Fact]
    public void Solve_SpreadSmallerThanLosses_DoesNotCycle()
    {
        var problem = ProblemBuilder.Constant(16, load: 1, pv: 0, importPrice: 0, exportPrice: 0) with
        {
            ImportPrice = ProblemBuilder.Series(16, t => t < 8 ? 0.100 : 0.105),
            ExportPrice = ProblemBuilder.Series(16, t => 0.0),
        };

        var schedule = KeplerModel.Solve(problem);

        Assert.True(schedule.Slots.Sum(s => s.ChargeKwh) < Tolerance);
    }

    [Fact]
    public void Solve_NegativePrices_ImportsAndCurtailsButNeverImportsAndExportsAtOnce()
    {
        // Import is paid for and export is even better paid (export price above import price): without the direction
        // constraint the model would import and export the same energy for profit.
        var problem = ProblemBuilder.Constant(8, load: 0.2, pv: 1.0, importPrice: -0.20, exportPrice: -0.10);
        problem = problem with { ExportPrice = ProblemBuilder.Series(8, _ => -0.05) };

        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        Assert.All(schedule.Slots, s => Assert.True(Math.Min(s.ImportKwh, s.ExportKwh) < Tolerance, $"import {s.ImportKwh} and export {s.ExportKwh} at once"));
        Assert.All(schedule.Slots, s => Assert.True(Math.Min(s.ChargeKwh, s.DischargeKwh) < Tolerance, "charge and discharge at once"));
        Assert.True(schedule.Slots.Sum(s => s.ImportKwh) > 1, "imports while import is paid");
        Assert.True(schedule.Slots.Sum(s => s.CurtailKwh) > 1, "curtails PV rather than pay to export it");
        Assert.All(schedule.Slots, s => Assert.True(s.ExportKwh < Tolerance));
    }

    [Fact]
    public void Solve_RandomProblems_KeepSocAndPowerWithinBounds()
    {
        var battery = new BatterySpec(8, 20, 90, 3, 2, 0.92, 0.02);
        var grid = new GridSpec(6, 4, true);
        for (var seed = 0; seed < 5; seed++)
        {
            var problem = SyntheticProblem.Create(96, seed) with { Battery = battery, Grid = grid, InitialSocPercent = 50 };

            var schedule = KeplerModel.Solve(problem);

            Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
            Assert.False(schedule.UsedSlack);
            var soc = battery.ToKwh(problem.InitialSocPercent);
            for (var t = 0; t < schedule.Slots.Count; t++)
            {
                var s = schedule.Slots[t];
                Assert.InRange(s.SocEndPercent, 20 - 1e-4, 90 + 1e-4);
                Assert.InRange(s.ChargeKwh, 0, (3 * 0.25) + Tolerance);
                Assert.InRange(s.DischargeKwh, 0, (2 * 0.25) + Tolerance);
                Assert.InRange(s.ImportKwh, 0, (6 * 0.25) + Tolerance);
                Assert.InRange(s.ExportKwh, 0, (4 * 0.25) + Tolerance);
                soc += (s.ChargeKwh * battery.ChargeEfficiency) - (s.DischargeKwh / battery.DischargeEfficiency);
                Assert.Equal(soc, battery.ToKwh(s.SocEndPercent), 4);
                var balance = problem.LoadKwh[t] + s.WaterKwh + s.ChargeKwh + s.ExportKwh
                    - (problem.PvKwh[t] - s.CurtailKwh + s.DischargeKwh + s.ImportKwh + s.ShedKwh);
                Assert.True(Math.Abs(balance) < 1e-5, $"balance off by {balance} at slot {t}");
            }
        }
    }

    [Fact]
    public void Solve_WaterHeating_MeetsDailyMinimumWithinBlockLimitsAndSpacing()
    {
        var problem = SyntheticProblem.Create(192, seed: 3);
        var water = problem.Water;

        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        Assert.Equal(0, schedule.WaterShortfallKwh, 6);
        foreach (var day in schedule.Slots.GroupBy(s => SlotGrid.LocalDateOf(s.Start, problem.TimeZone)))
        {
            var slots = day.ToList();
            Assert.True(slots.Sum(s => s.WaterKwh) >= water.MinKwhPerDay - Tolerance, $"{day.Key}: {slots.Sum(s => s.WaterKwh)} kWh");
            Assert.All(slots.Where(s => s.WaterOn), s => Assert.Equal(water.KwhPerSlot, s.WaterKwh, 9));
        }

        var starts = new List<int>();
        for (var t = 0; t < schedule.Slots.Count; t++)
        {
            if (schedule.Slots[t].WaterOn && (t == 0 || !schedule.Slots[t - 1].WaterOn))
            {
                starts.Add(t);
            }
        }

        foreach (var day in starts.GroupBy(t => SlotGrid.LocalDateOf(schedule.Slots[t].Start, problem.TimeZone)))
        {
            Assert.True(day.Count() <= water.MaxBlocksPerDay, $"{day.Key}: {day.Count()} blocks");
        }

        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.True(pair.Second - pair.First >= water.MinSpacingSlots, $"starts at {pair.First} and {pair.Second}"));
    }

    [Fact]
    public void Solve_WaterAlreadyHeatedToday_PlansOnlyWhatIsLeft()
    {
        var problem = SyntheticProblem.Create(96, seed: 1) with { WaterToday = new WaterHeatingToday(4.5, 1, false) };

        var schedule = KeplerModel.Solve(problem);

        // 6 kWh a day, 4.5 done: 1.5 kWh is two slots at 3 kW.
        Assert.Equal(1.5, schedule.Slots.Sum(s => s.WaterKwh), 6);
    }

    [Theory]
    [InlineData(2026, 3, 29, 92)]
    [InlineData(2026, 10, 25, 100)]
    public void Solve_DstDay_PlansEverySlotAndTheDailyMinimum(int year, int month, int day, int expectedSlots)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
        var slots = SlotGrid.LocalDay(new DateOnly(year, month, day), zone);
        var synthetic = SyntheticProblem.Create(slots.Count, seed: 7);
        var problem = synthetic with { Slots = slots, TimeZone = zone };

        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(expectedSlots, slots.Count);
        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        Assert.Equal(expectedSlots, schedule.Slots.Count);
        Assert.True(schedule.Slots.Sum(s => s.WaterKwh) >= problem.Water.MinKwhPerDay - Tolerance);
        Assert.Equal(slots.End, schedule.Slots[^1].Start + SlotGrid.SlotLength);
    }

    [Fact]
    public void Solve_ExportSwitchedOff_NeverExports()
    {
        var problem = ProblemBuilder.Constant(48, load: 0.1, pv: 1.5, importPrice: 0.3, exportPrice: 0.25, initialSocPercent: 90,
            grid: new GridSpec(11, 11, ExportAllowed: false));

        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        Assert.All(schedule.Slots, s => Assert.Equal(0, s.ExportKwh, 9));
        Assert.True(schedule.Slots.Sum(s => s.CurtailKwh) > 1);
    }

    [Fact]
    public void Solve_LoadBeyondGridAndBattery_ShedsVisiblyInsteadOfFailing()
    {
        // 4 kW of load on a 1 kW grid with no battery: 0.75 kWh a slot cannot be served.
        var problem = ProblemBuilder.Constant(8, load: 1.0, pv: 0, importPrice: 0.3, exportPrice: 0.1,
            battery: BatterySpec.None, grid: new GridSpec(1, 1, true));

        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        Assert.True(schedule.UsedSlack);
        Assert.Equal(8 * 0.75, schedule.ShedKwh, 6);
        Assert.All(schedule.Slots, s => Assert.Equal(0.75, s.ShedKwh, 6));
        Assert.Equal(8 * 0.75 * SlackPenalties.Default.ShedPerKwh, schedule.Costs.PenaltyCost, 6);
    }

    [Fact]
    public void Solve_SocBelowMinimumAtStart_UsesTheSlackUntilRecharged()
    {
        // 1 kW of charging puts 0.237 kWh a slot into the battery: the 1 kWh minimum takes five slots to reach.
        var problem = ProblemBuilder.Constant(8, load: 0.1, pv: 0, importPrice: 0.3, exportPrice: 0.1, initialSocPercent: 0,
            battery: new BatterySpec(10, 10, 100, 1, 1, 0.9, 0.01));

        var schedule = KeplerModel.Solve(problem);

        Assert.True(schedule.UsedSlack);
        Assert.True(schedule.SocBelowMinimumKwh > 1);
        Assert.All(schedule.Slots.Take(4), s => Assert.Equal(PlannedAction.Charge, s.Action));
        Assert.True(schedule.Slots[^1].SocEndPercent >= 10 - 1e-4, "charged back to the minimum");
    }

    [Theory]
    [InlineData(SolveStatus.NoSolutionAtLimit)]
    [InlineData(SolveStatus.Error)]
    [InlineData(SolveStatus.Infeasible)]
    public void Solve_SolverWithoutSolution_FallsBackToTheSelfConsumptionRule(SolveStatus status)
    {
        var problem = SyntheticProblem.Create(96, seed: 5);
        SolveResult Failing(LinearModel model, SolverSettings settings) =>
            new() { Status = status, Objective = double.NaN, Values = [], SolveMs = 12, Detail = "stopped" };

        var schedule = KeplerModel.Solve(problem, KeplerModel.DefaultSettings, Failing);

        Assert.True(schedule.Fallback);
        Assert.Equal("fallback", schedule.StatusText);
        Assert.Equal(status, schedule.SolverStatus);
        Assert.Equal(96, schedule.Slots.Count);
        Assert.All(schedule.Slots, s => Assert.True(s.ChargeKwh <= problem.PvKwh[schedule.Slots.ToList().IndexOf(s)] + 1e-9, "never charges from the grid"));
    }

    [Fact]
    public void Solve_TimeLimitReachedWithASolution_KeepsTheBestFeasibleSolution()
    {
        var problem = SyntheticProblem.Create(96, seed: 5);
        var optimal = KeplerModel.Solve(problem);
        SolveResult AtLimit(LinearModel model, SolverSettings settings) => CbcSolver.Solve(model, settings) with { Status = SolveStatus.FeasibleAtLimit };

        var schedule = KeplerModel.Solve(problem, KeplerModel.DefaultSettings, AtLimit);

        Assert.False(schedule.Fallback);
        Assert.Equal("feasible_at_limit", schedule.StatusText);
        Assert.Equal(optimal.Objective, schedule.Objective, 6);
    }
}

public sealed class KeplerParallelTests
{
    [Fact]
    public async Task Solve_ManyPlansAtOnce_GiveTheSameSchedulesAsOneAtATime()
    {
        var problems = Enumerable.Range(0, 12).Select(seed => SyntheticProblem.Create(96, seed)).ToArray();
        var sequential = problems.Select(p => KeplerModel.Solve(p).Objective).ToArray();

        var parallel = await Task.WhenAll(problems.Select(p => Task.Run(() => KeplerModel.Solve(p).Objective)));

        for (var i = 0; i < problems.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i], 6);
        }
    }
}
