using System.Diagnostics;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Models;
using Darkstar.Forecasting.Training;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Evaluation;

/// <summary>
/// One quantity's skill in a benchmark, in kWh per scoring period; <paramref name="Pinball"/> is Aurora's pinball loss
/// averaged over its p10, p50 and p90.
/// </summary>
public sealed record BenchmarkScore(double AuroraMae, double BaselineMae, double Ratio, double CoverageP10P90, int Periods, double Pinball = double.NaN);

/// <param name="ForecastMsMedian">The median time Aurora took to make one forecast (features and the models), ms.</param>
public sealed record BenchmarkReport(int Days, BenchmarkScore Load, BenchmarkScore Pv, double TrainSeconds, int Trainings, double ForecastMsMedian = double.NaN)
{
    /// <summary>
    /// With intraday issues, the same days forecast at their local midnight by the same models: the day-ahead figures
    /// the intraday ones are set against. Null in a day-ahead run (they are <see cref="Load"/> and <see cref="Pv"/>).
    /// </summary>
    public (BenchmarkScore Load, BenchmarkScore Pv)? DayAhead { get; init; }

    /// <summary>Load and PV by lead time (<see cref="ForecastBenchmark.LeadBuckets"/>), keyed by the bucket's name.</summary>
    public IReadOnlyDictionary<string, (BenchmarkScore Load, BenchmarkScore Pv)> ByLead { get; init; } =
        new Dictionary<string, (BenchmarkScore Load, BenchmarkScore Pv)>();
}

/// <summary>One window of a rolling benchmark: its first local day and its report.</summary>
public sealed record RollingWindow(DateOnly FirstDay, BenchmarkReport Report);

/// <summary>Every window of a rolling benchmark, with what training cost.</summary>
public sealed record RollingReport(IReadOnlyList<RollingWindow> Windows, double TrainSeconds, int Trainings, double ForecastMsMedian);

/// <summary>A range of lead times, in hours from the issue time to the start of a scored period.</summary>
public sealed record LeadBucket(string Name, double FromHours, double ToHours)
{
    public bool Contains(double hours) => hours >= FromHours && hours < ToHours;
}

/// <summary>
/// Walk-forward skill: each test day is forecast at its local midnight (or, intraday, at each of its hours) from data strictly before it, by
/// Aurora (retrained every <see cref="RetrainEveryDays"/> days on the days before) and by the baseline, and scored
/// against measured periods only (a period with any slot spread across a gap is not scored). PV is scored in the
/// periods when the sun is up: at night both forecasts are zero by construction, and counting those periods would add
/// nothing to the error and make the p10–p90 interval look right for free.
/// </summary>
public sealed class ForecastBenchmark(AuroraTrainingSettings settings, ILogger logger)
{
    /// <summary>The lead times scored apart: the next hour, the rest of the first six, and the rest of the day.</summary>
    public static readonly IReadOnlyList<LeadBucket> LeadBuckets =
    [
        new("0-1h", 0, 1), new("1-6h", 1, 6), new("0-6h", 0, 6), new("6-24h", 6, 24),
    ];

    public int RetrainEveryDays { get; init; } = 7;

    /// <summary>
    /// Null: each test day is forecast once, at its local midnight (day-ahead skill). A number of hours: it is forecast
    /// at every hour of the day for that many hours ahead, as the service forecasts every 15 minutes (intraday skill,
    /// where the home's last hours and a car that is charging count).
    /// </summary>
    public int? IntradayHours { get; init; }

    /// <summary>Whether Aurora corrects its forecasts by its own recent errors (<see cref="AuroraModel.LiveCorrection"/>).</summary>
    public bool LiveCorrection { get; init; } = true;

    /// <summary>Slots summed into one scored period: 4 scores hourly, the resolution of an hourly data set.</summary>
    public int SlotsPerPeriod { get; init; } = 4;

    /// <param name="history">The whole data set; its weather after each issue time is the observed weather.</param>
    /// <param name="progress">Called after each test day with (days done, days).</param>
    public BenchmarkReport Run(
        SlotHistory history, DateOnly firstDay, int days, int trainingDays, Action<int, int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        var scores = new Scores();
        var walk = Walk(history, firstDay, days, trainingDays, _ => [scores], progress, cancellationToken);
        return scores.Report(days, walk);
    }

