using Darkstar.Core.Domain;
using static Darkstar.Execution.Tests.TestPlans;

namespace Darkstar.Execution.Tests;

/// <summary>The executor carries out a user's manual block as asked, the SoC rules still winning.</summary>
public sealed class ManualBlockExecutionTests
{
    private static ExecutorDecision Decide(SlotPlan slot, double? socPercent = 50) => ExecutionPolicy.Decide(SimulatedHomeOptions, Inputs(slot, socPercent: socPercent));

    private static T Target<T>(ExecutorDecision decision, ActuatorRole role)
        where T : EntityTarget => Assert.IsType<T>(Assert.Single(decision.Targets, t => t.Role == role));

    [Fact]
    public void Decide_HoldBlock_TheInvertersHoldEvenWhereTheDischargePowerCouldBeSet()
    {
        // The plan's own hold is self-consumption with no discharge (PV still charges); a hold block keeps the battery as it is.
        var decision = Decide(Slot(PlannedAction.Hold, importKwh: 0.3) with { ManualBlock = BlockAction.Hold });

        Assert.Equal(CommandedAction.Hold, decision.CommandedAction);
        Assert.Equal("Hold", Target<SelectOptionTarget>(decision, ActuatorRole.WorkMode).Option);
        Assert.False(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
    }

    [Fact]
    public void Decide_ChargeBlockAtADearPrice_ChargesFromTheGridAtThePlannedPower()
    {
        // Export pays more than import: on its own the rule would never charge from the grid here.
        var decision = Decide(Slot(PlannedAction.Charge, chargeKwh: 0.5, importKwh: 0.7, socEndPercent: 60) with { ManualBlock = BlockAction.Charge, ExportPrice = 1.5 });

        Assert.Equal(CommandedAction.Charge, decision.CommandedAction);
        Assert.True(Target<SwitchTarget>(decision, ActuatorRole.GridCharging).On);
        Assert.Equal(2000, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
        Assert.Equal(60, Target<NumberValueTarget>(decision, ActuatorRole.SocTarget).Value);
    }

    [Fact]
    public void Decide_ChargeBlockAtTheMaximumSoc_HoldsAndSaysWhy()
    {
        var decision = Decide(Slot(PlannedAction.Charge, chargeKwh: 0.5, importKwh: 0.7, socEndPercent: 100) with { ManualBlock = BlockAction.Charge }, socPercent: 100);

        Assert.Equal(CommandedAction.Hold, decision.CommandedAction);
        Assert.Contains("at or above the maximum", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_DischargeBlock_SelfConsumptionAtFullDischargeWithoutCharging()
    {
        var decision = Decide(Slot(PlannedAction.Discharge, dischargeKwh: 0.3, socEndPercent: 45) with { ManualBlock = BlockAction.Discharge });

        Assert.Equal(CommandedAction.SelfConsumption, decision.CommandedAction);
        Assert.Equal(0, Target<NumberValueTarget>(decision, ActuatorRole.MaxChargePower).Value);
        Assert.Equal(5000, Target<NumberValueTarget>(decision, ActuatorRole.MaxDischargePower).Value);
    }

    [Fact]
    public void Decide_ExportBlockAtTheMinimumSoc_HoldsAndSaysWhy()
    {
        var decision = Decide(Slot(PlannedAction.Export, dischargeKwh: 1, exportKwh: 0.8, socEndPercent: 10) with { ManualBlock = BlockAction.Export }, socPercent: 10);

        Assert.Equal(CommandedAction.Hold, decision.CommandedAction);
        Assert.Contains("at or below the minimum", decision.Reason, StringComparison.Ordinal);
    }
}
