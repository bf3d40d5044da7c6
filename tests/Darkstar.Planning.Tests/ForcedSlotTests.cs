using Darkstar.Planning.Model;

namespace Darkstar.Planning.Tests;

public sealed class ForcedSlotTests
{
    [Fact]
    public void Solve_ForcedExport_ExportsItFromTheBatteryAtACostTheModelCounts()
    {
        // Export pays less than import: on its own the plan never exports from the battery.
        var free = ProblemBuilder.Constant(8, load: 0.2, pv: 0, importPrice: 0.3, exportPrice: 0.1, initialSocPercent: 80) with { TerminalValuePerKwh = 0.3 };
        var forced = free with { Forced = new Dictionary<DateTimeOffset, ForcedSlot> { [free.Slots[2]] = new(MinExportKwh: 1) } };

        var own = KeplerModel.Solve(free);
        var manual = KeplerModel.Solve(forced);

        Assert.False(manual.Fallback);
        Assert.Equal(0, own.Slots[2].ExportKwh, 6);
        Assert.Equal(1, manual.Slots[2].ExportKwh, 6);
        Assert.True(manual.Slots[2].DischargeKwh >= 1.2 - 1e-6);
        Assert.True(manual.Objective > own.Objective);
    }

    [Fact]
    public void Solve_ForcedExportTheGridCannotTake_StillSolvesAndFallsShort()
    {
        var problem = ProblemBuilder.Constant(4, load: 0.2, pv: 0, importPrice: 0.3, exportPrice: 0.1, initialSocPercent: 80, grid: new GridSpec(11, 11, ExportAllowed: false));

        var schedule = KeplerModel.Solve(problem with { Forced = new Dictionary<DateTimeOffset, ForcedSlot> { [problem.Slots[1]] = new(MinExportKwh: 1, MinChargeKwh: 0) } });

        Assert.False(schedule.Fallback);
        Assert.Equal(0, schedule.Slots[1].ExportKwh, 6);
    }

    [Fact]
    public void Solve_ForcedCharge_ChargesFromTheGrid()
    {
        var problem = ProblemBuilder.Constant(4, load: 0.2, pv: 0, importPrice: 0.3, exportPrice: 0.1);

        var schedule = KeplerModel.Solve(problem with { Forced = new Dictionary<DateTimeOffset, ForcedSlot> { [problem.Slots[0]] = new(MinChargeKwh: 0.5) } });

        Assert.Equal(0.5, schedule.Slots[0].ChargeKwh, 6);
    }
}
