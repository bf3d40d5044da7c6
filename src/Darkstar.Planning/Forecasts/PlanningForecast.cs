using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
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
    string Version)
{
    /// <summary>
    /// The 7-day baseline (<see cref="SevenDayBaseline"/>, the one stored as <c>baseline_7_day_avg</c>) over
    /// <paramref name="horizon"/> as known at <paramref name="planTime"/>: the planner's fallback where no forecast is
    /// stored, and <c>bench plan --forecasts baseline</c>. A slot whose time of day has no measurement plans for none.
    /// </summary>
    /// <param name="measured">What was measured in a slot, by slot index (<see cref="SlotMeasurement.Of"/>).</param>
    public static PlanningForecast Baseline(SlotRange horizon, DateTimeOffset planTime, TimeZoneInfo zone, Func<long, MeasuredSlot> measured)
    {
        var baseline = SevenDayBaseline.Forecast(horizon, planTime, zone, measured);
        var load = baseline.Select(b => b.Load ?? default).ToArray();
        var pv = baseline.Select(b => b.Pv ?? default).ToArray();
        return new PlanningForecast(
            [.. load.Select(q => q.P50)],
            [.. pv.Select(q => q.P50)],
            [.. load.Select(q => q.P10)],
            [.. load.Select(q => q.P90)],
            [.. pv.Select(q => q.P10)],
            [.. pv.Select(q => q.P90)],
            SevenDayBaseline.Version);
    }
}
