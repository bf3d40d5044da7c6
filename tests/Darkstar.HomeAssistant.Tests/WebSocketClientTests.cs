using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Darkstar.HomeAssistant.Model;
using Darkstar.Testing;

namespace Darkstar.HomeAssistant.Tests;

/// <summary>The WebSocket client over real loopback sockets against <see cref="ScriptedHomeAssistant"/>.</summary>
public class WebSocketClientTests
{
    /// <summary>The live state_changed event both reconnect tests send: sensor.energy from 1 to 2 kWh at 00:01.</summary>
    private static JsonObject EnergyRoseFromOneToTwo() => new()
    {
        ["event_type"] = "state_changed",
        ["time_fired"] = "2026-01-01T00:01:00+00:00",
        ["data"] = new JsonObject
        {
            ["entity_id"] = "sensor.energy",
            ["old_state"] = StateJson("sensor.energy", "1", "2026-01-01T00:00:00+00:00"),
            ["new_state"] = StateJson("sensor.energy", "2", "2026-01-01T00:01:00+00:00"),
        },
    };

    private static JsonObject StateJson(string entityId, string state, string updated) => new()
    {
        ["entity_id"] = entityId,
        ["state"] = state,
        ["attributes"] = new JsonObject { ["unit_of_measurement"] = "kWh" },
        ["last_changed"] = updated,
        ["last_updated"] = updated,
    };

