using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Kepler;

/// <summary>The configured flexible loads' part of a plan: each load with what it already ran in its window, and its energy per slot.</summary>
public sealed partial class KeplerPlanner
{
    /// <summary>
    /// The problem with each of <c>flexible_loads</c>, and what each already ran in the window it is in: counted from the
    /// plans the executor followed (the plan in charge of each past slot), so that a load that ran is not planned again
    /// that day. Vacation mode, applied after, rests them.
    /// </summary>
    private async Task<PlanningProblem> WithFlexibleLoadsAsync(
        PlanningProblem problem, DarkstarOptions options, DateTimeOffset now, TimeZoneInfo zone, List<string> notes, CancellationToken cancellationToken)
    {
        if (options.FlexibleLoads.Count == 0)
        {
            return problem;
        }

        var nowIndex = SlotGrid.IndexOf(now);
        var loads = options.FlexibleLoads.Select(FlexibleLoadSpec.FromOptions).ToList();
        // Two days back covers a window that began yesterday and the day of spacing before it.
        var ran = await _plans.ReadFlexibleLoadsInChargeAsync(SlotGrid.StartOf(nowIndex - (2 * SlotGrid.SlotsPerUtcDay)), SlotGrid.StartOf(nowIndex), cancellationToken);
        var planned = new List<FlexibleLoadSpec>();
        foreach (var load in loads)
        {
            var countFrom = load.WindowStartAround(SlotGrid.StartOf(nowIndex), zone) is { } start ? SlotGrid.IndexOf(SlotGrid.Ceiling(start)) : nowIndex;
            var today = RunsSince(index => ran.TryGetValue(SlotGrid.StartOf(index), out var kwh) ? kwh.GetValueOrDefault(load.Name) : 0, countFrom, nowIndex);
            planned.Add(load with { Today = today });
            if (today.BlocksStarted > 0 || today.OnInPreviousSlot)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"flexible load {load.Name}: {today.HeatedKwh:0.##} kWh in {today.BlocksStarted} run(s) already in its window{(today.OnInPreviousSlot ? ", running" : string.Empty)}"));
            }
        }

        return problem with { FlexibleLoads = planned };
    }

    /// <summary>The configured loads' energies of a scheduled slot by name; the weekly anti-legionella heating is the water heater's.</summary>
    private static IReadOnlyDictionary<string, double> ConfiguredLoadKwh(ScheduledSlot slot, IReadOnlyList<string>? loadNames)
    {
        if (loadNames is null || slot.FlexibleLoadKwh.Count == 0)
        {
            return SlotPlan.NoFlexibleLoads;
        }

        var kwh = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var l = 0; l < loadNames.Count && l < slot.FlexibleLoadKwh.Count; l++)
        {
            if (loadNames[l] != VacationPlanning.LegionellaLoad && slot.FlexibleLoadKwh[l] > 0)
            {
                kwh[loadNames[l]] = slot.FlexibleLoadKwh[l];
            }
        }

        return kwh.Count == 0 ? SlotPlan.NoFlexibleLoads : kwh;
    }
}
