using System.Text.Json.Nodes;
using Darkstar.Mqtt.Tests.Support;
using Darkstar.Testing;

namespace Darkstar.Mqtt.Tests;

/// <summary>Darkstar against a real mosquitto broker, watched by a second client.</summary>
public sealed class BrokerTests
{
    private static readonly DarkstarTopicsView Topics = new();

    [Fact]
    public async Task Announce_AnonymousBroker_RetainedDiscoveryEqualsGoldenFile()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port));

        // Subscribing after the fact: only a retained config reaches this observer.
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: Topics.DeviceConfig);
        var config = await observer.WaitForAsync(m => m.Topic == Topics.DeviceConfig, "the device config");

        Assert.True(config.Retained);
        var golden = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Golden", "device-discovery.json")));
        Assert.True(
            JsonNode.DeepEquals(golden, JsonNode.Parse(config.PayloadText)),
            "The discovery payload differs from Golden/device-discovery.json:\n" + config.PayloadText);
    }

    [Fact]
    public async Task Announce_PasswordBroker_PublishesOnlineAndUnknownStates()
    {
        await using var broker = await MosquittoBroker.StartAsync("darkstar", "s3cret pass");
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port, "darkstar", "s3cret pass"));
        await using var observer = await MqttObserver.ConnectAsync(broker, "darkstar", "s3cret pass", "darkstar/#");

        await observer.WaitForAsync(Topics.Availability, "online");
        await observer.WaitForAsync(Topics.State("import_price"), "None");
        await observer.WaitForAsync(Topics.State("executor_enabled"), "ON");
        await observer.WaitForAsync(Topics.State("min_soc"), "10");
    }

    [Fact]
    public async Task Connect_WrongPassword_IsRefusedAndNeverConnected()
    {
        await using var broker = await MosquittoBroker.StartAsync("darkstar", "right");
        await using var connection = new MqttConnection(
            RunningService.SettingsFor(broker.Host, broker.Port, "darkstar", "wrong"),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MqttConnection>.Instance);

        await connection.StartAsync(CancellationToken.None);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.WaitUntilConnectedAsync(limit.Token));

        Assert.False(connection.IsConnected);
        Assert.NotNull(connection.LastRefusal);
    }

    [Fact]
    public async Task HomeAssistantOnline_AfterAnnounce_RepublishesDiscoveryAndStates()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port));
        darkstar.Publisher.PublishCosts(1.25, 2.5, 0.3);
        await darkstar.FlushAsync();
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: [Topics.DeviceConfig, Topics.State("planned_cost_today")]);
        await observer.WaitForAsync(m => m.Topic == Topics.DeviceConfig && m.Retained, "the retained device config");
        var before = observer.Received.Count;

        await observer.PublishAsync("homeassistant/status", "online");

        // The announce waits a random 1-5 s on the service's clock: move that clock until it has gone out.
        var republished = Task.Run(() => observer.WaitForAsync(m => m.Topic == Topics.DeviceConfig && !m.Retained, "a re-published device config", before));
        await darkstar.Clock.AdvanceUntilDoneAsync(republished, TimeSpan.FromSeconds(1), "the device config re-published");
        await republished;
        var state = await observer.WaitForAsync(m => m.Topic == Topics.State("planned_cost_today") && !m.Retained, "a re-published state", before);
        Assert.Equal("1.25", state.PayloadText);
    }

    [Fact]
    public async Task BrokerRestart_StatesQueuedWhileDown_DeliveredAfterReconnectWithSubscriptions()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port));

        await broker.KillAsync();
        await Eventually.HoldsAsync(() => !darkstar.Connection.IsConnected, "Darkstar noticing the broker is gone");
        darkstar.Publisher.PublishPrices(0.1234, 0.05, true);
        darkstar.Publisher.PublishPrices(0.2345, 0.06, false);
        darkstar.Publisher.PublishStatus(Core.Domain.DarkstarStatus.Degraded, "the broker was away");
        await broker.RestartAsync();

        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: "darkstar/#");
        // Retained after the reconnect: what was queued while the broker was down, the latest value of each topic.
        await observer.WaitForAsync(Topics.Availability, "online");
        await observer.WaitForAsync(Topics.State("import_price"), "0.2345");
        await observer.WaitForAsync(Topics.State("cheap_slot_now"), "OFF");
        await observer.WaitForAsync(Topics.State("status"), "degraded");
        Assert.DoesNotContain(observer.Received, m => m.Topic == Topics.State("import_price") && m.PayloadText == "0.1234");

        // Subscriptions were restored: a command still reaches the service.
        await observer.PublishAsync(Topics.Command("replan"), "PRESS");
        await Eventually.HoldsAsync(() => darkstar.Triggers.Replan.IsPending, "the re-plan button reaching the planner's trigger");
        Assert.Equal(2, darkstar.Connection.ConnectCount);
    }

    [Fact]
    public async Task ClientVanishes_LastWill_OfflineSeenThenOnlineAgain()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var cutter = new TcpCutter(broker.Port);
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: Topics.Availability);
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor("127.0.0.1", cutter.Port));
        await observer.WaitForAsync(Topics.Availability, "online");
        var before = observer.Received.Count;

        cutter.CutAll();

        // The broker publishes the will the moment it sees Darkstar vanish without a DISCONNECT...
        await observer.WaitForAsync(Topics.Availability, "offline", before);
        // ...and Darkstar, reconnecting on its own, says it is back.
        await observer.WaitForAsync(Topics.Availability, "online", before + 1);
        await Eventually.ReachesAsync(() => darkstar.Connection.ConnectCount, connects => connects == 2, "Darkstar reconnecting");
    }

    [Fact]
    public async Task Dispose_Connected_LeavesOfflineRetained()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port));
        await darkstar.DisposeAsync();

        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: Topics.Availability);
        var status = await observer.WaitForAsync(m => m.Topic == Topics.Availability, "the availability");
        Assert.Equal("offline", status.PayloadText);
        Assert.True(status.Retained);
    }

    [Fact]
    public async Task Start_BrokerDownAtFirst_ConnectsWhenItComesUp()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await broker.KillAsync();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), waitForConnection: false);
        darkstar.Publisher.PublishForecastAccuracy(0.123);

        await broker.RestartAsync();
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: "darkstar/#");

        await observer.WaitForAsync(Topics.State("forecast_mae_7d"), "0.123");
    }
}

/// <summary>The topics of the test service, for readable assertions.</summary>
internal sealed class DarkstarTopicsView
{
    private readonly Discovery.DarkstarTopics _topics = RunningService.Topics;

    public string DeviceConfig => _topics.DeviceConfig;

    public string Availability => _topics.Availability;

    public string State(string id) => _topics.State(id);

    public string Attributes(string id) => _topics.Attributes(id);

    public string Command(string id) => _topics.Command(id);
}
