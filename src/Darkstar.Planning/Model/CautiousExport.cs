using Darkstar.Core.Domain;
using Darkstar.Planning.Forecasts;

namespace Darkstar.Planning.Model;

/// <summary>
/// Battery export confirmed against a cautious forecast. Selling stored energy pays the export price now and wins a
/// little only if later PV refills the battery; if the sun disappoints, the home buys that energy back at the import
/// price, which here is several times the export price. So a slot that exports from the battery in the p50 plan keeps
/// doing so only if a plan on a cautious forecast (load moved towards p90, PV towards p10, by the risk appetite's
/// share) exports from the battery in that slot as well; otherwise it runs self-consumption. Measured on the konstanz
/// home (spring, Aurora): the MPC went from above the self-consumption rule to below it; with perfect forecasts the
/// cautious plan is the plan and nothing changes. The same holds for PV the plan sells while the battery has room
/// (it means to fill the battery later from cheaper sun): if the sun disappoints, the room stays empty and the evening
/// is bought at the import price, so the sale stands only where the cautious plan sells PV in that slot too.
/// </summary>
public static class CautiousExport
{
    /// <summary>The forecast the cautious plan is made on: <paramref name="share"/> of the way to p90 load and p10 PV.</summary>
    public static (double[] Load, double[] Pv) Inputs(IReadOnlyList<double> load, IReadOnlyList<double> pv, PlanningForecast forecast, double share)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(pv);
        ArgumentNullException.ThrowIfNull(forecast);
        var cautiousLoad = new double[load.Count];
        var cautiousPv = new double[pv.Count];
        for (var t = 0; t < load.Count; t++)
        {
            cautiousLoad[t] = load[t] + (share * Math.Max(0, forecast.LoadP90[t] - forecast.LoadP50[t]));
            cautiousPv[t] = Math.Max(0, pv[t] - (share * Math.Max(0, forecast.PvP50[t] - forecast.PvP10[t])));
        }

        return (cautiousLoad, cautiousPv);
    }

    /// <summary>
    /// <paramref name="plan"/> with every battery-export slot that <paramref name="cautious"/> does not also export from
    /// the battery, and every PV sale with room in the battery that it does not also make, turned into a discharge slot
    /// (self-consumption: the battery stores the surplus and covers the load); <paramref name="heldBack"/> counts them.
    /// </summary>
    public static Schedule Confirm(Schedule plan, Schedule cautious, BatterySpec battery, out int heldBack)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(cautious);
        ArgumentNullException.ThrowIfNull(battery);
        heldBack = 0;
        if (cautious.Fallback || cautious.Slots.Count != plan.Slots.Count)
        {
            return plan;
        }

        var slots = new List<ScheduledSlot>(plan.Slots.Count);
        for (var t = 0; t < plan.Slots.Count; t++)
        {
            var slot = plan.Slots[t];
            // A user's manual block is carried out as asked, whatever the forecast's risk.
            if (slot.ManualBlock is null
                && ((ExportsFromBattery(slot, battery) && !ExportsFromBattery(cautious.Slots[t], battery))
                    || (SellsPv(slot, battery) && !SellsPv(cautious.Slots[t], battery))))
            {
                slot = slot with { Action = PlannedAction.Discharge };
                heldBack++;
            }

            slots.Add(slot);
        }

        return heldBack == 0 ? plan : plan with { Slots = slots };
    }

    private static bool SellsPv(ScheduledSlot slot, BatterySpec battery) => Mode(slot, battery) == SlotMode.PvExport;

    private static bool ExportsFromBattery(ScheduledSlot slot, BatterySpec battery) => Mode(slot, battery) == SlotMode.Export;

    private static SlotMode Mode(ScheduledSlot slot, BatterySpec battery) => Simulation.PlannedSlotExecution.Of(slot, battery);
}
