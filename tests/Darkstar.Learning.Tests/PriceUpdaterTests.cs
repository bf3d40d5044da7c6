using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Prices;
using Darkstar.Simulation;
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
}
