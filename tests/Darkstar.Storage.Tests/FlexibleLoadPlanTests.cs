using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;

namespace Darkstar.Storage.Tests;

/// <summary><c>slot_plans.flexible_load_kwh</c> (migration 9) on a real SQLite file: each load's energy per slot, and what the plans in charge ran.</summary>
public sealed class FlexibleLoadPlanTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SlotPlans_WithLoads_ReadBackByNameAndNullWithout()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var plans = new PlanRepository(test.Database);
        var withLoads = Slot(Start, new Dictionary<string, double> { ["dishwasher"] = 0.45, ["pool_pump"] = 0.1875 });
        var without = Slot(Start + SlotGrid.SlotLength, SlotPlan.NoFlexibleLoads);

        var id = await plans.InsertAsync(Plan(Start, 2), [withLoads, without], CancellationToken.None);

        var read = await plans.ReadSlotsAsync(id, CancellationToken.None);
        Assert.Equal(withLoads.FlexibleLoadKwh.OrderBy(k => k.Key), read[0].FlexibleLoadKwh.OrderBy(k => k.Key));
        Assert.Equal(0.45, read[0].FlexibleLoadKwhOf("dishwasher"));
        Assert.Equal(0, read[0].FlexibleLoadKwhOf("dryer"));
        Assert.Same(SlotPlan.NoFlexibleLoads, read[1].FlexibleLoadKwh);
        Assert.Equal(without with { PlanId = id }, read[1]);
        Assert.Equal("""{"dishwasher":0.45,"pool_pump":0.1875}""", await test.ScalarAsync<string>("SELECT flexible_load_kwh FROM slot_plans WHERE slot_start = '2026-06-10T08:00:00Z';"));
        Assert.Equal(1, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_plans WHERE flexible_load_kwh IS NULL;"));
    }

    [Fact]
    public async Task SlotPlans_NotJson_Refused()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var id = await new PlanRepository(test.Database).InsertAsync(Plan(Start, 1), [Slot(Start, SlotPlan.NoFlexibleLoads)], CancellationToken.None);

        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
            test.ScalarAsync<long>($"UPDATE slot_plans SET flexible_load_kwh = 'dishwasher' WHERE plan_id = {id}; SELECT 1;"));
    }

    /// <summary>
    /// Three plans: the first made at 08:00 runs the dishwasher 08:00–08:30, the second (08:15) moves its second slot
    /// to 09:00, the third (09:00) starts at 09:00. Each past slot counts as the plan in charge of it had it: 08:00 by the
    /// first, 08:15–08:45 by the second; a slot of a later plan's horizon is not read from an earlier plan.
    /// </summary>
    [Fact]
    public async Task ReadFlexibleLoadsInCharge_ReplannedSlots_TheLatestPlanInChargeOfEach()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var plans = new PlanRepository(test.Database);
        var on = new Dictionary<string, double> { ["dishwasher"] = 0.45 };
        await plans.InsertAsync(Plan(Start, 4), [Slot(Start, on), Slot(At(1), on), Slot(At(2), SlotPlan.NoFlexibleLoads), Slot(At(3), SlotPlan.NoFlexibleLoads)], CancellationToken.None);
        await plans.InsertAsync(Plan(At(1), 4), [Slot(At(1), SlotPlan.NoFlexibleLoads), Slot(At(2), SlotPlan.NoFlexibleLoads), Slot(At(3), SlotPlan.NoFlexibleLoads), Slot(At(4), on)], CancellationToken.None);
        await plans.InsertAsync(Plan(At(4), 2), [Slot(At(4), on), Slot(At(5), SlotPlan.NoFlexibleLoads)], CancellationToken.None);

        var ran = await plans.ReadFlexibleLoadsInChargeAsync(Start, At(5), CancellationToken.None);

        Assert.Equal([Start, At(4)], ran.Keys.Order());
        Assert.Equal(0.45, ran[Start]["dishwasher"]);
    }

    private static DateTimeOffset At(int slots) => Start + (slots * SlotGrid.SlotLength);

    private static Plan Plan(DateTimeOffset start, int slots) => new()
    {
        CreatedAt = start,
        HorizonStart = start,
        HorizonEnd = start + (slots * SlotGrid.SlotLength),
        SlotCount = slots,
        ForecastVersion = "baseline_7_day_avg",
        SolverStatus = SolveStatus.Optimal,
        SolveMs = 5,
        Objective = 1,
        InitialSocPercent = 50,
    };

    private static SlotPlan Slot(DateTimeOffset start, IReadOnlyDictionary<string, double> loads) => new()
    {
        PlanId = 0,
        SlotStart = start,
        ChargeKwh = 0,
        DischargeKwh = 0,
        ImportKwh = 0.5,
        ExportKwh = 0,
        CurtailKwh = 0,
        WaterKwh = 0,
        ShedKwh = 0,
        SocEndPercent = 50,
        WaterOn = false,
        ImportPrice = 1,
        ExportPrice = 0.5,
        Cost = 0.5,
        Action = PlannedAction.Idle,
        FlexibleLoadKwh = loads,
    };
}
