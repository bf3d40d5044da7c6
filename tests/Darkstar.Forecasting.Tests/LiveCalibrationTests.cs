using Darkstar.Core.Forecasts;
using Darkstar.Core.Solar;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Evaluation;
using Darkstar.Forecasting.Features;
using Darkstar.Forecasting.Forecasters;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Models;
using Darkstar.Forecasting.Training;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Forecasting.Tests;

/// <summary>Aurora's live correction (the first hours, the bands) and the rolling walk forward it is judged on.</summary>
public sealed class LiveCalibrationTests
{
    private const int Days = 28;
    private static readonly DateOnly FirstDay = new(2026, 3, 1);
    private static TimeZoneInfo Zone => SyntheticHome.Site.TimeZone;

    [Fact]
    public void ConformalRank_BandTooNarrowOnASyntheticSeries_MovedToHoldEightyPercentOfNewOutcomes()
    {
        // Errors whose spread changes with the hour; the band a model gave is half as wide as it should be.
        var random = new Random(20);
        double Error(int i) => Normal(random) * (1 + (0.5 * Math.Sin(i / 24.0 * 2 * Math.PI)));
        const double HalfWidth = 0.6;
        var scores = Enumerable.Range(0, 600).Select(i => Math.Abs(Error(i)) - HalfWidth).ToArray();

        var shift = Metrics.ConformalRank(scores, 0.8);

        var outcomes = Enumerable.Range(0, 20_000).Select(Error).ToArray();
        var before = outcomes.Count(e => Math.Abs(e) <= HalfWidth) / (double)outcomes.Length;
        var after = outcomes.Count(e => Math.Abs(e) <= HalfWidth + shift) / (double)outcomes.Length;
        Assert.InRange(before, 0.3, 0.6);
        Assert.InRange(after, 0.77, 0.83);
    }

    [Fact]
    public void Forecast_LoadAboveItsForecastAllMorning_TheFirstHoursCarryTheErrorAndTheBandsHoldTheRecentDays()
    {
        var history = History();
        var issue = SlotGrid.StartOfLocalDay(FirstDay.AddDays(Days - 1), Zone) + TimeSpan.FromHours(12);
        using var model = Train(history, issue);
        var features = new AuroraFeatures(history);
        var horizon = SlotGrid.Horizon(issue, TimeSpan.FromHours(6));

        var calibration = LiveCalibration.Measure(model, features, history, SlotGrid.LocalDateOf(issue, Zone));
        model.LiveCorrection = false;
        var trees = model.Forecast(features, history, issue, horizon);
        model.LiveCorrection = true;
        var corrected = model.Forecast(features, history, issue, horizon);

        // Each day's level lasts all day, so the hour just measured says much of the next.
        Assert.InRange(calibration.Carry(0), 0.5, 1);
        var actual = horizon.Select(s => (double)history.Load[history.PositionOf(SlotGrid.IndexOf(s))]).ToArray();
        Assert.True(
            Mae(corrected.Select(f => f.LoadP50Kwh), actual) < Mae(trees.Select(f => f.LoadP50Kwh), actual) - 0.02,
            $"corrected {Mae(corrected.Select(f => f.LoadP50Kwh), actual):0.000} against the trees' {Mae(trees.Select(f => f.LoadP50Kwh), actual):0.000}");
        Assert.All(corrected, f => Assert.True(f.LoadP10Kwh <= f.LoadP50Kwh && f.LoadP50Kwh <= f.LoadP90Kwh && f.LoadP10Kwh >= 0));
        Assert.All(corrected, f => Assert.True(f.PvP10Kwh <= f.PvP50Kwh && f.PvP50Kwh <= f.PvP90Kwh && f.PvP10Kwh >= 0));
    }

    [Fact]
    public void Apply_NoCalibration_TheTreesForecastUnchanged()
    {
        var load = new QuantileTriple(0.1, 0.2, 0.4);
        var pv = new QuantileTriple(0.5, 0.8, 1.0);

        Assert.Equal((load, pv), LiveCalibration.None.Apply(load, pv, 0.5, 0.3, 2));
    }

