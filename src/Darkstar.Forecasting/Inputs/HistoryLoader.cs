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

/// <summary>Reads observations, day quality and weather from the database into a <see cref="SlotHistory"/>.</summary>
public sealed class HistoryLoader(
    SlotObservationRepository observations,
    DataQualityRepository quality,
    WeatherRepository weather)
{
    /// <summary>
    /// Learn from the measured slots of days judged <c>exclude</c> too. Off by default: such a day is left out. A day
    /// excluded only for slots spread across gaps still has real measurements in its other slots, which a recorded
    /// data set with daily gaps (konstanz-home: 202 of 327 days) cannot do without; the benchmark says when it is on.
    /// </summary>
    public bool LearnFromExcludedDays { get; init; }

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
        var firstDay = SlotGrid.LocalDateOf(range.Start, site.TimeZone);
        var lastDay = SlotGrid.LocalDateOf(range.End, site.TimeZone);
        var excluded = (await quality.ReadRangeAsync(firstDay, lastDay, cancellationToken))
            .Where(d => d.Status == DayQualityStatus.Exclude).Select(d => d.Day).ToHashSet();

        foreach (var observation in await observations.ReadRangeAsync(range, cancellationToken))
        {
            var index = SlotGrid.IndexOf(observation.SlotStart);
            if (index >= issueIndex)
            {
                continue;
            }

            Apply(history, observation, !LearnFromExcludedDays && excluded.Contains(SlotGrid.LocalDateOf(observation.SlotStart, site.TimeZone)));
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

    /// <summary>Puts one observation into the history: measured values only, never what was spread across a gap.</summary>
    public static void Apply(SlotHistory history, SlotObservation observation, bool dayExcluded)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(observation);
        var position = history.PositionOf(SlotGrid.IndexOf(observation.SlotStart));
        if (position < 0 || position >= history.Range.Count)
        {
            return;
        }

        var made = observation.QualityFlags & (SlotQuality.Interpolated | SlotQuality.Spike | SlotQuality.CounterReset);
        if (made != SlotQuality.None)
        {
            return;
        }

        if (observation.LoadKwh is { } load && load >= 0)
        {
            history.Load[position] = (float)load;
        }

        if (observation.PvKwh is { } pv && pv >= 0)
        {
            history.Pv[position] = (float)pv;
        }

        history.Target[position] = !dayExcluded && !float.IsNaN(history.Load[position]) && !float.IsNaN(history.Pv[position]);
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
