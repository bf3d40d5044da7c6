using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Simulation;
using Darkstar.Simulation.Home;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Learning.Tests;

public sealed class BackfillTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_ThirtyDaysFromTheSimulatedHome_MatchesItsCountersAndASecondRunChangesNothing()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var home = new SimulatedHome(new SimulatedHomeOptions { Start = Now, History = TimeSpan.FromDays(31) });
        await home.StartAsync(limit.Token);
        var settings = HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token);
        await using var client = new HomeAssistantWebSocketClient(settings, TimeProvider.System, NullLogger<HomeAssistantWebSocketClient>.Instance);
        await client.StartAsync(limit.Token);
        using var http = new HttpClient();
        var rest = new HomeAssistantRestClient(http, settings, NullLogger<HomeAssistantRestClient>.Instance);
        using var harness = await EtlHarness.CreateAsync(Now);
        var options = OptionsLoader.LoadEmbeddedDefault(new OptionsContext(false)).Options!;
        using var etl = harness.Etl(SensorRoles.Mapped(options.InputSensors), options: options);
        var backfill = new StatisticsBackfill(client, rest, etl, home.Clock, NullLogger<StatisticsBackfill>.Instance);

        var report = await backfill.RunAsync(30, null, limit.Token);

        Assert.True(report.HourlyDays > 0 && report.FiveMinuteDays > 0, $"{report.HourlyDays} hourly, {report.FiveMinuteDays} 5-minute days");
        var range = SlotRange.Between(Now - TimeSpan.FromDays(30), Now);
        var slots = await harness.Observations.ReadRangeAsync(range, limit.Token);
        Assert.InRange(slots.Count, range.Count - 8, range.Count);
        // The simulated home's load counter is its ground truth; the backfill reads it only through the recorder.
        var stats = await client.GetStatisticsDuringPeriodAsync(new HomeAssistant.Model.StatisticsRequest(
            [EntityIds.LoadEnergy], slots[0].SlotStart, slots[^1].SlotStart + SlotGrid.SlotLength, HomeAssistant.Model.StatisticsPeriod.Hour,
            HomeAssistant.Model.StatisticTypes.Change), limit.Token);
        var trueLoad = stats[EntityIds.LoadEnergy].Sum(r => r.Change ?? 0);
        var load = slots.Sum(s => s.LoadKwh ?? 0);
        Assert.InRange(load, trueLoad * 0.99, trueLoad * 1.01);
        Assert.All(slots, s => Assert.True(s.QualityFlags.HasFlag(SlotQuality.Backfilled)));
        Assert.Contains(slots, s => s.SocStartPercent is not null);

        var again = await backfill.RunAsync(30, null, limit.Token);

        Assert.Equal(0, again.SlotsWritten);
        Assert.Equal(slots, await harness.Observations.ReadRangeAsync(range, limit.Token));
    }
}
