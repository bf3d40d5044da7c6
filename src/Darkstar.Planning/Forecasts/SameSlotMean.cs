using Darkstar.Core.Time;

namespace Darkstar.Planning.Forecasts;

/// <summary>Load and PV to plan for, per slot, in kWh, with the p10–p90 spread when the source has one.</summary>
public sealed record PlanningForecast(
    IReadOnlyList<double> LoadP50,
    IReadOnlyList<double> PvP50,
    IReadOnlyList<double> LoadP10,
    IReadOnlyList<double> LoadP90,
    IReadOnlyList<double> PvP10,
    IReadOnlyList<double> PvP90,
    string Version);

/// <summary>
/// The 7-day same-slot mean: a slot's forecast is the mean of the same local time of day on the most recent
/// seven days observed strictly before the plan time. The planner's fallback when no forecast exists, and the
/// benchmark's "baseline" forecast.
/// </summary>
public static class SameSlotMean
{
    public const string Version = "same_slot_mean_7d";

    private const int Days = 7;

    /// <param name="observed">Load and PV of a slot (by slot index) when observed, else null.</param>
    public static PlanningForecast Forecast(
        SlotRange horizon, DateTimeOffset planTime, TimeZoneInfo zone, Func<long, (double Load, double Pv)?> observed)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(observed);
        var load = new double[horizon.Count];
        var pv = new double[horizon.Count];
        var loadLow = new double[horizon.Count];
        var loadHigh = new double[horizon.Count];
        var pvLow = new double[horizon.Count];
        var pvHigh = new double[horizon.Count];
        var planIndex = SlotGrid.IndexOf(planTime);
        var loads = new List<double>(Days);
        var pvs = new List<double>(Days);
        for (var i = 0; i < horizon.Count; i++)
        {
            loads.Clear();
            pvs.Clear();
            var local = TimeZoneInfo.ConvertTime(horizon[i], zone).DateTime;
            for (var k = 1; k <= 3 * Days && loads.Count < Days; k++)
            {
                var candidate = local.AddDays(-k);
                if (zone.IsInvalidTime(candidate))
                {
                    continue;
                }

                var index = SlotGrid.IndexOf(new DateTimeOffset(candidate, zone.GetUtcOffset(candidate)));
                // Strictly before the plan time: the slot must have ended by then.
                if (index >= planIndex)
                {
                    continue;
                }

                if (observed(index) is { } value)
                {
                    loads.Add(value.Load);
                    pvs.Add(value.Pv);
                }
            }

            if (loads.Count > 0)
            {
                load[i] = loads.Average();
                pv[i] = pvs.Average();
                loadLow[i] = loads.Min();
                loadHigh[i] = loads.Max();
                pvLow[i] = pvs.Min();
                pvHigh[i] = pvs.Max();
            }
        }

        // The spread of seven days stands in for p10–p90: the same order of width, no quantile model needed.
        return new PlanningForecast(load, pv, loadLow, loadHigh, pvLow, pvHigh, Version);
    }
}
