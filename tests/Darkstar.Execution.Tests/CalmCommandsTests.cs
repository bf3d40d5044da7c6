using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.Execution.Tests;

/// <summary>Each calm-command rule alone: the others are switched off or not in play.</summary>
public sealed class CalmCommandsTests
{
    private const string WorkMode = "select.inverter_work_mode";
    private const string SocTarget = "number.inverter_soc_target";
    private const string MaxCharge = "number.inverter_max_charge_power";
    private static readonly DateTimeOffset SlotStart = TestPlans.SlotStart;

    private static ExecutorOptions Options(double socHysteresis = 0, double powerHysteresis = 0, int dwellMinutes = 0) => new()
    {
        WorkModeHold = "Hold",
        MaxChargePowerUnit = PowerUnit.Watt,
        SocTargetHysteresisPercent = socHysteresis,
        PowerLimitHysteresisKw = powerHysteresis,
        WorkModeMinDwellMinutes = dwellMinutes,
    };

    /// <summary>The entity at <paramref name="current"/>; a target <paramref name="near"/> within the threshold, one <paramref name="far"/> beyond it.</summary>
    [Theory]
    [InlineData(ActuatorRole.SocTarget, SocTarget, "41", 44, 47)]
    [InlineData(ActuatorRole.MaxChargePower, MaxCharge, "2300", 2700, 5000)]
    public void Filter_NumberWithinHysteresis_IsNotRewrittenBeyondItIs(ActuatorRole role, string entityId, string current, double near, double far)
    {
        var calm = new CalmCommands(Options(socHysteresis: 5, powerHysteresis: 0.5));
        var states = States((entityId, current));

        var nearTargets = calm.Filter(SlotStart, Decision(0, new NumberValueTarget(role, entityId, near, 1)), states);
        var farTargets = calm.Filter(SlotStart.AddMinutes(15), Decision(1, new NumberValueTarget(role, entityId, far, 1)), states);

        Assert.Empty(nearTargets);
        Assert.Equal(far, Assert.IsType<NumberValueTarget>(Assert.Single(farTargets)).Value);
    }

    /// <summary>The charge limit says 2700 W and the hysteresis is 0.5 kW; the plan charges from the grid at 2300 W.</summary>
    [Theory]
    [InlineData(true, 2300, true)]
    [InlineData(false, 2300, false)]
    [InlineData(true, 3000, false)]
    public void Filter_PeakFee_GridChargingAboveThePlannedPowerIsLoweredWhateverTheHysteresis(bool capped, double wanted, bool sent)
    {
        // Charging 0.4 kW faster than planned would import 0.4 kW above the planned peak.
        var calm = new CalmCommands(Options(powerHysteresis: 0.5), capGridChargePower: capped);
        var decision = Decision(0, new NumberValueTarget(ActuatorRole.MaxChargePower, MaxCharge, wanted, 1)) with { CommandedAction = CommandedAction.Charge };

        var targets = calm.Filter(SlotStart, decision, States((MaxCharge, "2700")));

        Assert.Equal(sent, targets.Count == 1);
    }

    [Fact]
    public void For_PeakFeeInTheOptions_CapsTheChargePower()
    {
        var options = new DarkstarOptions
        {
            Executor = Options(powerHysteresis: 0.5),
            PeakFee = new PeakFeeOptions { FeePerKw = 50, FromTime = TimeOnly.MinValue, ToTime = TimeOnly.MinValue },
        };
        var decision = Decision(0, new NumberValueTarget(ActuatorRole.MaxChargePower, MaxCharge, 2300, 1)) with { CommandedAction = CommandedAction.Charge };

        Assert.Single(CalmCommands.For(options).Filter(SlotStart, decision, States((MaxCharge, "2700"))));
        Assert.Empty(CalmCommands.For(options with { PeakFee = new PeakFeeOptions() }).Filter(SlotStart, decision, States((MaxCharge, "2700"))));
    }

