using Darkstar.Core.Domain;
using Darkstar.Core.Options;

namespace Darkstar.Execution;

/// <summary>
/// The executor's rule for the flexible loads (<c>flexible_loads</c>): each load's switch is on in a slot the plan runs
/// it and off otherwise. Like the car's charger, a switch changes at most once a slot after its first minutes
/// (<see cref="CalmCommands"/>), and only while a plan is followed: safe mode and the executor switched off leave the
/// switches as they are, as they leave the water heater.
/// </summary>
public static class FlexibleLoadSwitching
{
    /// <summary>Below this much energy in a slot the load counts as off (solver noise is not a plan).</summary>
    public const double OffBelowKwh = 0.01;

    /// <summary>Each configured load's switch as the plan's <paramref name="slot"/> wants it.</summary>
    public static IReadOnlyList<EntityTarget> Targets(IReadOnlyList<FlexibleLoadOptions> loads, SlotPlan slot)
    {
        ArgumentNullException.ThrowIfNull(loads);
        ArgumentNullException.ThrowIfNull(slot);
        return [.. loads.Select(l => new SwitchTarget(ActuatorRole.FlexibleLoad, l.SwitchEntity, slot.FlexibleLoadKwhOf(l.Name) >= OffBelowKwh))];
    }
}
