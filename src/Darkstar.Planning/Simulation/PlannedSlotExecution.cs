using Darkstar.Core.Domain;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Simulation;

/// <summary><see cref="SlotExecution"/> for a planned slot of a <see cref="Schedule"/>.</summary>
internal static class PlannedSlotExecution
{
    public static SlotMode Of(ScheduledSlot slot, BatterySpec battery) => SlotExecution.Of(
        slot.Action, slot.ChargeKwh, slot.DischargeKwh, slot.ImportKwh, slot.ExportKwh, slot.ImportPrice, slot.ExportPrice, slot.SocEndPercent, battery.MaxSocPercent);

    public static double FloorPercent(ScheduledSlot slot, BatterySpec battery) =>
        SlotExecution.FloorPercent(slot.Action, slot.ImportKwh, slot.SocEndPercent, battery.MinSocPercent, battery.MaxSocPercent);

    /// <summary>The slot as the executor runs it.</summary>
    public static ExecutorIntent Intent(ScheduledSlot slot, BatterySpec battery) =>
        new(Of(slot, battery), slot.ChargeKwh, slot.DischargeKwh, slot.SocEndPercent, FloorPercent(slot, battery));
}
