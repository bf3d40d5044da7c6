using System.Diagnostics;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Training;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Evaluation;

/// <summary>One quantity's day-ahead skill in a benchmark, in kWh per scoring period.</summary>
public sealed record BenchmarkScore(double AuroraMae, double BaselineMae, double Ratio, double CoverageP10P90, int Periods);

/// <param name="ForecastMsMedian">The median time Aurora took to make one forecast (features and the models), ms.</param>
public sealed record BenchmarkReport(int Days, BenchmarkScore Load, BenchmarkScore Pv, double TrainSeconds, int Trainings, double ForecastMsMedian = double.NaN);

/// <summary>
/// Walk-forward skill: each test day is forecast at its local midnight (or, intraday, at each of its hours) from data strictly before it, by
/// Aurora (retrained every <see cref="RetrainEveryDays"/> days on the days before) and by the baseline, and scored
/// against measured periods only (a period with any slot spread across a gap is not scored). PV is scored in the
/// periods when the sun is up: at night both forecasts are zero by construction, and counting those periods would add
/// nothing to the error and make the p10–p90 interval look right for free.
/// </summary>
public sealed class ForecastBenchmark(AuroraTrainingSettings settings, ILogger logger)
{
    public int RetrainEveryDays { get; init; } = 7;

    /// <summary>
    /// Null: each test day is forecast once, at its local midnight (day-ahead skill). A number of hours: it is forecast
    /// at every hour of the day for that many hours ahead, as the service forecasts every 15 minutes (intraday skill,
    /// where the home's last hours and a car that is charging count).
    /// </summary>
    public int? IntradayHours { get; init; }

    /// <summary>Slots summed into one scored period: 4 scores hourly, the resolution of an hourly data set.</summary>
    public int SlotsPerPeriod { get; init; } = 4;

    /// <param name="history">The whole data set; its weather after each issue time is the observed weather.</param>
    /// <param name="progress">Called after each test day with (days done, days).</param>
    public BenchmarkReport Run(
        SlotHistory history, DateOnly firstDay, int days, int trainingDays, Action<int, int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        var features = new AuroraFeatures(history);
        var baseline = new BaselineForecaster();
        var zone = history.Site.TimeZone;
        var load = new Accumulator();
        var pv = new Accumulator();
        var trainWatch = new Stopwatch();
        var trainings = 0;
        var forecastMs = new List<double>(days);
        AuroraModel? model = null;
        DateOnly trainedOn = default;
        try
        {
            for (var d = 0; d < days; d++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var day = firstDay.AddDays(d);
                var dayStart = SlotGrid.StartOfLocalDay(day, zone);
                if (model is null || day.DayNumber - trainedOn.DayNumber >= RetrainEveryDays)
                {
                    var window = SlotRange.Between(SlotGrid.StartOfLocalDay(day.AddDays(-trainingDays), zone), dayStart);
                    trainWatch.Start();
                    var (trained, _) = new AuroraTrainer(settings, logger).Train(history, window, $"aurora_bench_{DayText.Format(day)}", cancellationToken);
                    trainWatch.Stop();
                    trainings++;
                    model?.Dispose();
                    model = trained;
                    trainedOn = day;
                }

                foreach (var (issue, horizon) in Issues(day, zone, history.Range))
                {
                    var forecastWatch = Stopwatch.StartNew();
                    var issued = model.Forecast(features, history, SlotGrid.StartOf(issue), horizon);
                    forecastMs.Add(forecastWatch.Elapsed.TotalMilliseconds);
                    var aurora = issued.ToDictionary(f => SlotGrid.IndexOf(f.SlotStart));
                    var reference = baseline.Forecast(features, history, SlotGrid.StartOf(issue), horizon).ToDictionary(f => SlotGrid.IndexOf(f.SlotStart));
                    Score(features, history, horizon, aurora, reference, load, pv);
                }

                progress?.Invoke(d + 1, days);
            }
        }
        finally
        {
            model?.Dispose();
        }

        forecastMs.Sort();
        return new BenchmarkReport(
            days, load.Result(), pv.Result(), trainings == 0 ? 0 : trainWatch.Elapsed.TotalSeconds / trainings, trainings,
            forecastMs.Count == 0 ? double.NaN : forecastMs[forecastMs.Count / 2]);
    }

