using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;

namespace Darkstar.Forecasting.Inputs;

/// <summary>Where the weather of slots after the issue time comes from.</summary>
public enum FutureWeather
{
    /// <summary>The latest forecast issued at or before the issue time (live forecasting: no look into the future).</summary>
    IssuedForecast,

    /// <summary>
    /// What was later observed: a perfect weather forecast. Only for benchmarks on recorded data sets, whose report
    /// must say so, and for training, where the weather of each past slot is simply what happened.
    /// </summary>
    Observed,
}

/// <summary>
/// Reads observations and weather from the database into a <see cref="SlotHistory"/>. Load is the load the planner
/// must serve (<see cref="SlotObservation.UnplannedLoadKwh"/>): without the water heater when
/// <paramref name="waterHeaterPlanned"/>, so a forecast never holds the heating the plan schedules again.
/// </summary>
/// <remarks>
/// What may be learned is decided slot by slot: a slot is a target when its own load and PV were measured, never when
/// they were spread across a gap (interpolated), were a rejected spike or straddle a counter reset. The day's quality
/// (<c>data_quality_daily</c>) is not consulted: every reason a day is judged <c>exclude</c> (too few slots known, too
/// many interpolated) is a shortfall of individual slots that this rule already leaves out, while the day's measured
/// slots are real. That judgement is for consumers that need a whole day (replay, the Oracle, Antares episodes).
/// </remarks>
public sealed class HistoryLoader(
    SlotObservationRepository observations,
    WeatherRepository weather,
    bool waterHeaterPlanned = false)
{
    /// <summary>
    /// The history over <paramref name="range"/> as known at <paramref name="issuedAt"/>: measurements of slots that
    /// ended after it are left out, and the weather after it is <paramref name="futureWeather"/>.
    /// </summary>
    public async Task<SlotHistory> LoadAsync(
        HomeSite site, SlotRange range, DateTimeOffset issuedAt, FutureWeather futureWeather, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        var history = new SlotHistory(site, range);
        var issueIndex = SlotGrid.IndexOf(issuedAt);
        foreach (var observation in await observations.ReadRangeAsync(range, cancellationToken))
        {
            var index = SlotGrid.IndexOf(observation.SlotStart);
            if (index >= issueIndex)
            {
                continue;
            }

            Apply(history, observation, waterHeaterPlanned);
        }

        foreach (var row in await weather.ReadObservedAsync(range, cancellationToken))
        {
            if (futureWeather == FutureWeather.Observed || SlotGrid.IndexOf(row.SlotStart) < issueIndex)
            {
                ApplyWeather(history, row);
            }
        }

        if (futureWeather == FutureWeather.IssuedForecast)
        {
            var future = SlotRange.Between(SlotGrid.StartOf(Math.Max(issueIndex, range.FirstIndex)), range.End);
            foreach (var row in await weather.ReadLatestForecastAsync(future, issuedAt, cancellationToken))
            {
                ApplyWeather(history, row);
            }
        }

        return history;
    }

    /// <summary>
    /// Puts one observation into the history: measured values only, never what was spread across a gap, a rejected
    /// spike or a counter reset. The slot becomes a training target when both its load and its PV were measured.
    /// </summary>
    public static void Apply(SlotHistory history, SlotObservation observation, bool waterHeaterPlanned)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(observation);
        var position = history.PositionOf(SlotGrid.IndexOf(observation.SlotStart));
        if (position < 0 || position >= history.Range.Count)
        {
            return;
        }

        var measured = SlotMeasurement.Of(observation, waterHeaterPlanned);
        if (measured.Load is { } load)
        {
            history.SetLoad(position, (float)load, (float)((observation.EvKwh ?? 0) + (observation.HeatPumpKwh ?? 0)));
        }

        if (measured.Pv is { } pv)
        {
            history.Pv[position] = (float)pv;
        }

        if (observation.HeatPumpKwh is { } heatPump && heatPump >= 0)
        {
            history.HeatPump[position] = (float)heatPump;
        }

        if (observation.EvKwh is { } ev && ev >= 0)
        {
            history.Ev[position] = (float)ev;
        }

        history.Target[position] = !float.IsNaN(history.Load[position]) || !float.IsNaN(history.Pv[position]);
    }

    private static void ApplyWeather(SlotHistory history, SlotWeather row)
    {
        var position = history.PositionOf(SlotGrid.IndexOf(row.SlotStart));
        if (position < 0 || position >= history.Range.Count)
        {
            return;
        }

        history.Temperature[position] = row.TemperatureC is { } t ? (float)t : float.NaN;
        history.CloudCover[position] = row.CloudCoverPercent is { } c ? (float)c : float.NaN;
        history.Radiation[position] = row.ShortwaveRadiationWM2 is { } r ? (float)r : float.NaN;
    }
}
