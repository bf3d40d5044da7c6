using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Forecasts;

namespace Darkstar.Planning.Simulation;

/// <summary>
/// The forecasts as they were issued (<c>slot_forecasts</c>): for a plan at a given time, each slot's latest issue at
/// or before it; a slot no issue covered by then takes the 7-day baseline walked forward to that time.
/// </summary>
public sealed class StoredForecastSource : IPlanningForecastSource
{
    private readonly Dictionary<long, List<SlotForecast>> _bySlot;
    private readonly TimeZoneInfo _zone;
    private readonly Func<long, MeasuredSlot> _measured;

    /// <param name="issues">Every issue of one forecast version over the replay's slots.</param>
    /// <param name="measured">What was measured per slot, for the baseline where nothing was issued.</param>
    public StoredForecastSource(IEnumerable<SlotForecast> issues, TimeZoneInfo zone, Func<long, MeasuredSlot> measured)
    {
        ArgumentNullException.ThrowIfNull(issues);
        _bySlot = issues.GroupBy(f => SlotGrid.IndexOf(f.SlotStart))
            .ToDictionary(g => g.Key, g => g.OrderBy(f => f.IssuedAt).ToList());
        _zone = zone;
        _measured = measured;
    }

    /// <summary>Slots a plan took from the baseline because no stored issue covered them.</summary>
    public int BaselineSlots { get; private set; }

    /// <summary>Slots a plan took from a stored issue.</summary>
    public int StoredSlots { get; private set; }

    public PlanningForecast Forecast(DateTimeOffset planTime, SlotRange horizon)
    {
        var baseline = PlanningForecast.Baseline(horizon, planTime, _zone, _measured);
        var loadP50 = baseline.LoadP50.ToArray();
        var pvP50 = baseline.PvP50.ToArray();
        var loadP10 = baseline.LoadP10.ToArray();
        var loadP90 = baseline.LoadP90.ToArray();
        var pvP10 = baseline.PvP10.ToArray();
        var pvP90 = baseline.PvP90.ToArray();
        var version = baseline.Version;
        for (var i = 0; i < horizon.Count; i++)
        {
            var issued = _bySlot.TryGetValue(horizon.FirstIndex + i, out var list) ? list.LastOrDefault(f => f.IssuedAt <= planTime) : null;
            if (issued is null)
            {
                BaselineSlots++;
                continue;
            }

            StoredSlots++;
            version = issued.ForecastVersion;
            (loadP10[i], loadP50[i], loadP90[i]) = (issued.LoadP10Kwh, issued.LoadP50Kwh, issued.LoadP90Kwh);
            (pvP10[i], pvP50[i], pvP90[i]) = (issued.PvP10Kwh, issued.PvP50Kwh, issued.PvP90Kwh);
        }

        return new PlanningForecast(loadP50, pvP50, loadP10, loadP90, pvP10, pvP90, version);
    }
}
