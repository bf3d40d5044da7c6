using Darkstar.Cli;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Models;
using Darkstar.Forecasting.Training;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Tests.Cli;

/// <summary>bench plan --forecasts aurora: each plan's forecast comes from what was known before the plan time.</summary>
public sealed class AuroraWalkForwardForecastTests
{
    private static readonly HomeSite Site = new(47.7, 9.2, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));

    private static readonly AuroraTrainingSettings Fast = new()
    {
        MinimumDays = 5,
        Parameters = new BoostingParameters { MaxRounds = 25, LearningRate = 0.3, MaxDepth = 3, EarlyStoppingRounds = 10 },
    };

    private static readonly DateOnly FirstDay = new(2016, 4, 1);

    /// <summary>The plan time: 10:00 local on the 25th day.</summary>
    private static readonly DateTimeOffset PlanTime = SlotGrid.StartOfLocalDay(FirstDay.AddDays(24), Site.TimeZone).AddHours(10);

    /// <summary>30 days of a home with a daily rhythm and a sunny midday; measurements from <paramref name="changeFrom"/> on are scaled by <paramref name="factor"/>.</summary>
    private static SlotHistory History(long? changeFrom = null, double factor = 1)
    {
        var range = SlotRange.Between(SlotGrid.StartOfLocalDay(FirstDay, Site.TimeZone), SlotGrid.StartOfLocalDay(FirstDay.AddDays(30), Site.TimeZone));
        var history = new SlotHistory(Site, range);
        var random = new Random(7);
        for (var p = 0; p < range.Count; p++)
        {
            var local = TimeZoneInfo.ConvertTime(range[p], Site.TimeZone);
            var hour = local.Hour + (local.Minute / 60.0);
            var load = 0.15 + (0.1 * Math.Sin(hour / 24 * 2 * Math.PI)) + (0.02 * random.NextDouble());
            var pv = Math.Max(0, Math.Sin((hour - 6) / 14 * Math.PI)) * (0.6 + (0.4 * random.NextDouble()));
            var changed = changeFrom is { } from && range.FirstIndex + p >= from;
            history.Load[p] = (float)(changed ? load * factor : load);
            history.Pv[p] = (float)(changed ? pv / factor : pv);
            history.Target[p] = true;
            history.Temperature[p] = 10;
            history.CloudCover[p] = 40;
            history.Radiation[p] = (float)(pv * 800);
        }

        return history;
    }

    private static double[] Forecast(SlotHistory history, out AuroraWalkForwardForecast source)
    {
        source = new AuroraWalkForwardForecast(history, Fast, NullLogger.Instance) { TrainingDays = 20 };
        var forecast = source.Forecast(PlanTime, new SlotRange(SlotGrid.IndexOf(PlanTime), 96));
        return [.. forecast.LoadP50, .. forecast.PvP50, .. forecast.LoadP90, .. forecast.PvP10];
    }

    [Fact]
    public void Forecast_MeasurementsAfterThePlanTimeChanged_TheSameForecast()
    {
        var original = Forecast(History(), out var first);
        using var firstSource = first;
        var changed = Forecast(History(changeFrom: SlotGrid.IndexOf(PlanTime), factor: 3), out var second);
        using var secondSource = second;

        Assert.Equal(original, changed);
        Assert.Equal(1, first.Trainings);
        // Trained at the plan day's local midnight, on the days before it.
        Assert.Equal(SlotGrid.StartOfLocalDay(FirstDay.AddDays(24), Site.TimeZone), first.LastTrainingWindowEnd);
        Assert.True(first.LastTrainingWindowEnd <= PlanTime);
    }

    [Fact]
    public void Forecast_MeasurementsJustBeforeThePlanTimeChanged_ADifferentForecast()
    {
        // The control for the test above: the last hour before the plan time is read, so changing it shows.
        var original = Forecast(History(), out var first);
        using var firstSource = first;
        var changed = Forecast(History(changeFrom: SlotGrid.IndexOf(PlanTime) - 4, factor: 3), out var second);
        using var secondSource = second;

        Assert.NotEqual(original, changed);
    }

    [Fact]
    public void Forecast_AWeekLater_RetrainsOnTheDaysBeforeThatWeek()
    {
        using var source = new AuroraWalkForwardForecast(History(), Fast, NullLogger.Instance) { TrainingDays = 20, RetrainEveryDays = 7 };
        var early = SlotGrid.StartOfLocalDay(FirstDay.AddDays(15), Site.TimeZone).AddHours(6);

        source.Forecast(early, new SlotRange(SlotGrid.IndexOf(early), 8));
        source.Forecast(early.AddDays(6), new SlotRange(SlotGrid.IndexOf(early.AddDays(6)), 8));
        Assert.Equal(1, source.Trainings);
        source.Forecast(early.AddDays(7), new SlotRange(SlotGrid.IndexOf(early.AddDays(7)), 8));

        Assert.Equal(2, source.Trainings);
        Assert.Equal(SlotGrid.StartOfLocalDay(FirstDay.AddDays(22), Site.TimeZone), source.LastTrainingWindowEnd);
    }
}
