using System.Text.Json.Nodes;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Mqtt.Tests.Support;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Mqtt.Tests;

/// <summary>Manual blocks set through a real broker (the dashboard's form and the JSON topic) into a real SQLite store, and the sensor published back.</summary>
public sealed class ManualBlockCommandTests : IDisposable
{
    private static readonly DarkstarTopicsView Topics = new();
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Form_ActionHoursAndAddBlock_AddsTheBlockFromNowAndPublishesIt()
    {
        using var store = await StoreAsync();
        await using var broker = await MosquittoBroker.StartAsync();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), blocks: store);
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: "darkstar/#");
        await observer.WaitForAsync(Topics.State("manual_blocks"), "0");

        await observer.PublishAsync(Topics.Command("block_action"), "charge");
        await observer.WaitForAsync(Topics.State("block_action"), "charge");
        await observer.PublishAsync(Topics.Command("block_hours"), "2");
        await observer.WaitForAsync(Topics.State("block_hours"), "2");
        await observer.PublishAsync(Topics.Command("add_block"), "PRESS");

        await observer.WaitForAsync(Topics.State("manual_blocks"), "1");
        var block = Assert.Single(await store.ActiveAsync(CancellationToken.None));
        Assert.Equal((BlockAction.Charge, Now, Now.AddHours(2)), (block.Action, block.Start, block.End));
        var attributes = await observer.WaitForAsync(m => m.Topic == Topics.Attributes("manual_blocks") && m.PayloadText.Contains("charge", StringComparison.Ordinal), "the block in the attributes");
        Assert.Equal("2026-11-21T14:00:00Z", (string?)JsonNode.Parse(attributes.PayloadText)!["blocks"]![0]!["end"]);

        await observer.PublishAsync(Topics.Command("clear_blocks"), "PRESS");
        await observer.WaitForAsync(Topics.State("manual_blocks"), "0", observer.Received.Count);
        Assert.Empty(await store.ActiveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task JsonTopic_BadBlockIsRefusedWithTheReasonAndAGoodOneIsAdded()
    {
        using var store = await StoreAsync();
        await using var broker = await MosquittoBroker.StartAsync();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), blocks: store);
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: "darkstar/#");
        await observer.WaitForAsync(Topics.State("manual_blocks"), "0");

        await observer.PublishAsync("darkstar/blocks/set", """{"action": "hold", "start": "2026-11-21T15:00:00Z", "end": "2026-11-21T14:00:00Z"}""");
        await observer.WaitForAsync(
            m => m.Topic == Topics.Attributes("manual_blocks") && m.PayloadText.Contains("must be after start", StringComparison.Ordinal), "the refusal's reason");
        await observer.PublishAsync("darkstar/blocks/set", """{"action": "charge", "start": "2026-11-21T15:00:00Z", "hours": 1, "target_soc_percent": 80}""");

        await observer.WaitForAsync(Topics.State("manual_blocks"), "1");
        var block = Assert.Single(await store.ActiveAsync(CancellationToken.None));
        Assert.Equal((BlockAction.Charge, 80.0), (block.Action, block.TargetSocPercent));
    }

    private async Task<ManualBlockStore> StoreAsync()
    {
        var clock = new FakeTimeProvider(Now);
        var database = new DarkstarDatabase(_folder.File("darkstar.db"));
        await new SchemaMigrator(database, clock).MigrateAsync(CancellationToken.None);
        return new ManualBlockStore(new ManualBlockRepository(database), new DarkstarOptions(), clock, NullLogger<ManualBlockStore>.Instance);
    }
}
