using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using static Darkstar.Execution.Tests.TestPlans;

namespace Darkstar.Execution.Tests;

public sealed class ExecutionPolicyTests
{
    private const string WorkMode = "select.darkstar_sim_work_mode";
    private const string GridCharging = "switch.darkstar_sim_grid_charging";
    private const string MaxCharge = "number.darkstar_sim_max_charge_power";
    private const string MaxDischarge = "number.darkstar_sim_max_discharge_power";
    private const string SocTarget = "number.darkstar_sim_soc_target";
    private const string DischargeFloor = "number.darkstar_sim_discharge_floor";
    private const string WaterHeater = "switch.darkstar_sim_water_heater";

    private static ExecutorDecision Decide(ExecutorInputs inputs, DarkstarOptions? options = null) =>
        ExecutionPolicy.Decide(options ?? SimulatedHomeOptions, inputs);

    private static T Target<T>(ExecutorDecision decision, ActuatorRole role)
        where T : EntityTarget => Assert.IsType<T>(Assert.Single(decision.Targets, t => t.Role == role));

    [Fact]
    public void Decide_GridChargePlan_ChargeModeGridChargingPowerTargetAndWater()
    {
        var decision = Decide(Inputs(GridCharge()));

        Assert.Equal(ExecutionMode.FollowingPlan, decision.Mode);
        Assert.Equal(DarkstarStatus.Ok, decision.Health);
        Assert.Null(decision.Reason);
        Assert.Equal(CommandedAction.Charge, decision.CommandedAction);
        Assert.Equal(PlannedAction.Charge, decision.PlannedAction);
        Assert.Equal(42, decision.PlanId);
        Assert.Equal("Force charge", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
        Assert.True(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
        Assert.Equal(3000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
        Assert.Equal(57, Target<NumberValueTarget>(decision, ActuatorRole.SocTarget).Value);
        Assert.True(Target<SwitchTarget>(decision, ActuatorRole.WaterHeater).On);
        Assert.DoesNotContain(decision.Targets, t => t.Role == ActuatorRole.MaxDischargePower);
        Assert.Equal(10, Target<NumberValueTarget>(decision, ActuatorRole.DischargeFloor).Value);
        Assert.Equal(
            [WorkMode, GridCharging, MaxCharge, SocTarget, DischargeFloor, WaterHeater],
            decision.Targets.Select(t => t.EntityId));
    }

    [Fact]
    public void Decide_ChargeFromPvOnly_GridChargingOff()
    {
        // Selling the rest of the PV pays more than an import costs: charging is limited to the plan.
        var decision = Decide(Inputs(Slot(PlannedAction.Charge, chargeKwh: 0.5, importKwh: 0, exportKwh: 0.2, socEndPercent: 55) with { ExportPrice = 1.3 }));

        Assert.Equal(CommandedAction.Charge, decision.CommandedAction);
        Assert.False(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
        Assert.Equal(2000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
    }

    [Fact]
    public void Decide_PvSoldBelowTheImportPriceWithRoomInTheBattery_ChargeLimitedToThePlan()
    {
        // The plan sells PV now and fills the battery later from cheaper sun (the planner confirmed the sale on its
        // cautious forecast): self-consumption would store it now, and the next plan would sell it from the battery.
        var decision = Decide(Inputs(Slot(PlannedAction.Charge, chargeKwh: 0.25, importKwh: 0, exportKwh: 0.8, socEndPercent: 40)));

        Assert.Equal(CommandedAction.Charge, decision.CommandedAction);
        Assert.False(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
        Assert.Equal(1000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
    }

    [Fact]
    public void Decide_DischargePlan_SelfConsumptionAtFullPowerSoTheBatteryCoversTheActualLoad()
    {
        var decision = Decide(Inputs(Slot(PlannedAction.Discharge, dischargeKwh: 0.4, socEndPercent: 46)));

        Assert.Equal(CommandedAction.SelfConsumption, decision.CommandedAction);
        Assert.Equal(PlannedAction.Discharge, decision.PlannedAction);
        Assert.Equal("Self consumption", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
        Assert.False(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
        Assert.Equal(5000, Target<NumberValueTarget>(decision, ActuatorRole.MaxDischargePower).Value);
        Assert.Equal(5000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
        Assert.DoesNotContain(decision.Targets, t => t.Role == ActuatorRole.SocTarget);
        Assert.False(Target<SwitchTarget>(decision, ActuatorRole.WaterHeater).On);
        Assert.Equal(DarkstarStatus.Ok, decision.Health);
    }

    [Fact]
    public void Decide_ChargeFromPvSellingNothing_SelfConsumptionSoMoreSunIsStored()
    {
        var decision = Decide(Inputs(Slot(PlannedAction.Charge, chargeKwh: 0.5, importKwh: 0, exportKwh: 0, socEndPercent: 55)));

        Assert.Equal(CommandedAction.SelfConsumption, decision.CommandedAction);
        Assert.Equal(5000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
    }

    [Theory]
    [InlineData(PlannedAction.Hold, 0.5, 0.0, 60.0, 60.0, CommandedAction.Hold)]
    [InlineData(PlannedAction.Hold, 0.5, 0.0, 60.0, 64.0, CommandedAction.SelfConsumption)]
    // A hold or idle slot plans no discharge: a few tenths above its SoC (rounding, a plan on a SoC a moment older) hold too.
    [InlineData(PlannedAction.Hold, 0.5, 0.0, 60.0, 60.4, CommandedAction.Hold)]
    [InlineData(PlannedAction.Idle, 0.5, 0.0, 60.0, 60.4, CommandedAction.Hold)]
    [InlineData(PlannedAction.Hold, 0.5, 0.0, 60.0, 60.6, CommandedAction.SelfConsumption)]
    [InlineData(PlannedAction.Discharge, 0.3, 0.2, 55.0, 55.0, CommandedAction.Hold)]
    [InlineData(PlannedAction.Discharge, 0.3, 0.2, 55.0, 55.4, CommandedAction.SelfConsumption)]
    [InlineData(PlannedAction.Discharge, 0.3, 0.2, 55.0, 57.0, CommandedAction.SelfConsumption)]
    public void Decide_PlanKeepsEnergyForLater_SelfConsumptionDownToThePlansSocThenHold(
        PlannedAction planned, double importKwh, double dischargeKwh, double socEndPercent, double socPercent, CommandedAction commanded)
    {
        var decision = Decide(Inputs(Slot(planned, importKwh: importKwh, dischargeKwh: dischargeKwh, socEndPercent: socEndPercent), socPercent: socPercent));

        Assert.Equal(commanded, decision.CommandedAction);
        Assert.Equal(DarkstarStatus.Ok, decision.Health);
    }

    [Fact]
    public void Decide_ExportPlan_ExportMode()
    {
        var decision = Decide(Inputs(Slot(PlannedAction.Export, dischargeKwh: 1.0, exportKwh: 0.9, socEndPercent: 40)));

        Assert.Equal(CommandedAction.Export, decision.CommandedAction);
        Assert.Equal("Force export", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
        Assert.Equal(4000, Target<NumberValueTarget>(decision, ActuatorRole.MaxDischargePower).Value);
    }

    [Theory]
    [InlineData(0, 28)]
    [InlineData(50, 27)]
    public void Decide_ExportPlanUnderAPeakFee_TheSocTargetIsRoundedDownSoTheExportNeverStopsAboveThePlansEnd(double feePerKw, double target)
    {
        // The plan's export ends at 27.54 %: a target of 28 % stops it early, and an export mode covers no load there, so
        // the house imports what the battery was to give. Under a peak fee that import may be the month's peak.
        var options = SimulatedHomeOptions with { PeakFee = new PeakFeeOptions { FeePerKw = feePerKw, FromTime = TimeOnly.MinValue, ToTime = TimeOnly.MinValue } };

        var decision = Decide(Inputs(Slot(PlannedAction.Export, dischargeKwh: 0.1, exportKwh: 0.02, socEndPercent: 27.54), socPercent: 28.5), options);

        Assert.Equal(CommandedAction.Export, decision.CommandedAction);
        Assert.Equal(target, Target<NumberValueTarget>(decision, ActuatorRole.SocTarget).Value);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Decide_ExportPlanExportNotAllowed_SelfConsumptionAndDegraded(bool optionAllows, bool switchAllows)
    {
        var options = SimulatedHomeOptions with { Grid = SimulatedHomeOptions.Grid with { ExportAllowed = optionAllows } };
        var settings = LiveSettings() with { AllowExport = switchAllows };

        var decision = Decide(Inputs(Slot(PlannedAction.Export, dischargeKwh: 1.0, exportKwh: 0.9), settings), options);

        Assert.Equal(CommandedAction.SelfConsumption, decision.CommandedAction);
        Assert.Equal("Self consumption", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
        Assert.Equal(DarkstarStatus.Degraded, decision.Health);
        Assert.Contains("Export is not allowed", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PlannedAction.Idle, CommandedAction.SelfConsumption, 5000)]
    [InlineData(PlannedAction.Hold, CommandedAction.Hold, 0)]
    public void Decide_IdleOrHold_SelfConsumptionWithFullChargeAndTheDischargeThePlanAllows(PlannedAction planned, CommandedAction commanded, double dischargeW)
    {
        var decision = Decide(Inputs(Slot(planned)));

        // The plan's hold is self-consumption with no discharge: PV surplus is still stored, as the plan expects.
        Assert.Equal(commanded, decision.CommandedAction);
        Assert.Equal("Self consumption", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
        Assert.False(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
        Assert.Equal(5000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
        Assert.Equal(dischargeW, Target<NumberValueTarget>(decision, ActuatorRole.MaxDischargePower).Value);
        Assert.DoesNotContain(decision.Targets, t => t.Role == ActuatorRole.SocTarget);
    }

    [Fact]
    public void Decide_PlanHoldWithoutADischargePowerEntity_TheInvertersHoldMode()
    {
        var options = SimulatedHomeOptions with { Executor = SimulatedHomeOptions.Executor with { MaxDischargePowerEntity = null } };

        var decision = Decide(Inputs(Slot(PlannedAction.Hold)), options);

        Assert.Equal(CommandedAction.Hold, decision.CommandedAction);
        Assert.Equal("Hold", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
    }

    [Theory]
    [InlineData(ManualOverride.ForceCharge, PlannedAction.Discharge, "Force charge", CommandedAction.Charge)]
    [InlineData(ManualOverride.ForceCharge, PlannedAction.Idle, "Force charge", CommandedAction.Charge)]
    [InlineData(ManualOverride.ForceDischarge, PlannedAction.Charge, "Force discharge", CommandedAction.Discharge)]
    [InlineData(ManualOverride.ForceExport, PlannedAction.Charge, "Force export", CommandedAction.Export)]
    [InlineData(ManualOverride.Hold, PlannedAction.Export, "Hold", CommandedAction.Hold)]
    [InlineData(ManualOverride.Auto, PlannedAction.Export, "Force export", CommandedAction.Export)]
    public void Decide_ManualOverride_WinsOverThePlan(ManualOverride manual, PlannedAction planned, string workMode, CommandedAction commanded)
    {
        var slot = Slot(planned, chargeKwh: 0.5, dischargeKwh: 0.5, importKwh: 0.5, socEndPercent: 50);

        var decision = Decide(Inputs(slot, LiveSettings() with { Override = manual }));

        Assert.Equal(manual == ManualOverride.Auto ? ExecutionMode.FollowingPlan : ExecutionMode.ManualOverride, decision.Mode);
        Assert.Equal(commanded, decision.CommandedAction);
        Assert.Equal(planned, decision.PlannedAction);
        Assert.Equal(workMode, Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
    }

    [Fact]
    public void Decide_ForceCharge_FullChargePowerFromTheGridToMaxSoc()
    {
        var settings = LiveSettings() with { Override = ManualOverride.ForceCharge, MaxSocPercent = 90 };

        var decision = Decide(Inputs(Slot(PlannedAction.Idle), settings));

        Assert.True(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
        Assert.Equal(5000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
        Assert.Equal(90, Target<NumberValueTarget>(decision, ActuatorRole.SocTarget).Value);
        Assert.Equal(DarkstarStatus.Ok, decision.Health);
        Assert.Equal("Manual override force_charge", decision.Reason);
    }

    [Fact]
    public void Decide_ForceDischarge_DownToTheStricterMinimumSoc()
    {
        var settings = LiveSettings() with { Override = ManualOverride.ForceDischarge, MinSocPercent = 25 };

        var decision = Decide(Inputs(null, settings, socPercent: 60));

        Assert.Equal(CommandedAction.Discharge, decision.CommandedAction);
        Assert.Equal(5000, Target<NumberValueTarget>(decision, ActuatorRole.MaxDischargePower).Value);
        Assert.Equal(25, Target<NumberValueTarget>(decision, ActuatorRole.SocTarget).Value);
    }

    [Fact]
    public void Decide_ExecutorSwitchedOff_NoTargets()
    {
        var decision = Decide(Inputs(GridCharge(), LiveSettings() with { ExecutorEnabled = false, Override = ManualOverride.ForceCharge }));

        Assert.Equal(ExecutionMode.Disabled, decision.Mode);
        Assert.Empty(decision.Targets);
        Assert.Null(decision.CommandedAction);
        Assert.Equal(DarkstarStatus.Ok, decision.Health);
    }

    [Fact]
    public void Decide_ShadowMode_SameTargetsAsLiveAndSaysSo()
    {
        var live = Decide(Inputs(GridCharge()));
        var shadow = Decide(Inputs(GridCharge(), LiveSettings() with { ShadowMode = true }));

        Assert.Equal(live.Targets, shadow.Targets);
        Assert.Contains("Shadow mode", shadow.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_HomeAssistantDisconnected_SafeModeDegradedNothingToCommand()
    {
        var decision = Decide(Inputs(GridCharge(), LiveSettings() with { Override = ManualOverride.ForceCharge }, connected: false));

        Assert.Equal(ExecutionMode.SafeMode, decision.Mode);
        Assert.Equal(DarkstarStatus.Degraded, decision.Health);
        Assert.Contains("Home Assistant connection lost", decision.Reason, StringComparison.Ordinal);
        Assert.Empty(decision.Targets);
    }

    public static TheoryData<SolveStatus, int, string> UnusablePlans => new()
    {
        { SolveStatus.Optimal, 31, "minutes old" },
        { SolveStatus.Optimal, 120, "120 minutes old" },
        { SolveStatus.Infeasible, 0, "solve failed (solver status 'infeasible')" },
        { SolveStatus.Error, 5, "solve failed" },
        { SolveStatus.NoSolutionAtLimit, 0, "solve failed (solver status 'no_solution_at_limit')" },
        { SolveStatus.Fallback, 0, "solve failed (solver status 'fallback')" },
    };

    [Theory]
    [MemberData(nameof(UnusablePlans))]
    public void Decide_StaleOrFailedPlan_SafeModeSelfConsumptionWithReason(SolveStatus solverStatus, int ageMinutes, string reason)
    {
        var plan = Plan(createdAt: Now.AddMinutes(-ageMinutes), solverStatus: solverStatus);

        var decision = Decide(Inputs(GridCharge(), plan: plan));

        Assert.Equal(ExecutionMode.SafeMode, decision.Mode);
        Assert.Equal(DarkstarStatus.Degraded, decision.Health);
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
        Assert.Equal(CommandedAction.SelfConsumption, decision.CommandedAction);
        Assert.Null(decision.PlanId);
        Assert.Equal("Self consumption", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
        Assert.False(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
        Assert.DoesNotContain(decision.Targets, t => t.Role is ActuatorRole.WaterHeater or ActuatorRole.SocTarget);
    }

    /// <summary>A solve the time limit stopped still found a feasible plan: it is followed like an optimal one.</summary>
    [Theory]
    [InlineData(SolveStatus.Optimal)]
    [InlineData(SolveStatus.FeasibleAtLimit)]
    public void Decide_PlanWithASolution_Followed(SolveStatus solverStatus)
    {
        var decision = Decide(Inputs(GridCharge(), plan: Plan(solverStatus: solverStatus)));

        Assert.Equal(ExecutionMode.FollowingPlan, decision.Mode);
        Assert.Equal(CommandedAction.Charge, decision.CommandedAction);
    }

    [Fact]
    public void Decide_PlanJustUnder30Minutes_Followed()
    {
        var decision = Decide(Inputs(GridCharge(), plan: Plan(createdAt: Now.AddMinutes(-29))));

        Assert.Equal(ExecutionMode.FollowingPlan, decision.Mode);
        Assert.Equal(CommandedAction.Charge, decision.CommandedAction);
    }

    [Fact]
    public void Decide_NoPlanOrNoSlotForNow_SafeMode()
    {
        var none = Decide(Inputs(null, plan: null));
        var noSlot = Decide(Inputs(null, plan: Plan()));

        Assert.Equal(ExecutionMode.SafeMode, none.Mode);
        Assert.Contains("No plan yet", none.Reason, StringComparison.Ordinal);
        Assert.Equal(ExecutionMode.SafeMode, noSlot.Mode);
        Assert.Contains("no slot for 2026-01-12T11:00:00Z", noSlot.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_StalePlanWithOverride_OverrideFollowedAndDegraded()
    {
        var decision = Decide(Inputs(GridCharge(), LiveSettings() with { Override = ManualOverride.Hold }, plan: Plan(createdAt: Now.AddHours(-2))));

        Assert.Equal(ExecutionMode.ManualOverride, decision.Mode);
        Assert.Equal(CommandedAction.Hold, decision.CommandedAction);
        Assert.Equal(DarkstarStatus.Degraded, decision.Health);
        Assert.Contains("following the manual override", decision.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(decision.Targets, t => t.Role == ActuatorRole.WaterHeater);
    }

    [Theory]
    [InlineData(PlannedAction.Discharge, 10.0)]
    [InlineData(PlannedAction.Discharge, 4.0)]
    [InlineData(PlannedAction.Export, 10.0)]
    [InlineData(PlannedAction.Discharge, null)]
    [InlineData(PlannedAction.Export, null)]
    public void Decide_DischargeAtOrBelowMinimumSocOrUnknown_HoldInstead(PlannedAction planned, double? soc)
    {
        var decision = Decide(Inputs(Slot(planned, dischargeKwh: 1, exportKwh: 0.5, socEndPercent: 8), socPercent: soc));

        Assert.Equal(CommandedAction.Hold, decision.CommandedAction);
        Assert.Equal("Self consumption", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
        Assert.Equal(0, Target<NumberValueTarget>(decision, ActuatorRole.MaxDischargePower).Value);
        Assert.Equal(DarkstarStatus.Degraded, decision.Health);
        Assert.Contains("hold instead", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ExportJustAboveMinimum_ExportsToTheMinimumNotBelow()
    {
        var decision = Decide(Inputs(Slot(PlannedAction.Export, dischargeKwh: 1, exportKwh: 0.5, socEndPercent: 8), socPercent: 10.5));

        Assert.Equal(CommandedAction.Export, decision.CommandedAction);
        var target = Target<NumberValueTarget>(decision, ActuatorRole.SocTarget);
        Assert.Equal(10, target.Value);
        Assert.Contains("clamped to 10 %", target.ClampNote, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_UserMinimumStricterThanOptions_KeepsTheUserMinimum()
    {
        var decision = Decide(Inputs(Slot(PlannedAction.Discharge, dischargeKwh: 1, socEndPercent: 20), LiveSettings() with { MinSocPercent = 30 }, socPercent: 28));

        Assert.Equal(CommandedAction.Hold, decision.CommandedAction);
    }

    [Fact]
    public void Decide_UserMinimumLooserThanOptions_KeepsTheOptionsMinimum()
    {
        var decision = Decide(Inputs(Slot(PlannedAction.Export, dischargeKwh: 1, exportKwh: 0.5, socEndPercent: 5), LiveSettings() with { MinSocPercent = 0 }, socPercent: 40));

        Assert.Equal(10, Target<NumberValueTarget>(decision, ActuatorRole.SocTarget).Value);
    }

    [Fact]
    public void Decide_ChargeAtMaximumSoc_HoldInstead()
    {
        var decision = Decide(Inputs(GridCharge(), LiveSettings() with { MaxSocPercent = 80 }, socPercent: 80));

        Assert.Equal(CommandedAction.Hold, decision.CommandedAction);
        Assert.False(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
    }

    [Fact]
    public void Decide_ChargePowerAboveTheLimit_ClampedAndNoted()
    {
        var decision = Decide(Inputs(Slot(PlannedAction.Charge, chargeKwh: 2, importKwh: 2, socEndPercent: 120)));

        var power = Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower);
        var soc = Target<NumberValueTarget>(decision, ActuatorRole.SocTarget);
        Assert.Equal(5000, power.Value);
        Assert.Contains("charge power 8 kW is outside 0–5 kW (battery.max_charge_kw): clamped to 5 kW", power.ClampNote, StringComparison.Ordinal);
        Assert.Equal(100, soc.Value);
        Assert.NotNull(soc.ClampNote);
        Assert.Equal(DarkstarStatus.Degraded, decision.Health);
    }

    [Fact]
    public void Decide_SolverNoiseAboveTheLimit_ClampedSilently()
    {
        var decision = Decide(Inputs(Slot(PlannedAction.Charge, chargeKwh: 1.2500001, importKwh: 1.25, socEndPercent: 100.000001)));

        Assert.Equal(5000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
        Assert.Equal(100, Target<NumberValueTarget>(decision, ActuatorRole.SocTarget).Value);
        Assert.Equal(DarkstarStatus.Ok, decision.Health);
    }

    [Fact]
    public void Decide_WaterHeaterEntity_SetTemperatureWithOnAndOffTemperatures()
    {
        var options = SimulatedHomeOptions with
        {
            Executor = SimulatedHomeOptions.Executor with
            {
                WaterHeaterEntity = "water_heater.boiler",
                WaterHeaterOnTemperature = 70,
                WaterHeaterOffTemperature = 35,
            },
        };

        var on = Decide(Inputs(Slot(PlannedAction.Idle, waterOn: true)), options);
        var off = Decide(Inputs(Slot(PlannedAction.Idle, waterOn: false)), options);

        var onTarget = Target<WaterHeaterTemperatureTarget>(on, ActuatorRole.WaterHeater);
        Assert.Equal(70, onTarget.Temperature);
        Assert.Equal("water_heater.set_temperature", onTarget.Service);
        Assert.Equal(35, Target<WaterHeaterTemperatureTarget>(off, ActuatorRole.WaterHeater).Temperature);
    }

    [Fact]
    public void Decide_WaterHeatingDisabled_WaterHeaterLeftAlone()
    {
        var options = SimulatedHomeOptions with { WaterHeating = SimulatedHomeOptions.WaterHeating with { Enabled = false } };

        var decision = Decide(Inputs(GridCharge()), options);

        Assert.DoesNotContain(decision.Targets, t => t.Role == ActuatorRole.WaterHeater);
    }

    [Fact]
    public void Decide_WorkModeOptionNotSet_WorkModeLeftAloneAndNoted()
    {
        var options = SimulatedHomeOptions with { Executor = SimulatedHomeOptions.Executor with { WorkModeHold = null, MaxDischargePowerEntity = null } };

        var decision = Decide(Inputs(Slot(PlannedAction.Hold)), options);

        Assert.DoesNotContain(decision.Targets, t => t.Role == ActuatorRole.WorkMode);
        Assert.Contains("executor.work_mode_hold is not set", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AmperesWithoutBatteryVoltage_PowerLeftAloneAndNoted()
    {
        var options = SimulatedHomeOptions with { Executor = SimulatedHomeOptions.Executor with { MaxChargePowerUnit = PowerUnit.Ampere, BatteryVoltage = null } };

        var decision = Decide(Inputs(GridCharge()), options);

        Assert.DoesNotContain(decision.Targets, t => t.Role == ActuatorRole.MaxChargePower);
        Assert.Contains("battery_voltage", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AmperesAtBatteryVoltage_ConvertedAndRoundedDown()
    {
        var options = SimulatedHomeOptions with { Executor = SimulatedHomeOptions.Executor with { MaxChargePowerUnit = PowerUnit.Ampere, BatteryVoltage = 48 } };

        var decision = Decide(Inputs(GridCharge()), options);

        // 3 kW at 48 V is 62.5 A.
        Assert.Equal(62.5, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
    }

    [Fact]
    public void Decide_MaximumBelowMinimum_BothHeldAtTheMinimum()
    {
        var decision = Decide(Inputs(GridCharge(), LiveSettings() with { MinSocPercent = 60, MaxSocPercent = 40 }, socPercent: 50));

        Assert.Equal(60, Target<NumberValueTarget>(decision, ActuatorRole.SocTarget).Value);
        Assert.Contains("below the minimum", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SlotContaining_Now_TheSlotWhoseQuarterHourHoldsNow()
    {
        var slots = Enumerable.Range(0, 4).Select(i => Slot(PlannedAction.Idle, start: SlotStart.AddMinutes(15 * i))).ToList();

        Assert.Equal(SlotStart, ExecutionPolicy.SlotContaining(slots, SlotStart)!.SlotStart);
        Assert.Equal(SlotStart.AddMinutes(15), ExecutionPolicy.SlotContaining(slots, SlotStart.AddMinutes(29.99))!.SlotStart);
        Assert.Null(ExecutionPolicy.SlotContaining(slots, SlotStart.AddHours(1)));
        Assert.Null(ExecutionPolicy.SlotContaining(slots, SlotStart.AddTicks(-1)));
    }
}
