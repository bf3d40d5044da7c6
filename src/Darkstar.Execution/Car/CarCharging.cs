using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Execution.Car;

/// <summary>
/// The executor's rule for the car's charger: the plan's slot says how much energy goes into the car; a charger with a
/// current entity is set to the current that draws it (whole amperes, from the power, <c>car.voltage_v</c> and
/// <c>car.phases</c>, within <c>car.min_current_a</c>–<c>car.max_current_a</c>), a switch is on when the slot charges.
/// With both, the switch starts and stops and the current sets the power; with a current entity alone, 0 A stops.
/// The plan's charging is constant over a slot, so a command changes only at a slot boundary or with a new plan, and
/// the calm-command rules (<see cref="CalmCommands"/>) hold it a tick before a change in the middle of a slot.
/// </summary>
public static class CarCharging
{
    /// <summary>Below this much energy in a slot the charger counts as off (solver noise is not a plan).</summary>
    public const double OffBelowKwh = 0.01;

    /// <summary>The charger's wanted state for the plan's <paramref name="slot"/>; none with the car off.</summary>
    public static IReadOnlyList<EntityTarget> Targets(CarOptions car, SlotPlan slot)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(slot);
        if (!car.Enabled)
        {
            return [];
        }

        var kw = slot.CarKwh / SlotGrid.SlotLength.TotalHours;
        var on = slot.CarKwh >= OffBelowKwh;
        var targets = new List<EntityTarget>();
        if (car.ChargerCurrentEntity is { } currentEntity)
        {
            var amperes = on ? CurrentFor(car, kw) : car.ChargerSwitchEntity is null ? 0 : (double?)null;
            if (amperes is { } a)
            {
                targets.Add(new NumberValueTarget(ActuatorRole.CarChargingCurrent, currentEntity, a, 1));
            }
        }

        if (car.ChargerSwitchEntity is { } switchEntity)
        {
            targets.Add(new SwitchTarget(ActuatorRole.CarCharger, switchEntity, on));
        }

        return targets;
    }

    /// <summary>The whole amperes that draw <paramref name="kw"/> (rounded up, so that the car gets at least the planned energy), within the charger's limits.</summary>
    public static double CurrentFor(CarOptions car, double kw)
    {
        ArgumentNullException.ThrowIfNull(car);
        var amperes = Math.Ceiling((kw * 1000 / (car.VoltageV * car.Phases)) - 0.05);
        return Math.Clamp(amperes, car.MinCurrentA, car.MaxCurrentA);
    }
}