    /// <summary>The entity says 41 and the hysteresis is 5 points.</summary>
    [Theory]
    [InlineData(CommandedAction.Export, 44, true)]
    [InlineData(CommandedAction.Discharge, 44, true)]
    [InlineData(CommandedAction.Export, 38, false)]
    [InlineData(CommandedAction.Charge, 44, false)]
    public void Filter_SocTargetBelowWhatAnExportShouldKeep_RaisedWhateverTheHysteresis(CommandedAction action, double wanted, bool sent)
    {
        // An export to 44 would otherwise stop at 41, selling what the plan keeps for later; one to 38 stopping at 41 keeps a
        // little more, and is left. A charge target stays within the hysteresis either way.
        var calm = new CalmCommands(Options(socHysteresis: 5));

        var targets = calm.Filter(
            SlotStart, Decision(0, new NumberValueTarget(ActuatorRole.SocTarget, SocTarget, wanted, 1)) with { CommandedAction = action }, States((SocTarget, "41")));

        Assert.Equal(sent, targets.Count == 1);
    }

    /// <summary>
    /// The entity says 41 and the hysteresis is 5 points; the plan lowers an export's target to 38. Above 42 % the
    /// inverter has not reached the target set yet and the register stays; at it, the inverter stands there (an export
    /// mode covers no load) while the plan discharges on, so the lower target is sent.
    /// </summary>
    [Theory]
    [InlineData(CommandedAction.Export, 50.0, false)]
    [InlineData(CommandedAction.Export, 41.3, true)]
    [InlineData(CommandedAction.Discharge, 41.0, true)]
    [InlineData(CommandedAction.Export, null, false)]
    public void Filter_LowerSocTargetWhereTheBatteryStandsAtTheOneSet_SentWhateverTheHysteresis(CommandedAction action, double? socPercent, bool sent)
    {
        var calm = new CalmCommands(Options(socHysteresis: 5));
        var decision = Decision(0, new NumberValueTarget(ActuatorRole.SocTarget, SocTarget, 38, 1)) with { CommandedAction = action, MeasuredSocPercent = socPercent };

        var targets = calm.Filter(SlotStart, decision, States((SocTarget, "41")));

        Assert.Equal(sent, targets.Count == 1);
    }

    [Fact]
    public void Filter_WorkModeChangedWithinTheDwell_WaitsWithTheBatterysOtherTargetsUntilTheDwellOrANewSlot()
    {
        var calm = new CalmCommands(Options(dwellMinutes: 10));
        var selfConsumption = States((WorkMode, "Self consumption"));
        var charging = States((WorkMode, "Force charge"));

        // Plan 1 at the slot's start: charge (a new slot: at once). Plan 2 two minutes later: self-consumption again.
        Assert.Single(calm.Filter(SlotStart, Decision(1, Mode("Force charge")), selfConsumption));
        var back = calm.Filter(SlotStart.AddMinutes(2), Decision(2, Mode("Self consumption"), new NumberValueTarget(ActuatorRole.MaxChargePower, MaxCharge, 5000, 1)), charging);
        var afterDwell = calm.Filter(SlotStart.AddMinutes(10), Decision(2, Mode("Self consumption")), charging);
        var nextSlot = new CalmCommands(Options(dwellMinutes: 10));
        nextSlot.Filter(SlotStart.AddMinutes(14), Decision(1, Mode("Force charge")), selfConsumption);
        var atNextSlot = nextSlot.Filter(SlotStart.AddMinutes(15), Decision(1, Mode("Self consumption")), charging);

        Assert.Empty(back);
        Assert.Single(afterDwell);
        Assert.Single(atNextSlot);
    }

    [Fact]
    public void Filter_WorkModeIntoHoldOrInSafeMode_IsNotHeldByTheDwell()
    {
        var calm = new CalmCommands(Options(dwellMinutes: 15));
        calm.Filter(SlotStart, Decision(1, Mode("Self consumption")), States((WorkMode, "Force charge")));

        var hold = calm.Filter(SlotStart.AddMinutes(1), Decision(2, Mode("Hold")), States((WorkMode, "Self consumption")));
        var safe = calm.Filter(SlotStart.AddMinutes(2), Decision(2, Mode("Self consumption")) with { Mode = ExecutionMode.SafeMode }, States((WorkMode, "Hold")));

        Assert.Single(hold);
        Assert.Single(safe);
    }