    /// <summary>
    /// The rolling set: every <paramref name="windowDays"/>-day window whose first day has at least
    /// <paramref name="historyDays"/> days of the data set before it, one every <paramref name="strideDays"/> days,
    /// the last ending on the data set's last whole day. One walk forward covers them all (a day in two windows is
    /// forecast once and scored in both), so a shorter stride costs no more trainings.
    /// </summary>
    public RollingReport RunRolling(
        SlotHistory history, int windowDays, int strideDays, int historyDays, int trainingDays, Action<int, int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        var firsts = RollingWindows(history, windowDays, strideDays, historyDays);
        if (firsts.Count == 0)
        {
            throw new InsufficientTrainingDataException(
                $"The data set has no {windowDays}-day window with {historyDays} days of history before it.");
        }

        var windows = firsts.Select(_ => new Scores()).ToArray();
        var start = firsts[0];
        var days = firsts[^1].DayNumber + windowDays - start.DayNumber;
        var walk = Walk(
            history,
            start,
            days,
            trainingDays,
            day => [.. firsts.Select((first, w) => (first, w)).Where(x => day >= x.first && day.DayNumber < x.first.DayNumber + windowDays).Select(x => windows[x.w])],
            progress,
            cancellationToken);
        return new RollingReport(
            [.. firsts.Select((first, w) => new RollingWindow(first, windows[w].Report(windowDays, walk)))], walk.TrainSeconds, walk.Trainings, walk.ForecastMsMedian);
    }

