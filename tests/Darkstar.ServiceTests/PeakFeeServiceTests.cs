using System.Globalization;
using Darkstar.Core.Options;
using Darkstar.Mqtt.Discovery;
using Darkstar.Testing;

namespace Darkstar.ServiceTests;

/// <summary>The grid's peak fee end to end: the service plans with it on the simulated home and publishes the period's peak.</summary>
[Collection(ServiceTestGroup.Name)]
public sealed class PeakFeeServiceTests
{
    [Fact]
    public async Task PeakFee_PublishesThePeriodsPeakSoFarAndThePlannedPeak()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var rig = await ServiceRig.StartAsync(
            o => o with { PeakFee = new PeakFeeOptions { FeePerKw = 50, Measure = PeakMeasure.HighestHour, FromTime = TimeOnly.MinValue, ToTime = TimeOnly.MinValue } },
            limit.Token);
        var service = rig.Service;
        Assert.NotNull(service.Broker);
        var topics = new DarkstarTopics(rig.Options.Mqtt.DiscoveryPrefix, rig.Options.Mqtt.TopicBase);
        await using var homeAssistant = await MqttPeer.ConnectAsync(service.Broker.Port, topics.State("+"), limit.Token);
        await rig.RunForAsync(TimeSpan.FromHours(1), limit.Token);

        double? Latest(string id) => homeAssistant.Received.LastOrDefault(m => m.Topic == topics.State(id)) is { } message &&
            double.TryParse(message.PayloadText, NumberStyles.Float, CultureInfo.InvariantCulture, out var kw) ? kw : null;
        await Eventually.HoldsAsync(
            () => Latest(DarkstarEntityIds.PeakSoFar) is not null && Latest(DarkstarEntityIds.PlannedPeak) is not null,
            "the peak so far and the planned peak published as numbers", cancellationToken: limit.Token);

        // The simulated home's past imported from the grid: the month has a peak, and the plan never plans it lower.
        Assert.True(Latest(DarkstarEntityIds.PeakSoFar) > 0);
        Assert.True(Latest(DarkstarEntityIds.PlannedPeak) >= Latest(DarkstarEntityIds.PeakSoFar) - 1e-3);
        var summary = await service.StopAsync(limit.Token);
        Assert.Equal(0, summary.Errors);
    }
}
