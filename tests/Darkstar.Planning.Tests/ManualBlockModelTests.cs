using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Tests;

/// <summary>A user's manual blocks as the Kepler model takes them (<see cref="ManualBlockSlots"/>), solved by CBC.</summary>
public sealed class ManualBlockModelTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Solve_HoldBlock_NeitherChargesNorDischargesThoughThePricesSayOtherwise()
    {
        // Cheap first half, dear second half: on its own the plan charges early and discharges late.
        var problem = ProblemBuilder.Constant(8, load: 0.3, pv: 0, importPrice: 0, exportPrice: 0, initialSocPercent: 10) with
        {
            ImportPrice = ProblemBuilder.Series(8, t => t < 4 ? 0.05 : 0.5),
        };
        var own = KeplerModel.Solve(problem);
        Assert.True(own.Slots.Take(4).Sum(s => s.ChargeKwh) > 0.5);

        var blocked = KeplerModel.Solve(WithBlocks(problem, Block(BlockAction.Hold, problem, 0, 8)));

        Assert.False(blocked.Fallback);
        Assert.All(blocked.Slots, s => Assert.Equal(0, s.ChargeKwh + s.DischargeKwh, 6));
        Assert.All(blocked.Slots, s => Assert.Equal(BlockAction.Hold, s.ManualBlock));
        Assert.All(blocked.Slots, s => Assert.Equal(PlannedAction.Hold, s.Action));
        Assert.Equal(0, blocked.BlockShortfallKwh, 6);
    }

    [Fact]
    public void Solve_ChargeBlock_ChargesToItsTargetWhereThePriceIsDearAndPlansTheRestAround()
    {
        // Dear in the block (slots 2–5), cheap after it: on its own the plan would charge after the block.
        var problem = ProblemBuilder.Constant(12, load: 0.1, pv: 0, importPrice: 0, exportPrice: 0, initialSocPercent: 20) with
        {
            ImportPrice = ProblemBuilder.Series(12, t => t is >= 2 and < 6 ? 0.6 : 0.1),
        };

        var schedule = KeplerModel.Solve(WithBlocks(problem, Block(BlockAction.Charge, problem, 2, 4) with { TargetSocPercent = 60 }));

        Assert.False(schedule.Fallback);
        Assert.True(schedule.Slots[5].SocEndPercent >= 60 - 1e-4, $"SoC at the block's end {schedule.Slots[5].SocEndPercent}");
        Assert.All(schedule.Slots.Skip(2).Take(4), s => Assert.Equal(0, s.DischargeKwh, 6));
        Assert.All(schedule.Slots.Skip(2).Take(4), s => Assert.Equal(BlockAction.Charge, s.ManualBlock));
        Assert.Null(schedule.Slots[1].ManualBlock);
        Assert.Equal(0, schedule.BlockShortfallKwh, 6);
    }

    [Fact]
    public void Solve_ChargeBlockAtAPower_ChargesThatMuchInEverySlot()
    {
        var problem = ProblemBuilder.Constant(6, load: 0.1, pv: 0, importPrice: 0.5, exportPrice: 0.05, initialSocPercent: 20);

        var schedule = KeplerModel.Solve(WithBlocks(problem, Block(BlockAction.Charge, problem, 0, 2) with { PowerKw = 2 }));

        Assert.Equal(0.5, schedule.Slots[0].ChargeKwh, 6);
        Assert.Equal(0.5, schedule.Slots[1].ChargeKwh, 6);
    }

    [Fact]
    public void Solve_DischargeBlockBelowTheMinimumSoc_StopsAtTheMinimumAndSaysHowFarShort()
    {
        // 12 % of 10 kWh with a 10 % minimum: 0.2 kWh above it, against 2 kWh asked.
        var problem = ProblemBuilder.Constant(8, load: 0.2, pv: 0, importPrice: 0.3, exportPrice: 0.05, initialSocPercent: 12);

        var schedule = KeplerModel.Solve(WithBlocks(problem, Block(BlockAction.Discharge, problem, 0, 4) with { EnergyKwh = 2 }));

        Assert.False(schedule.Fallback);
        Assert.All(schedule.Slots, s => Assert.True(s.SocEndPercent >= 10 - 1e-4, $"SoC {s.SocEndPercent} below the minimum"));
        Assert.Equal(0, schedule.SocBelowMinimumKwh, 6);
        Assert.True(schedule.BlockShortfallKwh > 1.5, $"shortfall {schedule.BlockShortfallKwh}");
    }

    [Fact]
    public void Solve_DischargeBlock_CoversTheHouseWithoutImportAndWithoutCharging()
    {
        // Dear later: on its own the plan keeps the battery for then and imports now.
        var problem = ProblemBuilder.Constant(8, load: 0.4, pv: 0, importPrice: 0, exportPrice: 0, initialSocPercent: 60) with
        {
            ImportPrice = ProblemBuilder.Series(8, t => t < 4 ? 0.1 : 0.6),
        };

        var schedule = KeplerModel.Solve(WithBlocks(problem, Block(BlockAction.Discharge, problem, 0, 2)));

        Assert.All(schedule.Slots.Take(2), s => Assert.Equal(0, s.ImportKwh, 6));
        Assert.All(schedule.Slots.Take(2), s => Assert.True(s.DischargeKwh >= 0.4 - Tolerance));
    }

    [Fact]
    public void Solve_ExportBlock_ExportsFromTheBatteryAsFastAsAllowed()
    {
        var problem = ProblemBuilder.Constant(4, load: 0.2, pv: 0, importPrice: 0.3, exportPrice: 0.1, initialSocPercent: 90);

        var schedule = KeplerModel.Solve(WithBlocks(problem, Block(BlockAction.Export, problem, 1, 1)));

        // 5 kW for a quarter hour: 1.25 kWh from the battery, of it 1.05 kWh exported after the house's 0.2 kWh.
        Assert.Equal(1.25, schedule.Slots[1].DischargeKwh, 4);
        Assert.True(schedule.Slots[1].ExportKwh >= 1.05 - 1e-4);
        Assert.Equal(BlockAction.Export, schedule.Slots[1].ManualBlock);
    }

    [Fact]
    public void Solve_WaterHeaterBlock_RunsTheHeaterEvenWhenTheDaysStartsAreUsedUp()
    {
        var problem = ProblemBuilder.Constant(16, load: 0.2, pv: 0, importPrice: 0.3, exportPrice: 0.05) with
        {
            Water = new WaterHeatingSpec(true, 2, 0, 1, 8),
            WaterToday = new WaterHeatingToday(1, BlocksStarted: 1, OnInPreviousSlot: false, LastStart: ProblemBuilder.Start.AddMinutes(-30)),
        };

        var schedule = KeplerModel.Solve(WithBlocks(problem, Block(BlockAction.WaterHeater, problem, 2, 2)));

        Assert.False(schedule.Fallback);
        Assert.True(schedule.Slots[2].WaterOn && schedule.Slots[3].WaterOn);
        Assert.Equal(2, schedule.Slots.Count(s => s.WaterOn));
    }

    [Fact]
    public void Of_WaterBlockBesideABatteryBlock_KeepsBothAndNamesTheBatterys()
    {
        var problem = ProblemBuilder.Constant(4, load: 0.2, pv: 0, importPrice: 0.3, exportPrice: 0.05);

        var forced = ManualBlockSlots.Of([Block(BlockAction.WaterHeater, problem, 0, 2), Block(BlockAction.Hold, problem, 1, 2)], problem.Slots, problem.Battery, problem.Grid);

        Assert.Equal(3, forced.Count);
        Assert.True(forced[problem.Slots[1]].WaterOn && forced[problem.Slots[1]].NoCharge);
        Assert.Equal(BlockAction.Hold, forced[problem.Slots[1]].Block);
        Assert.Equal(BlockAction.WaterHeater, forced[problem.Slots[0]].Block);
    }

    private static PlanningProblem WithBlocks(PlanningProblem problem, params ManualBlock[] blocks) =>
        problem with { Forced = ManualBlockSlots.Of(blocks, problem.Slots, problem.Battery, problem.Grid) };

    private static ManualBlock Block(BlockAction action, PlanningProblem problem, int firstSlot, int slots) => new()
    {
        Id = 1,
        Action = action,
        Start = problem.Slots[firstSlot],
        End = problem.Slots[firstSlot] + (SlotGrid.SlotLength * slots),
        CreatedAt = ProblemBuilder.Start,
    };
}