    /// <summary>The first days of the rolling windows, oldest first (<see cref="RunRolling"/>).</summary>
    public static IReadOnlyList<DateOnly> RollingWindows(SlotHistory history, int windowDays, int strideDays, int historyDays)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowDays, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideDays, 1);
        var zone = history.Site.TimeZone;
        // Whole local days only: the first full day of the data set, and the last that ends inside it.
        var firstDataDay = SlotGrid.LocalDateOf(history.Range.Start, zone);
        if (SlotGrid.StartOfLocalDay(firstDataDay, zone) < history.Range.Start)
        {
            firstDataDay = firstDataDay.AddDays(1);
        }

        var lastDataDay = SlotGrid.LocalDateOf(history.Range.End - SlotGrid.SlotLength, zone);
        if (SlotGrid.StartOfLocalDay(lastDataDay.AddDays(1), zone) > history.Range.End)
        {
            lastDataDay = lastDataDay.AddDays(-1);
        }

        var earliest = firstDataDay.AddDays(historyDays);
        var firsts = new List<DateOnly>();
        for (var first = lastDataDay.AddDays(1 - windowDays); first >= earliest; first = first.AddDays(-strideDays))
        {
            firsts.Add(first);
        }

        firsts.Reverse();
        return firsts;
    }

    private sealed record WalkCost(double TrainSeconds, int Trainings, double ForecastMsMedian);

    /// <summary>Forecasts each day from <paramref name="firstDay"/> on and scores it into the sinks <paramref name="sinks"/> gives for it.</summary>
    private WalkCost Walk(
        SlotHistory history,
        DateOnly firstDay,
        int days,
        int trainingDays,
        Func<DateOnly, IReadOnlyList<Scores>> sinks,
        Action<int, int>? progress,
        CancellationToken cancellationToken)
    {
        var features = new AuroraFeatures(history);
        var baseline = new BaselineForecaster();
        var zone = history.Site.TimeZone;
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
                var into = sinks(day);
                if (into.Count == 0)
                {
                    // Between windows further apart than they are long: nothing is scored, nothing trained.
                    progress?.Invoke(d + 1, days);
                    continue;
                }

                if (model is null || day.DayNumber - trainedOn.DayNumber >= RetrainEveryDays)
                {
                    // Only the days before the test day: the model never sees what it is judged on.
                    var window = SlotRange.Between(SlotGrid.StartOfLocalDay(day.AddDays(-trainingDays), zone), dayStart);
                    trainWatch.Start();
                    var (trained, _) = new AuroraTrainer(settings, logger).Train(history, window, $"aurora_bench_{DayText.Format(day)}", cancellationToken);
                    trainWatch.Stop();
                    trainings++;
                    model?.Dispose();
                    model = trained;
                    model.LiveCorrection = LiveCorrection;
                    trainedOn = day;
                }

                foreach (var (issue, horizon, dayAhead) in Issues(day, zone, history.Range))
                {
                    var forecastWatch = Stopwatch.StartNew();
                    var issued = model.Forecast(features, history, SlotGrid.StartOf(issue), horizon);
                    forecastMs.Add(forecastWatch.Elapsed.TotalMilliseconds);
                    var aurora = issued.ToDictionary(f => SlotGrid.IndexOf(f.SlotStart));
                    var reference = baseline.Forecast(features, history, SlotGrid.StartOf(issue), horizon).ToDictionary(f => SlotGrid.IndexOf(f.SlotStart));
                    Score(features, history, issue, horizon, aurora, reference, dayAhead, into);
                }

                progress?.Invoke(d + 1, days);
            }
        }
        finally
        {
            model?.Dispose();
        }

        forecastMs.Sort();
        return new WalkCost(
            trainings == 0 ? 0 : trainWatch.Elapsed.TotalSeconds / trainings, trainings, forecastMs.Count == 0 ? double.NaN : forecastMs[forecastMs.Count / 2]);
    }

    /// <summary>
    /// The forecasts made on a test day: at its local midnight for the whole day, or, with <see cref="IntradayHours"/>,
    /// at every hour of it for the hours just ahead, and at its midnight for the day-ahead figures beside them.
    /// </summary>
    private IEnumerable<(long Issue, SlotRange Horizon, bool DayAhead)> Issues(DateOnly day, TimeZoneInfo zone, SlotRange available)
    {
        var localDay = SlotGrid.LocalDay(day, zone);
        yield return (localDay.FirstIndex, localDay, true);
        if (IntradayHours is not { } hours)
        {
            yield break;
        }

        for (var issue = localDay.FirstIndex; issue < localDay.EndIndex; issue += SlotGrid.SlotsPerHour)
        {
            var count = (int)Math.Min(hours * SlotGrid.SlotsPerHour, available.EndIndex - issue);
            if (count > 0)
            {
                yield return (issue, new SlotRange(issue, count), false);
            }
        }
    }

    private void Score(
        AuroraFeatures features,
        SlotHistory history,
        long issue,
        SlotRange horizon,
        Dictionary<long, Core.Domain.SlotForecast> aurora,
        Dictionary<long, Core.Domain.SlotForecast> reference,
        bool dayAhead,
        IReadOnlyList<Scores> into)
    {
        // Periods are aligned to the UTC grid of the data set (hourly readings on the hour).
        var first = horizon.FirstIndex + ((SlotsPerPeriod - (horizon.FirstIndex % SlotsPerPeriod)) % SlotsPerPeriod);
        for (var start = first; start + SlotsPerPeriod <= horizon.EndIndex; start += SlotsPerPeriod)
        {
            var leadHours = (start - issue) / (double)SlotGrid.SlotsPerHour;
            ScoreOne(history.Load, f => (f.LoadP10Kwh, f.LoadP50Kwh, f.LoadP90Kwh), pv: false);
            if (Enumerable.Range(0, SlotsPerPeriod).Any(i => history.Contains(start + i) && features.SunElevation(start + i) > AuroraModel.SunDownElevation))
            {
                ScoreOne(history.Pv, f => (f.PvP10Kwh, f.PvP50Kwh, f.PvP90Kwh), pv: true);
            }

            void ScoreOne(float[] series, Func<Core.Domain.SlotForecast, (double P10, double P50, double P90)> pick, bool pv)
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

                foreach (var scores in into)
                {
                    scores.Add(pv, dayAhead && IntradayHours is not null ? null : leadHours, actual, p10, p50, p90, reference50);
                }
            }
        }
    }

    /// <summary>What one report accumulates: load and PV in all, and by lead time.</summary>
    private sealed class Scores
    {
        private readonly Accumulator _load = new();
        private readonly Accumulator _pv = new();
        private readonly Accumulator _dayAheadLoad = new();
        private readonly Accumulator _dayAheadPv = new();
        private readonly (Accumulator Load, Accumulator Pv)[] _byLead = [.. LeadBuckets.Select(_ => (new Accumulator(), new Accumulator()))];

        /// <param name="leadHours">Null: a day-ahead issue beside intraday ones, scored apart.</param>
        public void Add(bool pv, double? leadHours, double actual, double p10, double p50, double p90, double baseline)
        {
            if (leadHours is null)
            {
                (pv ? _dayAheadPv : _dayAheadLoad).Add(actual, p10, p50, p90, baseline);
                return;
            }

            (pv ? _pv : _load).Add(actual, p10, p50, p90, baseline);
            for (var b = 0; b < LeadBuckets.Count; b++)
            {
                if (LeadBuckets[b].Contains(leadHours.Value))
                {
                    (pv ? _byLead[b].Pv : _byLead[b].Load).Add(actual, p10, p50, p90, baseline);
                }
            }
        }

        public BenchmarkReport Report(int days, WalkCost cost) => new(days, _load.Result(), _pv.Result(), cost.TrainSeconds, cost.Trainings, cost.ForecastMsMedian)
        {
            DayAhead = _dayAheadLoad.Periods == 0 ? null : (_dayAheadLoad.Result(), _dayAheadPv.Result()),
            ByLead = LeadBuckets.Select((bucket, b) => (bucket.Name, Scores: (_byLead[b].Load.Result(), _byLead[b].Pv.Result())))
                .Where(x => x.Scores.Item1.Periods > 0)
                .ToDictionary(x => x.Name, x => x.Scores, StringComparer.Ordinal),
        };
    }

    private sealed class Accumulator
    {
        private double _aurora;
        private double _baseline;
        private double _pinball;
        private int _covered;
        private int _count;

        public int Periods => _count;

        public void Add(double actual, double p10, double p50, double p90, double baseline)
        {
            _aurora += Math.Abs(p50 - actual);
            _baseline += Math.Abs(baseline - actual);
            _pinball += (Metrics.Pinball(actual - p10, 0.1) + Metrics.Pinball(actual - p50, 0.5) + Metrics.Pinball(actual - p90, 0.9)) / 3;
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
            return new BenchmarkScore(aurora, baseline, baseline > 0 ? aurora / baseline : double.NaN, (double)_covered / _count, _count, _pinball / _count);
        }
    }
}
