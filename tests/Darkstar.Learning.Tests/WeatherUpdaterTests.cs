using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Learning.Weather;
using Darkstar.Simulation;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Learning.Tests;

public sealed class WeatherUpdaterTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 10, 20, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UpdateForecastAsync_SimulatedOpenMeteo_StoresQuarterHourSlotsWithTheIssueTime()
    {
        using var limit = new CancellationTokenSource(Patience);
        await using var home = new SimulatedHome(new SimulatedHomeOptions { Start = Now });
        await home.StartAsync(limit.Token);
        using var harness = await EtlHarness.CreateAsync(Now);
        using var http = new HttpClient { Timeout = Patience };
        var client = new OpenMeteoClient(http, OpenMeteoEndpoints.FromOption(home.BaseUri.ToString()));
        var updater = new WeatherUpdater(client, harness.Weather, Settings(home), harness.Clock, NullLogger<WeatherUpdater>.Instance);

        var status = await updater.UpdateForecastAsync(limit.Token);
        await updater.UpdateObservedAsync(new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 4), limit.Token);

        Assert.Equal(new WeatherForecastStatus(status.SlotsWritten, Now, TimeSpan.Zero, false, null), status);
        var forecastRange = SlotRange.Between(new DateTimeOffset(2026, 5, 3, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 5, 6, 23, 0, 0, TimeSpan.Zero));
        var forecast = await harness.Weather.ReadLatestForecastAsync(forecastRange, Now, limit.Token);
        Assert.Equal(forecastRange.Count, forecast.Count);
        Assert.Equal(forecastRange.Count, status.SlotsWritten);
        Assert.All(forecast, w => Assert.Equal(Now, w.IssuedAt));
        // Radiation is the mean of the hour before its stamp: the four slots of an hour share it.
        Assert.All(forecast.Chunk(4), hour => Assert.Single(hour.Select(w => w.ShortwaveRadiationWM2).Distinct()));
        Assert.Contains(forecast, w => w.ShortwaveRadiationWM2 > 100);
        // Temperature is interpolated between the hours: never outside its neighbours.
        // Temperature is interpolated between the hours, from the first hour stamp on (the hour before it has radiation only).
        Assert.All(forecast.Take(4), w => Assert.Null(w.TemperatureC));
        Assert.All(forecast.Skip(4), w => Assert.NotNull(w.TemperatureC));
        Assert.All(forecast.Skip(4).Zip(forecast.Skip(5)), pair => Assert.InRange(Math.Abs(pair.First.TemperatureC!.Value - pair.Second.TemperatureC!.Value), 0, 3));

        var observed = await harness.Weather.ReadObservedAsync(SlotRange.Between(new DateTimeOffset(2026, 5, 4, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.Zero)), limit.Token);
        Assert.Equal(40, observed.Count);
        // Hours that ended before the forecast was issued are what happened: forecast and archive agree on them.
        var byStart = forecast.ToDictionary(w => w.SlotStart);
        Assert.All(observed, o => Assert.Equal(o.ShortwaveRadiationWM2, byStart[o.SlotStart].ShortwaveRadiationWM2));
    }

    [Fact]
    public async Task UpdateForecastAsync_OpenMeteoFailsTwice_RetriesOnTheInjectedClockAndStores()
    {
        using var limit = new CancellationTokenSource(Patience);
        await using var home = new SimulatedHome(new SimulatedHomeOptions { Start = Now });
        await home.StartAsync(limit.Token);
        using var harness = await EtlHarness.CreateAsync(Now);
        using var http = new HttpClient { Timeout = Patience };
        var updater = new WeatherUpdater(
            new OpenMeteoClient(http, OpenMeteoEndpoints.FromOption(home.BaseUri.ToString())), harness.Weather, Settings(home) with { Retries = 2 }, harness.Clock, NullLogger<WeatherUpdater>.Instance);
        home.Faults.FailNextResponses(2);

        var update = updater.UpdateForecastAsync(limit.Token);
        var waited = await harness.Clock.AdvanceUntilDoneAsync(update, TimeSpan.FromMilliseconds(250), "the forecast update", limit.Token);

        var status = await update;
        Assert.False(status.IsStale);
        Assert.True(status.SlotsWritten > 0);
        // Two delays of the backoff (1 s, then 2 s) on the injected clock: it cannot finish before that clock moved 3 s.
        Assert.True(waited >= TimeSpan.FromSeconds(3), $"finished after {waited} on the injected clock");
    }

    [Fact]
    public async Task UpdateForecastAsync_OpenMeteoDown_KeepsTheLastForecastAndReportsItStale()
    {
        using var limit = new CancellationTokenSource(Patience);
        await using var home = new SimulatedHome(new SimulatedHomeOptions { Start = Now });
        await home.StartAsync(limit.Token);
        using var harness = await EtlHarness.CreateAsync(Now);
        using var http = new HttpClient { Timeout = Patience };
        var updater = new WeatherUpdater(
            new OpenMeteoClient(http, OpenMeteoEndpoints.FromOption(home.BaseUri.ToString())), harness.Weather, Settings(home) with { Retries = 1 }, harness.Clock, NullLogger<WeatherUpdater>.Instance);
        var first = await updater.UpdateForecastAsync(limit.Token);
        harness.Clock.Advance(TimeSpan.FromHours(7));
        home.Faults.FailNextResponses(1000);

        var update = updater.UpdateForecastAsync(limit.Token);
        await harness.Clock.AdvanceUntilDoneAsync(update, TimeSpan.FromMilliseconds(250), "the forecast update", limit.Token);
        var status = await update;

        Assert.True(status.IsStale);
        Assert.Equal(Now, status.IssuedAt);
        Assert.InRange(status.Age!.Value, TimeSpan.FromHours(7), TimeSpan.FromHours(7.1));
        Assert.NotNull(status.Problem);
        Assert.Equal(0, status.SlotsWritten);
        var kept = await harness.Weather.ReadLatestForecastAsync(SlotRange.Between(SlotGrid.Floor(Now), SlotGrid.Floor(Now).AddDays(1)), harness.Clock.GetUtcNow(), limit.Token);
        Assert.Equal(96, kept.Count);
        Assert.All(kept, w => Assert.Equal(Now, w.IssuedAt));
        Assert.True(first.SlotsWritten > 0);
    }

    private static WeatherSettings Settings(SimulatedHome home) => new()
    {
        Latitude = home.Source.Site.Latitude,
        Longitude = home.Source.Site.Longitude,
        ForecastDays = 3,
        RetryDelay = TimeSpan.FromSeconds(1),
    };
}
