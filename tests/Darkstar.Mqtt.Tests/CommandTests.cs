using Darkstar.Mqtt.Tests.Support;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Mqtt.Tests;

/// <summary>Commands from Home Assistant through a real broker to the controls' store, and the state published back.</summary>
public sealed class CommandTests
{
    private static readonly DarkstarTopicsView Topics = new();

    [Theory]
    [InlineData("executor_enabled", "OFF", "OFF")]
    [InlineData("allow_export", "OFF", "OFF")]
    [InlineData("manual_override", "force_charge", "force_charge")]
    [InlineData("risk_appetite", "5", "5")]
    [InlineData("min_soc", "25", "25")]
    [InlineData("water_heater_min_kwh_per_day", "7.5", "7.5")]
    [InlineData("vacation_mode", "ON", "ON")]
    public async Task Command_Valid_StoredInForceAndStateIsPublishedBack(string id, string payload, string expectedState)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var stored = new MemorySettingsStore();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), stored);
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: Topics.State(id));
        await observer.WaitForAsync(m => m.Topic == Topics.State(id), "the retained state");
        var before = observer.Received.Count;

        await observer.PublishAsync(Topics.Command(id), payload);

        await observer.WaitForAsync(m => m.Topic == Topics.State(id) && m.PayloadText == expectedState, $"'{expectedState}' on {id}", before);
        Assert.Equal(expectedState, darkstar.Controls.Current.StateText(id));
        Assert.Equal(expectedState, stored.Values[id]);
    }

    [Fact]
    public async Task Command_Button_WakesItsLoopWithoutState()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var stored = new MemorySettingsStore();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), stored);
        await using var observer = await MqttObserver.ConnectAsync(broker);

        await observer.PublishAsync(Topics.Command("retrain_aurora"), "PRESS");

        await Eventually.HoldsAsync(() => darkstar.Triggers.Retrain.IsPending, "the button press reaching the retraining's trigger");
        Assert.Equal("retrain button", darkstar.Triggers.Retrain.Take());
        Assert.False(darkstar.Triggers.Replan.IsPending);
        Assert.Empty(stored.Values);
    }

    [Theory]
    [InlineData("manual_override", "force_everything", "auto")]
    [InlineData("risk_appetite", "6", "3")]
    [InlineData("min_soc", "150", "10")]
    [InlineData("min_soc", "ten", "10")]
    [InlineData("min_soc", "12.5", "10")]
    [InlineData("max_soc", "5", "100")]
    [InlineData("executor_enabled", "maybe", "ON")]
    public async Task Command_Invalid_RejectedAndUnchangedStatePublishedAgain(string id, string payload, string unchangedState)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var stored = new MemorySettingsStore();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), stored);
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: Topics.State(id));
        await observer.WaitForAsync(m => m.Topic == Topics.State(id), "the retained state");
        var before = observer.Received.Count;

        await observer.PublishAsync(Topics.Command(id), payload);

        var again = await observer.WaitForAsync(m => m.Topic == Topics.State(id), $"the state of {id} published again", before);
        Assert.Equal(unchangedState, again.PayloadText);
        Assert.Empty(stored.Values);
        Assert.Equal(unchangedState, darkstar.Controls.Current.StateText(id));
    }

    [Fact]
    public async Task Command_StoreCannotPersist_StateStaysUnchanged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var darkstar = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), new RefusingSettingsStore());
        await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: Topics.State("shadow_mode"));
        await observer.WaitForAsync(m => m.Topic == Topics.State("shadow_mode"), "the retained state");
        var before = observer.Received.Count;

        await observer.PublishAsync(Topics.Command("shadow_mode"), "OFF");

        var again = await observer.WaitForAsync(m => m.Topic == Topics.State("shadow_mode"), "the shadow mode state again", before);
        Assert.Equal("ON", again.PayloadText);
        Assert.True(darkstar.Controls.Current.ShadowMode);
    }

    [Fact]
    public async Task Settings_SetThroughMqtt_SurviveARestartInTheDatabase()
    {
        using var temp = new TempDirectory();
        var database = new DarkstarDatabase(temp.File("darkstar.db"));
        await new SchemaMigrator(database, TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        var store = new DatabaseUserSettingsStore(new UserSettingRepository(database), TimeProvider.System);
        await using var broker = await MosquittoBroker.StartAsync();
        await using (var first = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), store))
        {
            await using var observer = await MqttObserver.ConnectAsync(broker, topicFilters: "darkstar/+/state");
            await observer.PublishAsync(Topics.Command("min_soc"), "20");
            await observer.PublishAsync(Topics.Command("manual_override"), "hold");
            await observer.WaitForAsync(Topics.State("manual_override"), "hold");
            await observer.WaitForAsync(Topics.State("min_soc"), "20");
        }

        await using var second = await RunningService.StartAsync(RunningService.SettingsFor(broker.Host, broker.Port), store);

        Assert.Equal(20, second.Controls.Current.MinSocPercent);
        Assert.Equal("hold", second.Controls.Current.ManualOverride);
        var rows = await new UserSettingRepository(database).ReadAllAsync(CancellationToken.None);
        Assert.Equal(["manual_override=hold", "min_soc=20"], rows.Select(r => $"{r.Key}={r.Value}"));
        await using var late = await MqttObserver.ConnectAsync(broker, topicFilters: Topics.State("min_soc"));
        await late.WaitForAsync(Topics.State("min_soc"), "20");
    }
}
