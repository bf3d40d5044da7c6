using Darkstar.Core.Time;
using Darkstar.Forecasting.Evaluation;
using Darkstar.Forecasting.Inputs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Forecasting.Tests;

public sealed class ForecastBenchmarkTests
{
    [Fact]
    public async Task Run_IntradayFourHours_ScoresEachHourOnceForEveryIssueThatReachesIt()
    {
        // Three weeks of a measured home; the test day is the day before the last, so the hours after its last issues
        // are measured too.
        var firstDay = new DateOnly(2026, 3, 18);
        var now = SlotGrid.StartOfLocalDay(firstDay.AddDays(2), SyntheticHome.Site.TimeZone);
        using var home = await SyntheticHome.CreateAsync(now, 21);
        var history = await home.Loader.LoadAsync(
            SyntheticHome.Site, SlotRange.Between(now - TimeSpan.FromDays(21), now), now, FutureWeather.Observed, CancellationToken.None);

        var dayAhead = new ForecastBenchmark(SyntheticHome.FastTraining, NullLogger.Instance)
            .Run(history, firstDay, 1, 14, null, CancellationToken.None);
        var intraday = new ForecastBenchmark(SyntheticHome.FastTraining, NullLogger.Instance) { IntradayHours = 4 }
            .Run(history, firstDay, 1, 14, null, CancellationToken.None);

        // Midnight forecasts the day's 24 hours once; an issue at every hour scores the next four, the last ones
        // reaching into the next day.
        Assert.Equal(24, dayAhead.Load.Periods);
        Assert.Equal(24 * 4, intraday.Load.Periods);
        Assert.Equal(1, intraday.Trainings);
        Assert.InRange(intraday.Load.Ratio, 0, 2);
        Assert.InRange(intraday.Load.CoverageP10P90, 0, 1);
        Assert.True(intraday.Pv.Periods > dayAhead.Pv.Periods);
    }
}
