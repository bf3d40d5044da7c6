using Darkstar.Core.Time;

namespace Darkstar.Planning.Model;

/// <summary>
/// The schedules Kepler is measured against, on the same problem: no battery at all, and the
/// self-consumption rule (charge from surplus PV, discharge to cover load, never from the grid). The water
/// heater, when there is one, heats in the cheapest run of slots that meets each day's minimum.
/// </summary>
public static class Baselines
{
    public static Schedule NoBattery(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return SelfConsumption(problem with { Battery = BatterySpec.None, InitialSocPercent = 0 });
    }

    public static Schedule SelfConsumption(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        problem.Validate();
        var battery = problem.Battery;
        var (water, waterShortfall) = WaterRule(problem);
        var socKwh = battery.ToKwh(problem.InitialSocPercent);
        var slots = new List<ScheduledSlot>(problem.Slots.Count);
        var penalty = 0.0;
        for (var t = 0; t < problem.Slots.Count; t++)
        {
            var step = SelfConsumptionStep(problem, t, problem.LoadKwh[t] + water[t], problem.PvKwh[t], socKwh);
            socKwh = step.SocEndKwh;
            penalty += step.Shed * problem.Penalties.ShedPerKwh;
            slots.Add(SlotAccounting.Slot(
                problem, t, step.Import, step.Export, step.Charge, step.Discharge, step.Curtail, water[t], step.Shed, 0,
                battery.ToPercent(socKwh)));
        }

        var terminal = battery.CapacityKwh > 0 ? socKwh * (problem.TerminalValuePerKwh ?? KeplerModel.DefaultTerminalValue(problem)) : 0;
        return new Schedule
        {
            Slots = slots,
            SolverStatus = null,
            Fallback = false,
            SolveMs = 0,
            Objective = double.NaN,
            Costs = SlotAccounting.Costs(slots, battery, penalty, terminal),
            WaterShortfallKwh = waterShortfall,
            Detail = "self-consumption rule",
        };
    }

    /// <summary>One slot of the self-consumption rule from <paramref name="socKwh"/>, on the given demand and PV.</summary>
    public static GridStep SelfConsumptionStep(PlanningProblem problem, int t, double demandKwh, double pvKwh, double socKwh)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var battery = problem.Battery;
        var net = Math.Max(0, demandKwh) - Math.Max(0, pvKwh);
        var charge = 0.0;
        var discharge = 0.0;
        if (net < 0 && battery.CapacityKwh > 0)
        {
            var room = Math.Max(0, (battery.MaxKwh - socKwh) / battery.ChargeEfficiency);
            charge = Math.Min(Math.Min(-net, battery.MaxChargeKwhPerSlot), room);
        }
        else if (net > 0 && battery.CapacityKwh > 0)
        {
            var available = Math.Max(0, (socKwh - battery.MinKwh) * battery.DischargeEfficiency);
            discharge = Math.Min(Math.Min(net, battery.MaxDischargeKwhPerSlot), available);
        }

        return GridTakesTheRest(problem, t, demandKwh, pvKwh, socKwh, charge, discharge);
    }

    /// <summary>
    /// The battery does <paramref name="charge"/> or <paramref name="discharge"/>; the grid takes the rest within its
    /// limits. Surplus that cannot or should not be exported (export off, or a negative export price) is curtailed;
    /// demand beyond the import limit is shed.
    /// </summary>
    public static GridStep GridTakesTheRest(PlanningProblem problem, int t, double demandKwh, double pvKwh, double socKwh, double charge, double discharge)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var battery = problem.Battery;
        var grid = problem.Grid;
        var net = Math.Max(0, demandKwh) + charge - discharge - Math.Max(0, pvKwh);
        double import = 0, export = 0, curtail = 0, shed = 0;
        if (net > 0)
        {
            import = Math.Min(net, grid.MaxImportKwhPerSlot);
            shed = net - import;
        }
        else if (net < 0)
        {
            var surplus = -net;
            export = problem.ExportPrice[t] >= 0 ? Math.Min(surplus, grid.MaxExportKwhPerSlot) : 0;
            curtail = Math.Min(surplus - export, Math.Max(0, pvKwh));
            // What PV curtailment cannot absorb (a battery discharging into a closed grid) would be an error of the
            // caller; it is exported regardless so energy balances.
            export = surplus - curtail;
        }

        var socEnd = socKwh + (charge * battery.ChargeEfficiency) - (battery.DischargeEfficiency > 0 ? discharge / battery.DischargeEfficiency : 0);
        return new GridStep(import, export, charge, discharge, curtail, shed, socEnd);
    }

    /// <summary>
    /// Water heating per slot by rule: each day's remaining minimum in the cheapest contiguous run of slots, within the
    /// heater's limits: no new block on a day that already started its most, none sooner than the minimum spacing after
    /// the last start (before the horizon or the day before), except the block already on carrying on at the start.
    /// What a day cannot get within them is its shortfall.
    /// </summary>
    public static (double[] Water, double ShortfallKwh) WaterRule(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var water = new double[problem.Slots.Count];
        var spec = problem.Water;
        if (!spec.Enabled || spec.KwhPerSlot <= 0 || problem.Slots.Count == 0)
        {
            return (water, 0);
        }

        var today = problem.WaterToday;
        var earliestStart = today.SlotsBlockedBySpacing(problem.Slots, spec.MinSpacingSlots);
        var shortfall = 0.0;
        var firstDay = SlotGrid.LocalDateOf(problem.Slots.Start, problem.TimeZone);
        var lastDay = SlotGrid.LocalDateOf(problem.Slots.End.AddTicks(-1), problem.TimeZone);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var range = SlotGrid.LocalDay(day, problem.TimeZone);
            var from = (int)Math.Max(0, range.FirstIndex - problem.Slots.FirstIndex);
            var to = (int)Math.Min(problem.Slots.Count, range.EndIndex - problem.Slots.FirstIndex);
            var isToday = day == firstDay;
            var required = spec.MinKwhPerDay - (isToday ? today.HeatedKwh : 0);
            if (to <= from || required <= 0 || range.EndIndex > problem.Slots.EndIndex)
            {
                continue;
            }

            var startsLeft = spec.MaxBlocksPerDay - (isToday ? today.BlocksStarted : 0);
            var length = Math.Min(to - from, (int)Math.Ceiling((required / spec.KwhPerSlot) - 1e-9));
            var best = -1;
            var bestCost = double.PositiveInfinity;
            for (var s = from; s + length <= to; s++)
            {
                // The block on in the slot before the horizon may carry on: that is no new start.
                var carriesOn = isToday && s == 0 && today.OnInPreviousSlot;
                if (!carriesOn && (startsLeft <= 0 || s < earliestStart))
                {
                    continue;
                }

                var cost = 0.0;
                for (var k = s; k < s + length; k++)
                {
                    cost += problem.ImportPrice[k];
                }

                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = s;
                }
            }

            if (best < 0)
            {
                shortfall += required;
                continue;
            }

            for (var k = best; k < best + length; k++)
            {
                water[k] = spec.KwhPerSlot;
            }

            shortfall += Math.Max(0, required - (length * spec.KwhPerSlot));
            if (!(isToday && best == 0 && today.OnInPreviousSlot))
            {
                earliestStart = best + spec.MinSpacingSlots;
            }
        }

        return (water, shortfall);
    }
}

/// <summary>What one slot did: energies in kWh and the battery's energy at its end.</summary>
public readonly record struct GridStep(double Import, double Export, double Charge, double Discharge, double Curtail, double Shed, double SocEndKwh);