    /// <summary>
    /// The forecasts made on a test day: at its local midnight for the whole day, or, with <see cref="IntradayHours"/>,
    /// at every hour of it for the hours just ahead.
    /// </summary>
    private IEnumerable<(long Issue, SlotRange Horizon)> Issues(DateOnly day, TimeZoneInfo zone, SlotRange available)
    {
        var localDay = SlotGrid.LocalDay(day, zone);
        if (IntradayHours is not { } hours)
        {
            yield return (localDay.FirstIndex, localDay);
            yield break;
        }

        for (var issue = localDay.FirstIndex; issue < localDay.EndIndex; issue += SlotGrid.SlotsPerHour)
        {
            var count = (int)Math.Min(hours * SlotGrid.SlotsPerHour, available.EndIndex - issue);
            if (count > 0)
            {
                yield return (issue, new SlotRange(issue, count));
            }
        }
    }

    private void Score(
        AuroraFeatures features,
        SlotHistory history,
        SlotRange horizon,
        Dictionary<long, Core.Domain.SlotForecast> aurora,
        Dictionary<long, Core.Domain.SlotForecast> reference,
        Accumulator load,
        Accumulator pv)
    {
        // Periods are aligned to the UTC grid of the data set (hourly readings on the hour).
        var first = horizon.FirstIndex + ((SlotsPerPeriod - (horizon.FirstIndex % SlotsPerPeriod)) % SlotsPerPeriod);
        for (var start = first; start + SlotsPerPeriod <= horizon.EndIndex; start += SlotsPerPeriod)
        {
            ScoreOne(history.Load, f => (f.LoadP10Kwh, f.LoadP50Kwh, f.LoadP90Kwh), load);
            if (Enumerable.Range(0, SlotsPerPeriod).Any(i => history.Contains(start + i) && features.SunElevation(start + i) > AuroraModel.SunDownElevation))
            {
                ScoreOne(history.Pv, f => (f.PvP10Kwh, f.PvP50Kwh, f.PvP90Kwh), pv);
            }

            void ScoreOne(float[] series, Func<Core.Domain.SlotForecast, (double P10, double P50, double P90)> pick, Accumulator into)
            {
                double actual = 0, p10 = 0, p50 = 0, p90 = 0, reference50 = 0;
                for (var s = start; s < start + SlotsPerPeriod; s++)
                {
                    var value = history.Contains(s) ? series[history.PositionOf(s)] : float.NaN;
                    if (float.IsNaN(value) || !aurora.TryGetValue(s, out var a) || !reference.TryGetValue(s, out var b))
                    {
                        return;
                    }

                    actual += value;
                    var (q10, q50, q90) = pick(a);
                    p10 += q10;
                    p50 += q50;
                    p90 += q90;
                    reference50 += pick(b).P50;
                }

                into.Add(actual, p10, p50, p90, reference50);
            }
        }
    }

    private sealed class Accumulator
    {
        private double _aurora;
        private double _baseline;
        private int _covered;
        private int _count;

        public void Add(double actual, double p10, double p50, double p90, double baseline)
        {
            _aurora += Math.Abs(p50 - actual);
            _baseline += Math.Abs(baseline - actual);
            _covered += actual >= p10 && actual <= p90 ? 1 : 0;
            _count++;
        }

        public BenchmarkScore Result()
        {
            if (_count == 0)
            {
                return new BenchmarkScore(double.NaN, double.NaN, double.NaN, double.NaN, 0);
            }

            var aurora = _aurora / _count;
            var baseline = _baseline / _count;
            return new BenchmarkScore(aurora, baseline, baseline > 0 ? aurora / baseline : double.NaN, (double)_covered / _count, _count);
        }
    }
}
