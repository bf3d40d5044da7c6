using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Models;
using Darkstar.Storage.Repositories;

namespace Darkstar.Forecasting.Evaluation;

/// <summary>Error figures of one quantity over a set of (forecast, actual) pairs, in kWh per slot.</summary>
public sealed record ErrorFigures(int Count, double Mae, double Rmse, double Bias, double CoverageP10P90, double Pinball)
{
    public static ErrorFigures Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}

/// <summary>One forecast version's figures in one lead-time band.</summary>
public sealed record LeadScore(
    string Version,
    string Lead,
    ErrorFigures Load,
    ErrorFigures Pv,
    IReadOnlyDictionary<int, double> LoadMaeByHour,
    IReadOnlyDictionary<int, double> PvMaeByHour);

/// <summary>Accumulates forecast errors; pinball is the mean of the p10, p50 and p90 pinball losses.</summary>
public sealed class ErrorAccumulator
{
    private double _absolute;
    private double _squared;
    private double _signed;
    private double _pinball;
    private int _covered;
    private int _count;

    public void Add(double actual, double p10, double p50, double p90)
    {
        var error = p50 - actual;
        _absolute += Math.Abs(error);
        _squared += error * error;
        _signed += error;
        _pinball += (Metrics.Pinball(actual - p10, 0.1) + Metrics.Pinball(actual - p50, 0.5) + Metrics.Pinball(actual - p90, 0.9)) / 3;
        _covered += actual >= p10 && actual <= p90 ? 1 : 0;
        _count++;
    }

    public ErrorFigures Result() => _count == 0
        ? ErrorFigures.Empty
        : new ErrorFigures(_count, _absolute / _count, Math.Sqrt(_squared / _count), _signed / _count, (double)_covered / _count, _pinball / _count);
}

/// <summary>
/// Scores every forecast version against <c>slot_observations</c>: each stored issue of each slot against what was
/// measured, by lead time (0–24 h and 24–48 h after the issue) and by local hour of day. Slots spread across a gap
/// are not scored: they were never measured. Load is scored as it is forecast: without the water heater when the
/// planner schedules it (<see cref="SlotObservation.UnplannedLoadKwh"/>).
/// </summary>
public sealed class ForecastEvaluator(
    SlotForecastRepository forecasts, SlotObservationRepository observations, ModelRunRepository runs, bool waterHeaterPlanned = false)
{
    public static readonly string[] Leads = ["0-24h", "24-48h"];

    public async Task<IReadOnlyList<LeadScore>> EvaluateAsync(SlotRange range, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var actual = await MeasuredAsync(range, cancellationToken);
        var versions = new List<string> { BaselineForecaster.VersionName };
        versions.AddRange((await runs.ReadAllAsync(cancellationToken)).Select(r => r.Version));
        var scores = new List<LeadScore>();
        foreach (var version in versions.Distinct(StringComparer.Ordinal))
        {
            scores.AddRange(await EvaluateAsync(version, range, zone, actual, cancellationToken));
        }

        return scores;
    }

    /// <summary>Scores one stored version (e.g. <c>aurora_v3</c>) over <paramref name="range"/>; empty when it has no forecasts there.</summary>
    public async Task<IReadOnlyList<LeadScore>> EvaluateAsync(string version, SlotRange range, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return await EvaluateAsync(version, range, zone, await MeasuredAsync(range, cancellationToken), cancellationToken);
    }

    private async Task<IReadOnlyList<LeadScore>> EvaluateAsync(
        string version, SlotRange range, TimeZoneInfo zone, Dictionary<long, SlotObservation> actual, CancellationToken cancellationToken)
    {
        var rows = await forecasts.ReadRangeAsync(version, range, cancellationToken);
        return rows.Count == 0 ? [] : Score(version, rows, actual, zone, waterHeaterPlanned);
    }

    private async Task<Dictionary<long, SlotObservation>> MeasuredAsync(SlotRange range, CancellationToken cancellationToken)
    {
        var actual = new Dictionary<long, SlotObservation>();
        foreach (var observation in await observations.ReadRangeAsync(range, cancellationToken))
        {
            if (SlotMeasurement.LoadMeasured(observation.QualityFlags))
            {
                actual[SlotGrid.IndexOf(observation.SlotStart)] = observation;
            }
        }

        return actual;
    }

    /// <summary>Scores one version's forecasts against the measured slots.</summary>
    public static IReadOnlyList<LeadScore> Score(
        string version, IEnumerable<SlotForecast> rows, IReadOnlyDictionary<long, SlotObservation> actual, TimeZoneInfo zone, bool waterHeaterPlanned = false)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(actual);
        var load = Leads.Select(_ => new ErrorAccumulator()).ToArray();
        var pv = Leads.Select(_ => new ErrorAccumulator()).ToArray();
        var loadByHour = Leads.Select(_ => new Dictionary<int, ErrorAccumulator>()).ToArray();
        var pvByHour = Leads.Select(_ => new Dictionary<int, ErrorAccumulator>()).ToArray();
        foreach (var forecast in rows)
        {
            var lead = forecast.SlotStart - forecast.IssuedAt;
            if (lead < TimeSpan.Zero - SlotGrid.SlotLength || lead >= TimeSpan.FromHours(48)
                || !actual.TryGetValue(SlotGrid.IndexOf(forecast.SlotStart), out var observed))
            {
                continue;
            }

            var band = lead < TimeSpan.FromHours(24) ? 0 : 1;
            var hour = TimeZoneInfo.ConvertTime(forecast.SlotStart, zone).Hour;
            if (observed.UnplannedLoadKwh(waterHeaterPlanned) is { } l)
            {
                load[band].Add(l, forecast.LoadP10Kwh, forecast.LoadP50Kwh, forecast.LoadP90Kwh);
                Hour(loadByHour[band], hour).Add(l, forecast.LoadP10Kwh, forecast.LoadP50Kwh, forecast.LoadP90Kwh);
            }

            if (observed.PvKwh is { } p)
            {
                pv[band].Add(p, forecast.PvP10Kwh, forecast.PvP50Kwh, forecast.PvP90Kwh);
                Hour(pvByHour[band], hour).Add(p, forecast.PvP10Kwh, forecast.PvP50Kwh, forecast.PvP90Kwh);
            }
        }

        return [.. Leads.Select((name, band) => new LeadScore(
            version,
            name,
            load[band].Result(),
            pv[band].Result(),
            loadByHour[band].OrderBy(h => h.Key).ToDictionary(h => h.Key, h => h.Value.Result().Mae),
            pvByHour[band].OrderBy(h => h.Key).ToDictionary(h => h.Key, h => h.Value.Result().Mae)))
            .Where(s => s.Load.Count + s.Pv.Count > 0)];
    }

    private static ErrorAccumulator Hour(Dictionary<int, ErrorAccumulator> byHour, int hour)
    {
        if (!byHour.TryGetValue(hour, out var accumulator))
        {
            byHour[hour] = accumulator = new ErrorAccumulator();
        }

        return accumulator;
    }
}