    [Fact]
    public async Task StartAsync_AuthInvalid_StopsWithActionableMessageAndNoRetry()
    {
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, _) => await connection.AuthenticateAsync());
        await using var client = TestSupport.Client(peer.Settings(token: "wrong-token-1234"));

        var error = await Assert.ThrowsAsync<HomeAssistantAuthenticationException>(() => client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience));

        Assert.Contains("create a long-lived access token", error.Message, StringComparison.Ordinal);
        Assert.Contains("home_assistant.token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token-1234", error.Message, StringComparison.Ordinal);
        var changes = new List<ConnectionChange>();
        await foreach (var change in client.ConnectionChanges.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
            changes.Add(change);
        }

        Assert.Equal(DisconnectReason.AuthInvalid, changes[0].Reason);
        Assert.Equal(ConnectionStatus.Stopped, changes[^1].Status);
        Assert.Equal(1, peer.ConnectionCount);
        await Assert.ThrowsAsync<HomeAssistantAuthenticationException>(() => client.GetStatesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SendCommandAsync_FiftyConcurrentCallers_IdsStrictlyIncreaseOnTheWireAndResultsMatch()
    {
        var wireIds = new ConcurrentQueue<long>();
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, _) =>
        {
            await connection.AuthenticateAsync();
            var held = new List<long>();
            await connection.ServeAsync(async message =>
            {
                var id = message["id"]!.GetValue<long>();
                wireIds.Enqueue(id);
                held.Add(id);
                // Answer all at once, in reverse order, so that only the id can match a result to its caller.
                if (held.Count == 50)
                {
                    foreach (var answer in Enumerable.Reverse(held))
                    {
                        await connection.ResultAsync(answer, new JsonObject { ["echo"] = answer });
                    }
                }

                return true;
            });
        });
        await using var client = TestSupport.Client(peer.Settings());
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);

        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            var command = new JsonObject { ["type"] = "test/echo" };
            var result = await client.SendCommandAsync(command, CancellationToken.None);
            return (Sent: command["id"]!.GetValue<long>(), Echo: result.GetProperty("echo").GetInt64());
        })).ToList();
        var results = await Task.WhenAll(calls).WaitAsync(TestSupport.Patience);

        Assert.All(results, r => Assert.Equal(r.Sent, r.Echo));
        var onWire = wireIds.ToList();
        Assert.Equal(50, onWire.Count);
        Assert.True(onWire.Zip(onWire.Skip(1)).All(pair => pair.First < pair.Second), $"ids on the wire: {string.Join(',', onWire)}");
        Assert.Equal(0, client.PendingCommandCount);
    }

    [Fact]
    public async Task SendCommandAsync_ErrorResult_ThrowsCommandExceptionWithCode()
    {
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, _) =>
        {
            await connection.AuthenticateAsync();
            await connection.ServeAsync(async message =>
            {
                await connection.ErrorAsync(message["id"]!.GetValue<long>(), "service_validation_error", "Option 'boost' is not valid");
                return true;
            });
        });
        await using var client = TestSupport.Client(peer.Settings());
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);

        var error = await Assert.ThrowsAsync<HomeAssistantCommandException>(() =>
            client.CallServiceAsync(new ServiceCall("select", "select_option", new JsonObject { ["option"] = "boost" }, ServiceTarget.Entity("select.mode")), CancellationToken.None));

        Assert.Equal("service_validation_error", error.Code);
        Assert.Equal("Option 'boost' is not valid", error.ErrorMessage);
    }

    [Fact]
    public async Task SendCommandAsync_NoResult_TimesOutOnTheInjectedClockAndRemovesThePendingEntry()
    {
        var clock = new FakeTimeProvider();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, _) =>
        {
            await connection.AuthenticateAsync();
            await connection.ServeAsync(_ =>
            {
                received.TrySetResult();
                return Task.FromResult(true);
            });
        });
        var settings = peer.Settings() with { CommandTimeout = TimeSpan.FromSeconds(30), PingInterval = TimeSpan.FromHours(1), AuthTimeout = TimeSpan.FromHours(1) };
        await using var client = TestSupport.Client(settings, clock);
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);

        var call = client.GetConfigAsync(CancellationToken.None);
        await received.Task.WaitAsync(TestSupport.Patience);
        // supported_features, sent on connecting, may still be on its way back.
        await Eventually.ReachesAsync(() => client.PendingCommandCount, pending => pending <= 1, "only the call pending");
        Assert.Equal(1, client.PendingCommandCount);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(call.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<HomeAssistantTimeoutException>(() => call.WaitAsync(TestSupport.Patience));
        Assert.Equal(0, client.PendingCommandCount);
    }

    [Fact]
    public async Task SubscribeStateChangesAsync_SocketDropped_ReconnectsResubscribesAndReportsTheMissedChange()
    {
        var subscribes = new ConcurrentQueue<int>();
        var drop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, number) =>
        {
            await connection.AuthenticateAsync();
            long subscription = 0;
            await connection.ServeAsync(async message =>
            {
                var id = message["id"]!.GetValue<long>();
                switch (message["type"]!.GetValue<string>())
                {
                    case "subscribe_events" when message["event_type"]?.GetValue<string>() == "state_changed":
                        subscribes.Enqueue(number);
                        subscription = id;
                        await connection.ResultAsync(id, null);
                        return true;
                    case "get_states" when number == 1:
                        await connection.ResultAsync(id, new JsonArray(StateJson("sensor.energy", "1", "2026-01-01T00:00:00+00:00")));
                        await connection.SendAsync(PeerConnection.Event(subscription, EnergyRoseFromOneToTwo()));
                        // The network fails, with no close frame, once the client has the event (an abort drops unsent data).
                        await drop.Task;
                        connection.Abort();
                        return false;
                    case "get_states":
                        // While the client was away the meter moved on, and the event for it was never sent.
                        await connection.ResultAsync(id, new JsonArray(StateJson("sensor.energy", "3", "2026-01-01T00:02:00+00:00")));
                        return true;
                    default:
                        await connection.ResultAsync(id, null);
                        return true;
                }
            });
        });
        await using var client = TestSupport.Client(peer.Settings());
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);

        await using var subscription = await client.SubscribeStateChangesAsync(["sensor.energy"], CancellationToken.None);
        var live = await TestSupport.ReadAsync(subscription.Reader);
        drop.SetResult();
        var missed = await TestSupport.ReadAsync(subscription.Reader);

        Assert.Equal(("1", "2", false), (live.OldState!.State, live.NewState!.State, live.IsSynthetic));
        Assert.Equal(("2", "3", true), (missed.OldState!.State, missed.NewState!.State, missed.IsSynthetic));
        Assert.Equal(3.0, missed.NewState.GetKilowattHours());
        Assert.Equal([1, 2], subscribes.ToArray());
        var changes = new List<ConnectionChange>();
        while (changes.Count < 3)
        {
            changes.Add(await TestSupport.ReadAsync(client.ConnectionChanges));
        }

        Assert.Equal(ConnectionStatus.Connected, changes[0].Status);
        Assert.Equal((ConnectionStatus.Disconnected, DisconnectReason.NetworkError), (changes[1].Status, changes[1].Reason!.Value));
        Assert.Equal(ConnectionStatus.Connected, changes[2].Status);
    }

    [Fact]
    public async Task SubscribeEntitiesAsync_EventsArriveButResultIsLost_NextFullSetIsAResync()
    {
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, number) =>
        {
            await connection.AuthenticateAsync();
            await connection.ServeAsync(async message =>
            {
                var id = message["id"]!.GetValue<long>();
                if (message["type"]!.GetValue<string>() != "subscribe_entities")
                {
                    await connection.ResultAsync(id, null);
                    return true;
                }

                if (number == 1)
                {
                    // The states arrive, then the connection dies before the subscribe's result does.
                    await connection.SendAsync(PeerConnection.Event(id, JsonNode.Parse("""{"a":{"sensor.power":{"s":"1200","lc":1767225600}}}""")!));
                    await connection.CloseAsync();
                    return false;
                }

                await connection.ResultAsync(id, null);
                await connection.SendAsync(PeerConnection.Event(id, JsonNode.Parse("""{"a":{"sensor.power":{"s":"700","lc":1767225720}}}""")!));
                return true;
            });
        });
        await using var client = TestSupport.Client(peer.Settings());
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);

        await using var subscription = await client.SubscribeEntitiesAsync(["sensor.power"], CancellationToken.None);
        var initial = await TestSupport.ReadAsync(subscription.Reader);
        var resynced = await TestSupport.ReadAsync(subscription.Reader);

        Assert.Equal((null, "1200"), (initial.OldState?.State, initial.NewState!.State));
        Assert.Equal(("1200", "700", true), (resynced.OldState!.State, resynced.NewState!.State, resynced.IsSynthetic));
    }

    [Fact]
    public async Task SubscribeStateChangesAsync_EventArrivesButResultIsLost_ChangeWhileAwayIsReported()
    {
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, number) =>
        {
            await connection.AuthenticateAsync();
            await connection.ServeAsync(async message =>
            {
                var id = message["id"]!.GetValue<long>();
                switch (message["type"]!.GetValue<string>())
                {
                    case "subscribe_events" when number == 1:
                        // A live event for the new subscription, then the connection dies before its result.
                        await connection.SendAsync(PeerConnection.Event(id, EnergyRoseFromOneToTwo()));
                        await connection.CloseAsync();
                        return false;
                    case "get_states":
                        await connection.ResultAsync(id, new JsonArray(StateJson("sensor.energy", "3", "2026-01-01T00:02:00+00:00")));
                        return true;
                    default:
                        await connection.ResultAsync(id, null);
                        return true;
                }
            });
        });
        await using var client = TestSupport.Client(peer.Settings());
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);

        await using var subscription = await client.SubscribeStateChangesAsync(["sensor.energy"], CancellationToken.None);
        var live = await TestSupport.ReadAsync(subscription.Reader);
        var missed = await TestSupport.ReadAsync(subscription.Reader);

        Assert.Equal(("1", "2", false), (live.OldState!.State, live.NewState!.State, live.IsSynthetic));
        Assert.Equal(("2", "3", true), (missed.OldState!.State, missed.NewState!.State, missed.IsSynthetic));
    }

    [Fact]
    public async Task SubscribeEntitiesAsync_CoalescedFrame_EmitsMergedStatesAndResyncsAfterServerClose()
    {
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, number) =>
        {
            await connection.AuthenticateAsync();
            await connection.ServeAsync(async message =>
            {
                var id = message["id"]!.GetValue<long>();
                if (message["type"]!.GetValue<string>() != "subscribe_entities")
                {
                    await connection.ResultAsync(id, null);
                    return true;
                }

                Assert.Equal("sensor.power", message["entity_ids"]![0]!.GetValue<string>());
                await connection.ResultAsync(id, null);
                if (number == 1)
                {
                    // Two events in one frame, as Home Assistant sends them once coalescing is on.
                    await connection.SendAsync(new JsonArray(
                        PeerConnection.Event(id, JsonNode.Parse("""{"a":{"sensor.power":{"s":"1200","a":{"unit_of_measurement":"W"},"c":"01A","lc":1767225600}}}""")!),
                        PeerConnection.Event(id, JsonNode.Parse("""{"c":{"sensor.power":{"+":{"s":"800","lc":1767225660}}}}""")!)));
                    await connection.CloseAsync();
                    return false;
                }

                await connection.SendAsync(PeerConnection.Event(id, JsonNode.Parse("""{"a":{"sensor.power":{"s":"500","a":{"unit_of_measurement":"W"},"c":"01B","lc":1767225720}}}""")!));
                return true;
            });
        });
        await using var client = TestSupport.Client(peer.Settings());
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);

        await using var subscription = await client.SubscribeEntitiesAsync(["sensor.power"], CancellationToken.None);
        var initial = await TestSupport.ReadAsync(subscription.Reader);
        var changed = await TestSupport.ReadAsync(subscription.Reader);
        var resynced = await TestSupport.ReadAsync(subscription.Reader);

        Assert.Equal((null, 1.2), (initial.OldState, initial.NewState!.GetKilowatts()));
        Assert.Equal(("1200", 0.8), (changed.OldState!.State, changed.NewState!.GetKilowatts()));
        Assert.Equal("W", changed.NewState.UnitOfMeasurement);
        Assert.Equal(("800", "500", true), (resynced.OldState!.State, resynced.NewState!.State, resynced.IsSynthetic));
        var disconnected = await TestSupport.ReadAsync(client.ConnectionChanges);
        while (disconnected.Status != ConnectionStatus.Disconnected)
        {
            disconnected = await TestSupport.ReadAsync(client.ConnectionChanges);
        }

        Assert.Equal(DisconnectReason.ClosedByServer, disconnected.Reason);
    }

    [Fact]
    public async Task Ping_NoPong_ReportsPingTimeoutAndReconnects()
    {
        var clock = new FakeTimeProvider();
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, number) =>
        {
            await connection.AuthenticateAsync();
            // The first connection hangs: the socket stays open but pings go unanswered.
            await connection.ServeAsync(async message =>
            {
                await connection.ResultAsync(message["id"]!.GetValue<long>(), null);
                return true;
            }, answerPings: number > 1);
        });
        var settings = peer.Settings() with
        {
            PingInterval = TimeSpan.FromSeconds(30),
            PongTimeout = TimeSpan.FromSeconds(10),
            ReconnectMinDelay = TimeSpan.FromSeconds(1),
            ReconnectJitter = false,
            AuthTimeout = TimeSpan.FromHours(1),
            CommandTimeout = TimeSpan.FromHours(1),
        };
        await using var client = TestSupport.Client(settings, clock);
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);
        Assert.Equal(ConnectionStatus.Connected, (await TestSupport.ReadAsync(client.ConnectionChanges)).Status);

        var disconnecting = client.ConnectionChanges.ReadAsync().AsTask();
        await clock.AdvanceUntilDoneAsync(disconnecting, TimeSpan.FromSeconds(1), "the missing pong noticed");
        var disconnected = await disconnecting;
        var reconnecting = client.ConnectionChanges.ReadAsync().AsTask();
        await clock.AdvanceUntilDoneAsync(reconnecting, TimeSpan.FromMilliseconds(200), "the client reconnecting");
        var reconnected = await reconnecting;

        Assert.Equal((ConnectionStatus.Disconnected, DisconnectReason.PingTimeout), (disconnected.Status, disconnected.Reason!.Value));
        Assert.Equal(ConnectionStatus.Connected, reconnected.Status);
        Assert.Equal(2, peer.ConnectionCount);
        await client.PingAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);
    }

    [Fact]
    public async Task GetStatisticsDuringPeriodAsync_OverTheSocket_SendsIsoTimesAndParsesEpochMilliseconds()
    {
        JsonObject? request = null;
        await using var peer = await ScriptedHomeAssistant.StartAsync(async (connection, _) =>
        {
            await connection.AuthenticateAsync();
            await connection.ServeAsync(async message =>
            {
                request = message;
                await connection.ResultAsync(message["id"]!.GetValue<long>(), JsonNode.Parse("""
                    {"sensor.grid_import":[{"start":1767225600000,"end":1767229200000,"change":0.5,"sum":10.5}]}
                    """));
                return true;
            });
        });
        await using var client = TestSupport.Client(peer.Settings());
        await client.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Patience);

        var rows = await client.GetStatisticsDuringPeriodAsync(
            new StatisticsRequest(["sensor.grid_import"], new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), null, StatisticsPeriod.Hour, StatisticTypes.Change | StatisticTypes.Sum),
            CancellationToken.None);

        Assert.Equal("2026-01-01T00:00:00Z", request!["start_time"]!.GetValue<string>());
        var row = Assert.Single(rows["sensor.grid_import"]);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero), row.End);
        Assert.Equal(0.5, row.Change);
    }
}
