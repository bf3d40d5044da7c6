using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Inputs;

namespace Darkstar.Forecasting.Forecasters;

/// <summary>
/// <c>baseline_7_day_avg</c>: each slot is the mean of the same slot on the last seven days known at issue time;
/// p10 and p90 are the 10th and 90th percentiles of those seven values. Slots spread across a gap are skipped.
/// </summary>
public sealed class BaselineForecaster : ISlotForecaster
{
    public const string VersionName = "baseline_7_day_avg";

    private const int Days = 7;

    public string Version => VersionName;

    public IReadOnlyList<SlotForecast> Forecast(AuroraFeatures features, SlotHistory history, DateTimeOffset issuedAt, SlotRange horizon)
    {
        ArgumentNullException.ThrowIfNull(history);
        var issue = SlotGrid.IndexOf(issuedAt);
        var forecasts = new List<SlotForecast>(horizon.Count);
        var loads = new List<double>(Days);
        var pvs = new List<double>(Days);
        for (var target = horizon.FirstIndex; target < horizon.EndIndex; target++)
        {
            loads.Clear();
            pvs.Clear();
            var lagDays = (int)Math.Max(1, ((target - issue) / SlotGrid.SlotsPerUtcDay) + 1);
            for (var d = lagDays; d < lagDays + Days; d++)
            {
                var slot = target - (d * SlotGrid.SlotsPerUtcDay);
                if (!AuroraFeatures.IsKnown(slot, issue) || !history.Contains(slot))
                {
                    continue;
                }

                var position = history.PositionOf(slot);
                if (!float.IsNaN(history.Load[position]))
                {
                    loads.Add(history.Load[position]);
                }

                if (!float.IsNaN(history.Pv[position]))
                {
                    pvs.Add(history.Pv[position]);
                }
            }

            // A slot with no history of either quantity gets no baseline: a missing value is never a zero.
            if (loads.Count == 0 || pvs.Count == 0)
            {
                continue;
            }

            forecasts.Add(SlotForecasts.Of(target, Version, InstantText.Truncate(issuedAt), Summarise(loads), Summarise(pvs)));
        }

        return forecasts;
    }

    private static QuantileTriple Summarise(List<double> values)
    {
        values.Sort();
        return QuantileTriple.Ordered(Percentile(values, 0.1), values.Average(), Percentile(values, 0.9), double.MaxValue);
    }

    /// <summary>The linearly interpolated percentile of sorted values.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        var position = fraction * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((sorted[above] - sorted[below]) * (position - below));
    }
}
