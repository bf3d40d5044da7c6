using Darkstar.Core.Domain;
using Darkstar.Core.Time;

namespace Darkstar.Core.Forecasts;

/// <summary>The baseline's load and PV for one slot; null where that time of day has no measurement to go on.</summary>
public readonly record struct BaselineSlot(QuantileTriple? Load, QuantileTriple? Pv);

/// <summary>
/// <c>baseline_7_day_avg</c>, the one 7-day baseline: the forecast stored and published, the planner's fallback where
/// no forecast is stored, and <c>bench plan --forecasts baseline</c>. A slot's load (and PV) is the mean of the same
/// local time of day on the latest <see cref="Days"/> days it was measured that had ended by the issue time, looked for
/// over <see cref="LookbackDays"/> days; p10 and p90 are the percentiles of those values. Local days, because a home
/// keeps its rhythm by the clock on the wall: after a DST change, 07:00 is still breakfast (on the same UTC quarter hour
/// a week of 24-hour steps would put it an hour off). A time the clocks skipped on a day is looked for a day further
/// back; a time they repeated is read at its second occurrence.
/// </summary>
public static class SevenDayBaseline
{
    /// <summary>The forecast version the baseline is stored and published under.</summary>
    public const string Version = "baseline_7_day_avg";

    /// <summary>How many measured days make a slot's baseline.</summary>
    public const int Days = 7;

    /// <summary>How far back measured days are looked for, so that a gap of days still leaves seven to go on.</summary>
    public const int LookbackDays = 3 * Days;

    /// <summary>
    /// The baseline for each slot of <paramref name="horizon"/> issued at <paramref name="issuedAt"/>, reading
    /// <paramref name="measured"/> only for slots that had ended by then.
    /// </summary>
    /// <param name="measured">What was measured in a slot, by slot index (<see cref="SlotMeasurement.Of"/>).</param>
    public static BaselineSlot[] Forecast(SlotRange horizon, DateTimeOffset issuedAt, TimeZoneInfo zone, Func<long, MeasuredSlot> measured)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(measured);
        var issue = SlotGrid.IndexOf(issuedAt);
        var baseline = new BaselineSlot[horizon.Count];
        var loads = new List<double>(Days);
        var pvs = new List<double>(Days);
        for (var i = 0; i < horizon.Count; i++)
        {
            loads.Clear();
            pvs.Clear();
            var local = TimeZoneInfo.ConvertTime(horizon[i], zone).DateTime;
            for (var k = 1; k <= LookbackDays && (loads.Count < Days || pvs.Count < Days); k++)
            {
                var candidate = local.AddDays(-k);
                if (zone.IsInvalidTime(candidate))
                {
                    continue;
                }

                var index = SlotGrid.IndexOf(new DateTimeOffset(candidate, zone.GetUtcOffset(candidate)));
                // Known at issue time: the slot had ended.
                if (index >= issue)
                {
                    continue;
                }

                var slot = measured(index);
                if (slot.Load is { } load && loads.Count < Days)
                {
                    loads.Add(load);
                }

                if (slot.Pv is { } pv && pvs.Count < Days)
                {
                    pvs.Add(pv);
                }
            }

            baseline[i] = new BaselineSlot(Summarise(loads), Summarise(pvs));
        }

        return baseline;
    }

    private static QuantileTriple? Summarise(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return QuantileTriple.Ordered(Percentiles.OfSorted(values, 0.1), values.Average(), Percentiles.OfSorted(values, 0.9), double.MaxValue);
    }
}
