using Darkstar.Core.Domain;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Simulation;

/// <summary>
/// What the executor is asked to run for one slot: its mode, the charge and discharge energy it runs at (kWh), the slot's
/// target SoC and the floor self-consumption keeps (percent). A plan's slot reads as one (the executor's own rule, see
/// <see cref="SlotExecution"/>); an Antares policy decides one.
/// </summary>
public readonly record struct ExecutorIntent(SlotMode Mode, double ChargeKwh, double DischargeKwh, double TargetSocPercent, double FloorSocPercent)
{
    /// <summary>A plan's slot as the executor runs it.</summary>
    public static ExecutorIntent Of(ScheduledSlot slot, BatterySpec battery) => PlannedSlotExecution.Intent(slot, battery);
}
