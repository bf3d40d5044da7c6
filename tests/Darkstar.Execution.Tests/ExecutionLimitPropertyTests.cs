using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using static Darkstar.Execution.Tests.TestPlans;

namespace Darkstar.Execution.Tests;

/// <summary>Random plans, settings, SoCs and actuation units: whatever comes in, no command leaves the limits.</summary>
public sealed class ExecutionLimitPropertyTests
{
    [Fact]
    public void Decide_RandomPlansAndSettings_NeverACommandOutsideTheLimits()
    {
        var random = new Random(42);
        var units = Enum.GetValues<PowerUnit>();
        var overrides = Enum.GetValues<ManualOverride>();
        var actions = Enum.GetValues<PlannedAction>();
        for (var run = 0; run < 5000; run++)
        {
            var optionsMin = Math.Round(random.NextDouble() * 40, 1);
            var optionsMax = Math.Round(60 + (random.NextDouble() * 40), 1);
            var options = SimulatedHomeOptions with
            {
                Battery = SimulatedHomeOptions.Battery with
                {
                    MinSocPercent = optionsMin,
                    MaxSocPercent = optionsMax,
                    MaxChargeKw = Math.Round(random.NextDouble() * 12, 2),
                    MaxDischargeKw = Math.Round(random.NextDouble() * 12, 2),
                },
                Grid = SimulatedHomeOptions.Grid with { ExportAllowed = random.Next(2) == 0 },
                Executor = SimulatedHomeOptions.Executor with
                {
                    MaxChargePowerUnit = units[random.Next(units.Length)],
                    MaxDischargePowerUnit = units[random.Next(units.Length)],
                    BatteryVoltage = 24 + (random.NextDouble() * 600),
                },
            };
            var settings = LiveSettings(options) with
            {
                Override = random.Next(3) == 0 ? overrides[random.Next(overrides.Length)] : ManualOverride.Auto,
                AllowExport = random.Next(2) == 0,
                MinSocPercent = random.NextDouble() * 60,
                MaxSocPercent = 40 + (random.NextDouble() * 70),
                ShadowMode = random.Next(2) == 0,
            };
            var slot = Slot(
                actions[random.Next(actions.Length)],
                chargeKwh: (random.NextDouble() * 6) - 1,
                dischargeKwh: (random.NextDouble() * 6) - 1,
                importKwh: random.NextDouble() * 3,
                exportKwh: random.NextDouble() * 3,
                socEndPercent: (random.NextDouble() * 160) - 30,
                waterOn: random.Next(2) == 0);
            double? soc = random.Next(8) == 0 ? null : random.NextDouble() * 100;

            var decision = ExecutionPolicy.Decide(options, Inputs(slot, settings, soc));

            var context = $"run {run}: {slot.Action} override {settings.Override} SoC {soc} → {decision.CommandedAction}";
            var min = Math.Max(optionsMin, settings.MinSocPercent);
            var max = Math.Max(min, Math.Min(optionsMax, settings.MaxSocPercent));
            var executor = options.Executor;
            foreach (var target in decision.Targets)
            {
                switch (target)
                {
                    case NumberValueTarget { Role: ActuatorRole.MaxChargePower } power:
                        var chargeKw = PowerLimitConverter.ToKilowatts(power.Value, executor.MaxChargePowerUnit, executor.BatteryVoltage);
                        Assert.InRange(chargeKw, 0, options.Battery.MaxChargeKw + 1e-9);
                        break;
                    case NumberValueTarget { Role: ActuatorRole.MaxDischargePower } power:
                        var dischargeKw = PowerLimitConverter.ToKilowatts(power.Value, executor.MaxDischargePowerUnit, executor.BatteryVoltage);
                        Assert.InRange(dischargeKw, 0, options.Battery.MaxDischargeKw + 1e-9);
                        break;
                    case NumberValueTarget { Role: ActuatorRole.SocTarget } socTarget:
                        Assert.InRange(socTarget.Value, min - 1e-9, max + 1e-9);
                        break;
                    case SwitchTarget { Role: ActuatorRole.GridCharging, On: true }:
                        Assert.True(decision.CommandedAction == CommandedAction.Charge, context);
                        break;
                    case SelectOptionTarget { Role: ActuatorRole.WorkMode } workMode:
                        var expected = decision.CommandedAction switch
                        {
                            CommandedAction.Charge => executor.WorkModeCharge,
                            CommandedAction.Discharge => executor.WorkModeDischarge,
                            CommandedAction.Export => executor.WorkModeExport,
                            // The plan's hold is self-consumption with no discharge where the discharge power can be set.
                            CommandedAction.Hold when decision.Mode == ExecutionMode.FollowingPlan && executor.MaxDischargePowerEntity is not null => executor.WorkModeSelfConsumption,
                            CommandedAction.Hold => executor.WorkModeHold,
                            _ => executor.WorkModeSelfConsumption,
                        };
                        Assert.Equal(expected, workMode.Option);
                        break;
                }
            }

            if (decision.CommandedAction is CommandedAction.Discharge or CommandedAction.Export)
            {
                Assert.True(soc is { } measured && measured > min, context);
            }

            if (decision.CommandedAction == CommandedAction.Charge)
            {
                Assert.True(soc is not { } measured || measured < max, context);
            }

            if (decision.CommandedAction == CommandedAction.Export)
            {
                Assert.True(options.Grid.ExportAllowed && settings.AllowExport, context);
            }

            if (decision.CommandedAction != CommandedAction.Charge)
            {
                Assert.DoesNotContain(decision.Targets, t => t is SwitchTarget { Role: ActuatorRole.GridCharging, On: true });
            }
        }
    }
}
