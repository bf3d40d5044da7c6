using Darkstar.Core.Domain;
using Darkstar.Planning.Forecasts;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Tests;

public sealed class CautiousExportTests
{
    private const int Slots = 12;

    /// <summary>
    /// A full battery, a price spike to sell into at slot 0, dear imports all along, and sun later that would refill
    /// the battery at p50 but not at p10.
    /// </summary>
    private static (PlanningProblem Problem, PlanningForecast Forecast) SpikeThenUncertainSun(double pvP10)
    {
        var pv = ProblemBuilder.Series(Slots, t => t >= 4 ? 3.0 : 0);
        var problem = ProblemBuilder.Constant(Slots, load: 0.5, pv: 0, importPrice: 0.60, exportPrice: 0.05, initialSocPercent: 100) with
        {
            PvKwh = pv,
            ExportPrice = ProblemBuilder.Series(Slots, t => t == 0 ? 0.50 : 0.05),
            TerminalValuePerKwh = 0.30,
        };
        var load = Enumerable.Repeat(0.5, Slots).ToArray();
        var forecast = new PlanningForecast(
            load, pv, load, Enumerable.Repeat(1.2, Slots).ToArray(), [.. pv.Select(p => Math.Min(p, pvP10))], pv, "test");
        return (problem, forecast);
    }

    private static Schedule PlanAndConfirm(PlanningProblem problem, PlanningForecast forecast, out int heldBack)
    {
        var plan = KeplerModel.Solve(problem);
        var (load, pv) = CautiousExport.Inputs(problem.LoadKwh, problem.PvKwh, forecast, 1.0);
        var cautious = KeplerModel.Solve(problem with { LoadKwh = load, PvKwh = pv });
        return CautiousExport.Confirm(plan, cautious, problem.Battery, out heldBack);
    }

    [Fact]
    public void Confirm_SunThatMayNotCome_HoldsBackTheBatteryExport()
    {
        var (problem, forecast) = SpikeThenUncertainSun(pvP10: 0);
        var plan = KeplerModel.Solve(problem);
        Assert.Equal(PlannedAction.Export, plan.Slots[0].Action);

        var confirmed = PlanAndConfirm(problem, forecast, out var heldBack);

        Assert.True(heldBack >= 1);
        Assert.Equal(PlannedAction.Discharge, confirmed.Slots[0].Action);
    }

    /// <summary>
    /// Sun to spare now at a better export price than later, and more sun later that fills the battery at p50 (so the plan
    /// sells now and stores later) but not at p10 (so a cautious plan stores now).
    /// </summary>
    private static (PlanningProblem Problem, PlanningForecast Forecast) SunNowAndLater(double laterPvP10)
    {
        var pv = ProblemBuilder.Series(Slots, t => t == 0 ? 1.5 : t is >= 4 and <= 9 ? 3.0 : 0);
        var problem = ProblemBuilder.Constant(Slots, load: 0.5, pv: 0, importPrice: 0.60, exportPrice: 0.02, initialSocPercent: 50) with
        {
            PvKwh = pv,
            ExportPrice = ProblemBuilder.Series(Slots, t => t == 0 ? 0.10 : 0.02),
            TerminalValuePerKwh = 0.30,
        };
        var load = Enumerable.Repeat(0.5, Slots).ToArray();
        var p10 = ProblemBuilder.Series(Slots, t => t == 0 ? pv[0] : Math.Min(pv[t], laterPvP10));
        return (problem, new PlanningForecast(load, pv, load, load, p10, pv, "test"));
    }

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(3.0, false)]
    public void Confirm_PvSoldWithRoomInTheBattery_StandsOnlyWhereTheCautiousPlanSellsToo(double laterPvP10, bool heldBackNow)
    {
        var (problem, forecast) = SunNowAndLater(laterPvP10);
        var plan = KeplerModel.Solve(problem);
        Assert.True(plan.Slots[0].ExportKwh > 0.5, "the p50 plan sells the sun now");
        Assert.True(plan.Slots[0].SocEndPercent < 100);

        var confirmed = PlanAndConfirm(problem, forecast, out var heldBack);

        Assert.Equal(heldBackNow, heldBack > 0);
        Assert.Equal(heldBackNow ? PlannedAction.Discharge : plan.Slots[0].Action, confirmed.Slots[0].Action);
    }

    [Fact]
    public void Confirm_SunCertainEvenAtP10_KeepsTheBatteryExport()
    {
        var (problem, forecast) = SpikeThenUncertainSun(pvP10: 3.0);

        var confirmed = PlanAndConfirm(problem, forecast, out var heldBack);

        Assert.Equal(0, heldBack);
        Assert.Equal(PlannedAction.Export, confirmed.Slots[0].Action);
    }

    [Fact]
    public void Inputs_HalfShare_MovesLoadHalfwayToP90AndPvHalfwayToP10()
    {
        var forecast = new PlanningForecast([1.0], [4.0], [0.5], [2.0], [1.0], [5.0], "test");

        var (load, pv) = CautiousExport.Inputs([1.0], [4.0], forecast, 0.5);

        Assert.Equal(1.5, load[0], 9);
        Assert.Equal(2.5, pv[0], 9);
    }
}