    [Fact]
    public void Filter_ChangeAskedForMidSlotAndPlan_IsSentOnlyWhenTheNextTickStillAsks()
    {
        var calm = new CalmCommands(Options());
        var states = States((WorkMode, "Self consumption"));

        calm.Filter(SlotStart, Decision(1, Mode("Self consumption")), states);
        var blip = calm.Filter(SlotStart.AddMinutes(1), Decision(1, Mode("Hold")), states);
        var undone = calm.Filter(SlotStart.AddMinutes(2), Decision(1, Mode("Self consumption")), states);
        calm.Filter(SlotStart.AddMinutes(3), Decision(1, Mode("Hold")), states);
        var confirmed = calm.Filter(SlotStart.AddMinutes(4), Decision(1, Mode("Hold")), states);

        Assert.Empty(Unsatisfied(blip, states));
        Assert.Empty(Unsatisfied(undone, states));
        Assert.Equal("Hold", Assert.Single(Unsatisfied(confirmed, states)).ValueText);
    }

    [Fact]
    public void Filter_LimitChangedTheDecision_CommandsAtOnce()
    {
        var calm = new CalmCommands(Options(socHysteresis: 5, dwellMinutes: 15));
        calm.Filter(SlotStart, Decision(1, Mode("Force charge")), States((WorkMode, "Self consumption")));

        var atMaximum = calm.Filter(SlotStart.AddMinutes(1), Decision(1, Mode("Self consumption")) with { LimitNotes = ["SoC 100 % is at or above the maximum"] }, States((WorkMode, "Force charge")));

        Assert.Single(atMaximum);
    }

    private static List<EntityTarget> Unsatisfied(IReadOnlyList<EntityTarget> targets, Dictionary<string, EntityState> states) =>
        [.. targets.Where(t => !t.IsSatisfiedBy(states.GetValueOrDefault(t.EntityId)))];

    private static SelectOptionTarget Mode(string option) => new(ActuatorRole.WorkMode, WorkMode, option);

    [Fact]
    public void Filter_HoldingInASlot_StaysHoldingWhenTheSunLiftsTheSocOrANewPlanStillHoldsUntilTheNextSlotOrAPlanThatDischarges()
    {
        const string MaxDischarge = "number.inverter_max_discharge_power";
        var calm = new CalmCommands(Options());
        var hold = Decision(1, Mode("Self consumption"), new NumberValueTarget(ActuatorRole.MaxDischargePower, MaxDischarge, 0, 1)) with
        {
            CommandedAction = CommandedAction.Hold,
            PlannedAction = PlannedAction.Hold,
        };
        var free = Decision(1, Mode("Self consumption"), new NumberValueTarget(ActuatorRole.MaxDischargePower, MaxDischarge, 5000, 1)) with
        {
            CommandedAction = CommandedAction.SelfConsumption,
            PlannedAction = PlannedAction.Hold,
        };
        var holding = States((WorkMode, "Self consumption"), (MaxDischarge, "0"));

        var first = calm.Filter(SlotStart.AddMinutes(3), hold, States((WorkMode, "Self consumption"), (MaxDischarge, "5000")));
        var sameSlot = calm.Filter(SlotStart.AddMinutes(4), free, holding);
        var stillSameSlot = calm.Filter(SlotStart.AddMinutes(5), free, holding);
        // A plan made in the slot that still holds it, a little lower: the hold stays (it was hold, self-consumption, hold).
        var newPlanStillHolding = calm.Filter(SlotStart.AddMinutes(6), free with { PlanId = 2 }, holding);
        var newPlanDischarging = calm.Filter(SlotStart.AddMinutes(7), free with { PlanId = 3, PlannedAction = PlannedAction.Discharge }, holding);
        var nextSlot = new CalmCommands(Options());
        nextSlot.Filter(SlotStart.AddMinutes(14), hold, holding);
        var atNextSlot = nextSlot.Filter(SlotStart.AddMinutes(15), free, holding);

        Assert.Contains(first, t => t.Role == ActuatorRole.MaxDischargePower);
        Assert.DoesNotContain(sameSlot, t => t.Role == ActuatorRole.MaxDischargePower);
        Assert.DoesNotContain(stillSameSlot, t => t.Role == ActuatorRole.MaxDischargePower);
        Assert.DoesNotContain(newPlanStillHolding, t => t.Role == ActuatorRole.MaxDischargePower);
        Assert.Equal(5000, Assert.IsType<NumberValueTarget>(Assert.Single(newPlanDischarging, t => t.Role == ActuatorRole.MaxDischargePower)).Value);
        Assert.Equal(5000, Assert.IsType<NumberValueTarget>(Assert.Single(atNextSlot, t => t.Role == ActuatorRole.MaxDischargePower)).Value);
    }