    [Fact]
    public void RunRolling_WhatCameAfterAWindow_NeverChangesItsFigures()
    {
        var history = History();
        var changed = History();
        var firsts = ForecastBenchmark.RollingWindows(history, 4, 4, 14);
        // The home after the first window draws three times as much: a walk that trained on the future would see it.
        var after = SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(firsts[0].AddDays(4), Zone));
        for (var p = changed.PositionOf(after); p < changed.Range.Count; p++)
        {
            changed.SetLoad(p, changed.Load[p] * 3);
        }

        var benchmark = new ForecastBenchmark(SyntheticHome.FastTraining, NullLogger.Instance);
        var original = benchmark.RunRolling(history, 4, 4, 14, 14, null, CancellationToken.None);
        var altered = benchmark.RunRolling(changed, 4, 4, 14, 14, null, CancellationToken.None);

        // Windows of whole days, the last ending on the last whole day, each with 14 days before it.
        Assert.Equal(firsts, original.Windows.Select(w => w.FirstDay));
        Assert.Equal(FirstDay.AddDays(Days - 4), firsts[^1]);
        Assert.All(firsts, first => Assert.True(first >= FirstDay.AddDays(14)));
        Assert.Equal(original.Windows[0].Report.Load, altered.Windows[0].Report.Load);
        Assert.Equal(original.Windows[0].Report.Pv, altered.Windows[0].Report.Pv);
        Assert.NotEqual(original.Windows[^1].Report.Load, altered.Windows[^1].Report.Load);
        Assert.True(original.Trainings >= 2);
    }

    private static AuroraModel Train(SlotHistory history, DateTimeOffset issue)
    {
        var window = SlotRange.Between(SlotGrid.StartOfLocalDay(FirstDay, Zone), SlotGrid.StartOfLocalDay(SlotGrid.LocalDateOf(issue, Zone), Zone));
        return new AuroraTrainer(SyntheticHome.FastTraining, NullLogger.Instance).Train(history, window, "aurora_live", CancellationToken.None).Model;
    }

    private static double Mae(IEnumerable<double> forecast, double[] actual) => forecast.Zip(actual, (f, a) => Math.Abs(f - a)).Average();

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>
    /// <see cref="Days"/> days of a house with a daily rhythm whose level changes from day to day (no feature knows
    /// it) and lasts all day; the last day is a high one. PV by the sun.
    /// </summary>
    private static SlotHistory History()
    {
        var range = SlotRange.Between(SlotGrid.StartOfLocalDay(FirstDay, Zone), SlotGrid.StartOfLocalDay(FirstDay.AddDays(Days), Zone));
        var history = new SlotHistory(SyntheticHome.Site, range);
        for (var p = 0; p < range.Count; p++)
        {
            var start = range[p];
            var local = TimeZoneInfo.ConvertTime(start, Zone);
            var day = DateOnly.FromDateTime(local.DateTime).DayNumber - FirstDay.DayNumber;
            var level = day == Days - 1 ? 0.25 : ((day * 7919) % 5 - 2) * 0.06;
            var load = 0.3 + (0.1 * Math.Sin((local.Hour + (local.Minute / 60.0)) / 24 * 2 * Math.PI)) + level;
            var elevation = SolarPosition.ElevationDegrees(start.AddMinutes(7.5), SyntheticHome.Site.Latitude, SyntheticHome.Site.Longitude);
            history.SetLoad(p, (float)load);
            history.Pv[p] = elevation > 0 ? (float)(Math.Sin(elevation * Math.PI / 180) * (0.7 + (0.1 * (day % 3)))) : 0;
            history.Target[p] = true;
            history.Temperature[p] = 8;
            history.CloudCover[p] = 40;
            history.Radiation[p] = 150;
        }

        return history;
    }
}
