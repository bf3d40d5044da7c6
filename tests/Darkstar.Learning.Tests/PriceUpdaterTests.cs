using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Prices;
using Darkstar.Simulation;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Learning.Tests;

public sealed class PriceUpdaterTests
{
    // 14:00 in Stockholm: after the hour Nord Pool's tomorrow normally appears.
    private static readonly DateTimeOffset Afternoon = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    [Fact]
    public async Task UpdateAsync_TomorrowNotPublished_ReportsTheShorterHorizonAndGuessesNothing()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var home = new SimulatedHome(new SimulatedHomeOptions { Start = Afternoon });
        await home.StartAsync(limit.Token);
        home.Faults.WithholdTomorrowPrices(true);
        await using var client = new HomeAssistantWebSocketClient(
            HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token), TimeProvider.System, NullLogger<HomeAssistantWebSocketClient>.Instance);
        await client.StartAsync(limit.Token);
        using var harness = await EtlHarness.CreateAsync(Afternoon);
        var pricing = OptionsLoader.LoadEmbeddedDefault(new OptionsContext(false)).Options!.Pricing;
        var updater = new PriceUpdater(client, harness.Prices, pricing, Stockholm, home.Clock, NullLogger<PriceUpdater>.Instance);

        var withheld = await updater.UpdateAsync(limit.Token);

        Assert.False(withheld.TomorrowPublished);
        Assert.Equal(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 5), Stockholm), withheld.KnownUntil);
        Assert.Equal(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 5), Stockholm), await harness.Prices.ReadLatestSlotStartAsync(limit.Token) + SlotGrid.SlotLength);

        home.Faults.WithholdTomorrowPrices(false);
        var published = await updater.UpdateAsync(limit.Token);

        Assert.True(published.TomorrowPublished);
        Assert.Equal(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 6), Stockholm), published.KnownUntil);
        var prices = await harness.Prices.ReadRangeAsync(SlotGrid.LocalDay(new DateOnly(2026, 5, 5), Stockholm), limit.Token);
        Assert.Equal(96, prices.Count);
        Assert.All(prices, p => Assert.Equal((p.SpotPrice!.Value + 0.25 + 0.439) * 1.25, p.ImportPrice, 9));
        Assert.All(prices, p => Assert.Equal(p.SpotPrice!.Value + 0.05, p.ExportPrice, 9));
    }

    [Fact]
    public async Task UpdateAsync_TomorrowLateOverManyUpdates_WarnsOncePerDayNotPerUpdate()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var home = new SimulatedHome(new SimulatedHomeOptions { Start = Afternoon });
        await home.StartAsync(limit.Token);
        home.Faults.WithholdTomorrowPrices(true);
        await using var client = new HomeAssistantWebSocketClient(
            HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token), TimeProvider.System, NullLogger<HomeAssistantWebSocketClient>.Instance);
        await client.StartAsync(limit.Token);
        using var harness = await EtlHarness.CreateAsync(Afternoon);
        var pricing = OptionsLoader.LoadEmbeddedDefault(new OptionsContext(false)).Options!.Pricing;
        var logger = new CollectingLogger<PriceUpdater>();
        var updater = new PriceUpdater(client, harness.Prices, pricing, Stockholm, home.Clock, logger);

        // The sensor changes every quarter hour through the afternoon: five updates, still no tomorrow.
        for (var i = 0; i < 5; i++)
        {
            Assert.False((await updater.UpdateAsync(limit.Token)).TomorrowPublished);
            await home.AdvanceAsync(TimeSpan.FromMinutes(15), limit.Token);
        }

        Assert.Single(logger.Lines, l => l.Contains("not published", StringComparison.Ordinal));

        // Published, then late again the next afternoon: one more warning, for the new day.
        home.Faults.WithholdTomorrowPrices(false);
        Assert.True((await updater.UpdateAsync(limit.Token)).TomorrowPublished);
        home.Faults.WithholdTomorrowPrices(true);
        await home.AdvanceAsync(TimeSpan.FromDays(1), limit.Token);
        await updater.UpdateAsync(limit.Token);
        await updater.UpdateAsync(limit.Token);

        Assert.Equal(2, logger.Lines.Count(l => l.Contains("not published", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task UpdateAsync_OfficialNordpoolAction_ReadsTodayThenTomorrowOnceOutAndAgreesWithTheSensor()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // 09:00 in Stockholm: tomorrow's prices come out at 13:00.
        var morning = new DateTimeOffset(2026, 5, 4, 7, 0, 0, TimeSpan.Zero);
        await using var home = new SimulatedHome(new SimulatedHomeOptions { Start = morning });
        await home.StartAsync(limit.Token);
        await using var client = new HomeAssistantWebSocketClient(
            HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token), TimeProvider.System, NullLogger<HomeAssistantWebSocketClient>.Instance);
        await client.StartAsync(limit.Token);
        using var viaAction = await EtlHarness.CreateAsync(morning);
        using var viaSensor = await EtlHarness.CreateAsync(morning);
        var sensorPricing = OptionsLoader.LoadEmbeddedDefault(new OptionsContext(false)).Options!.Pricing;
        var actionPricing = sensorPricing with
        {
            PriceSource = PriceSource.NordpoolAction,
            NordpoolConfigEntry = Simulation.Home.HomeSimulation.NordpoolConfigEntryId,
            PriceArea = "SE3",
        };
        var action = new PriceUpdater(client, viaAction.Prices, actionPricing, Stockholm, home.Clock, NullLogger<PriceUpdater>.Instance);
        var sensor = new PriceUpdater(client, viaSensor.Prices, sensorPricing, Stockholm, home.Clock, NullLogger<PriceUpdater>.Instance);

        var beforeRelease = await action.UpdateAsync(limit.Token);

        Assert.False(beforeRelease.TomorrowPublished);
        Assert.Equal(96, beforeRelease.SlotsWritten);
        Assert.Equal(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 5), Stockholm), beforeRelease.KnownUntil);

        await home.AdvanceAsync(TimeSpan.FromHours(5), limit.Token);
        var afterRelease = await action.UpdateAsync(limit.Token);
        var fromSensor = await sensor.UpdateAsync(limit.Token);

        Assert.True(afterRelease.TomorrowPublished);
        Assert.Equal(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 6), Stockholm), afterRelease.KnownUntil);
        Assert.Equal(fromSensor.KnownUntil, afterRelease.KnownUntil);
        var range = SlotRange.Between(SlotGrid.StartOfLocalDay(new DateOnly(2026, 5, 4), Stockholm), afterRelease.KnownUntil!.Value);
        var actionPrices = await viaAction.Prices.ReadRangeAsync(range, limit.Token);
        var sensorPrices = (await viaSensor.Prices.ReadRangeAsync(range, limit.Token)).ToDictionary(p => p.SlotStart);
        Assert.Equal(192, actionPrices.Count);
        // The action answers per MWh rounded to 0.01: per kWh that is within 0.00001 of the sensor's price.
        Assert.All(actionPrices, p => Assert.Equal(sensorPrices[p.SlotStart].SpotPrice!.Value, p.SpotPrice!.Value, 0.00001));
        Assert.All(actionPrices, p => Assert.Equal((p.SpotPrice!.Value + 0.25 + 0.439) * 1.25, p.ImportPrice, 9));
        Assert.All(actionPrices, p => Assert.StartsWith("nordpool.get_prices_for_date SE3", p.Source, StringComparison.Ordinal));
    }
}