    /// <summary>
    /// Plan 1, made in the slot before, charges until 11:15 and plans self-consumption after it on the SoC it expected;
    /// the planner re-plans at 11:15 and still charges (the battery is short of where plan 1 thought it would be).
    /// </summary>
    [Fact]
    public void Filter_SlotStartWhereThePlannerReplans_NothingChangesOnTheOldPlanUntilTheSlotsOwnPlanComes()
    {
        var calm = new CalmCommands(Options(dwellMinutes: 15), replanMinutes: 15);
        var boundary = SlotStart.AddMinutes(15);
        var charging = States((WorkMode, "Force charge"), (MaxCharge, "2000"));
        var oldPlan = Decision(1, Mode("Self consumption"), new NumberValueTarget(ActuatorRole.MaxChargePower, MaxCharge, 5000, 1)) with { PlanCreatedAt = SlotStart };
        var ownPlan = Decision(2, Mode("Force charge"), new NumberValueTarget(ActuatorRole.MaxChargePower, MaxCharge, 2000, 1)) with { PlanCreatedAt = boundary };
        calm.Filter(boundary.AddMinutes(-1), oldPlan with { Targets = [Mode("Force charge")] }, charging);

        var atTheBoundary = calm.Filter(boundary, oldPlan, charging);
        var onTheSlotsOwnPlan = calm.Filter(boundary.AddMinutes(1), ownPlan, charging);

        Assert.Empty(Unsatisfied(atTheBoundary, charging));
        Assert.Empty(Unsatisfied(onTheSlotsOwnPlan, charging));
    }

    [Fact]
    public void Filter_SlotStartWhereThePlannerReplans_NoNewPlanWithinTheSettlingTime_TheOldPlanIsFollowed()
    {
        var calm = new CalmCommands(Options(), replanMinutes: 15);
        var boundary = SlotStart.AddMinutes(15);
        var charging = States((WorkMode, "Force charge"));
        var oldPlan = Decision(1, Mode("Self consumption")) with { PlanCreatedAt = SlotStart };

        var waiting = calm.Filter(boundary + CalmCommands.SlotSettlingTime - TimeSpan.FromMinutes(1), oldPlan, charging);
        var followed = calm.Filter(boundary + CalmCommands.SlotSettlingTime, oldPlan, charging);

        Assert.Empty(Unsatisfied(waiting, charging));
        Assert.Equal("Self consumption", Assert.Single(Unsatisfied(followed, charging)).ValueText);
    }

