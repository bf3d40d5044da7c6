using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using static Darkstar.Execution.Tests.CalmCommandsTests;
using static Darkstar.Execution.Tests.TestPlans;

namespace Darkstar.Execution.Tests;

/// <summary>The executor's rule for the flexible loads: each switch follows its load's planned energy, once a slot, never in safe mode or switched off.</summary>
public sealed class FlexibleLoadSwitchingTests
{
    private const string Dishwasher = "switch.darkstar_sim_dishwasher";
    private const string Pump = "switch.pool_pump";

    private static readonly DarkstarOptions TwoLoads = WithCar with
    {
        FlexibleLoads = [.. WithCar.FlexibleLoads, new FlexibleLoadOptions { Name = "pool_pump", SwitchEntity = Pump, PowerKw = 0.75, KwhPerDay = 3 }],
    };

    private static SlotPlan Running(params (string Name, double Kwh)[] loads) =>
        Slot(PlannedAction.Idle) with { FlexibleLoadKwh = loads.ToDictionary(l => l.Name, l => l.Kwh, StringComparer.Ordinal) };

    [Fact]
    public void Targets_EachLoadOnWhereItsSlotRunsIt()
    {
        var targets = FlexibleLoadSwitching.Targets(TwoLoads.FlexibleLoads, Running(("dishwasher", 0.45), ("pool_pump", 0.001)));

        Assert.Equal([(Dishwasher, true), (Pump, false)], targets.Cast<SwitchTarget>().Select(t => (t.EntityId, t.On)));
        Assert.All(targets, t => Assert.Equal(ActuatorRole.FlexibleLoad, t.Role));
    }

    [Fact]
    public void Decide_FollowingPlan_SwitchesEachLoad_SafeModeAndSwitchedOff_LeaveThemAlone()
    {
        var following = ExecutionPolicy.Decide(TwoLoads, Inputs(Running(("pool_pump", 0.1875)), LiveSettings(TwoLoads)));
        Assert.Contains(following.Targets, t => t is SwitchTarget { EntityId: Dishwasher, On: false });
        Assert.Contains(following.Targets, t => t is SwitchTarget { EntityId: Pump, On: true });

        var safe = ExecutionPolicy.Decide(TwoLoads, Inputs(null, LiveSettings(TwoLoads)));
        Assert.Equal(ExecutionMode.SafeMode, safe.Mode);
        Assert.DoesNotContain(safe.Targets, t => t.Role == ActuatorRole.FlexibleLoad);

        var off = ExecutionPolicy.Decide(TwoLoads, Inputs(Running(("pool_pump", 0.1875)), LiveSettings(TwoLoads) with { ExecutorEnabled = false }));
        Assert.Equal(ExecutionMode.Disabled, off.Mode);
        Assert.Empty(off.Targets);

        Assert.DoesNotContain(ExecutionPolicy.Decide(SimulatedHomeOptions, Inputs(Running(("dishwasher", 0.45)))).Targets, t => t.Role == ActuatorRole.FlexibleLoad);
    }

    /// <summary>
    /// The slot's first minutes wait for its own plan; then a plan made in the middle of the slot moves the dishwasher's run
    /// to the next quarter of the same hour: its switch stays on until the slot ends, and changes once the next slot's first
    /// minutes have passed. Another load's switch keeps its own count.
    /// </summary>
    [Fact]
    public void Filter_LoadSwitchedInTheSlot_ANewPlanMidSlotWaitsForTheNextSlot()
    {
        var calm = new CalmCommands(WithCar.Executor);
        EntityTarget Dish(bool on) => new SwitchTarget(ActuatorRole.FlexibleLoad, Dishwasher, on);
        EntityTarget PumpOn(bool on) => new SwitchTarget(ActuatorRole.FlexibleLoad, Pump, on);

        var settling = calm.Filter(SlotStart.AddMinutes(1), Decision(1, Dish(true), PumpOn(false)), States((Dishwasher, "off"), (Pump, "off")));
        var on = calm.Filter(SlotStart.AddMinutes(2), Decision(1, Dish(true), PumpOn(false)), States((Dishwasher, "off"), (Pump, "off")));
        var offMidSlot = calm.Filter(SlotStart.AddMinutes(7), Decision(2, Dish(false), PumpOn(true)), States((Dishwasher, "on"), (Pump, "off")));
        var nextSlotSettling = calm.Filter(SlotStart.AddMinutes(16), Decision(2, Dish(false), PumpOn(true)), States((Dishwasher, "on"), (Pump, "on")));
        var offNextSlot = calm.Filter(SlotStart.AddMinutes(17), Decision(2, Dish(false), PumpOn(true)), States((Dishwasher, "on"), (Pump, "on")));

        Assert.DoesNotContain(settling, t => t.EntityId == Dishwasher);
        Assert.Contains(on, t => t is SwitchTarget { EntityId: Dishwasher, On: true });
        // The pump had not changed in this slot: the new plan's start goes out at once; the dishwasher waits.
        Assert.Equal([Pump], offMidSlot.Select(t => t.EntityId));
        Assert.DoesNotContain(nextSlotSettling, t => t.EntityId == Dishwasher);
        Assert.Contains(offNextSlot, t => t is SwitchTarget { EntityId: Dishwasher, On: false });
    }
}