    /// <summary>
    /// At a quarter past, only a plan made before the slot and re-planned every quarter hour waits: one made at the
    /// boundary is the slot's own; re-planned hourly, no plan comes at a quarter past; no schedule (the benchmark), none comes.
    /// </summary>
    [Theory]
    [InlineData(15, 15, false)]
    [InlineData(15, null, true)]
    [InlineData(60, 15, true)]
    [InlineData(null, 15, true)]
    public void Filter_SlotStart_OnlyWhereThePlannerReplansAndThePlanIsOlderThanTheSlot_Waits(int? replanMinutes, int? planMadeMinutesBefore, bool commandedAtOnce)
    {
        var calm = new CalmCommands(Options(), replanMinutes: replanMinutes);
        var quarterPast = SlotStart.AddMinutes(15);
        var charging = States((WorkMode, "Force charge"));
        var decision = Decision(1, Mode("Self consumption")) with { PlanCreatedAt = planMadeMinutesBefore is { } m ? quarterPast.AddMinutes(-m) : quarterPast };

        var targets = calm.Filter(quarterPast, decision, charging);

        Assert.Equal(commandedAtOnce, Unsatisfied(targets, charging).Count == 1);
    }

    /// <summary>Safety is never kept waiting: a limit that changed the decision (SoC at its minimum) acts at the boundary.</summary>
    [Fact]
    public void Filter_SlotStartWhereThePlannerReplans_ALimitActsAtOnce()
    {
        var calm = new CalmCommands(Options(), replanMinutes: 15);
        var boundary = SlotStart.AddMinutes(15);
        var exporting = States((WorkMode, "Export"));
        var atMinimum = Decision(1, Mode("Self consumption")) with { PlanCreatedAt = SlotStart, LimitNotes = ["SoC 10 % is at or below the minimum 10 %: hold instead of export"] };

        var targets = calm.Filter(boundary, atMinimum, exporting);

        Assert.Single(Unsatisfied(targets, exporting));
    }

    /// <summary>A plan made mid-slot moves the car's charging to another quarter of the same hour: the charger stays on until the slot ends.</summary>
    [Fact]
    public void Filter_CarChargerChangedInTheSlot_NewPlanMidSlotWaitsForTheNextSlot()
    {
        const string charger = "switch.wallbox";
        var calm = new CalmCommands(Options());

        var on = calm.Filter(SlotStart, Decision(0, new SwitchTarget(ActuatorRole.CarCharger, charger, true)), States((charger, "off")));
        var offMidSlot = calm.Filter(SlotStart.AddMinutes(6), Decision(1, new SwitchTarget(ActuatorRole.CarCharger, charger, false)), States((charger, "on")));
        var offNextSlot = calm.Filter(SlotStart.AddMinutes(15), Decision(1, new SwitchTarget(ActuatorRole.CarCharger, charger, false)), States((charger, "on")));

        Assert.True(Assert.IsType<SwitchTarget>(Assert.Single(on)).On);
        Assert.Empty(offMidSlot);
        Assert.False(Assert.IsType<SwitchTarget>(Assert.Single(offNextSlot)).On);
    }

    /// <summary>In a slot's first minutes its own plan may still arrive: the charger follows it at once.</summary>
    [Fact]
    public void Filter_CarChargerAtTheSlotsStart_TheSlotsOwnPlanChangesItAtOnce()
    {
        const string current = "number.wallbox_current";
        var calm = new CalmCommands(Options());

        calm.Filter(SlotStart, Decision(0, new NumberValueTarget(ActuatorRole.CarChargingCurrent, current, 16, 1)), States((current, "6")));
        var fromTheNewPlan = calm.Filter(SlotStart.AddMinutes(1), Decision(1, new NumberValueTarget(ActuatorRole.CarChargingCurrent, current, 10, 1)), States((current, "16")));

        Assert.Equal(10, Assert.IsType<NumberValueTarget>(Assert.Single(fromTheNewPlan)).Value);
    }

    internal static ExecutorDecision Decision(long planId, params EntityTarget[] targets) => new()
    {
        Health = Core.Domain.DarkstarStatus.Ok,
        Mode = ExecutionMode.FollowingPlan,
        Override = ManualOverride.Auto,
        PlanId = planId,
        Targets = targets,
        LimitNotes = [],
    };

    internal static Dictionary<string, EntityState> States(params (string EntityId, string State)[] states) =>
        states.ToDictionary(s => s.EntityId, s => new EntityState(s.EntityId, s.State, new Dictionary<string, JsonElement>(), SlotStart, SlotStart), StringComparer.Ordinal);
}
