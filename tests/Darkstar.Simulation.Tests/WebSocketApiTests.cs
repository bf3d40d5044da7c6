using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Darkstar.Simulation.Home;

namespace Darkstar.Simulation.Tests;

public sealed class WebSocketApiTests
{
    [Fact]
    public async Task Auth_RightToken_AuthOkWithVersion()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.ConnectAsync(home.WebSocketUri);

        var required = await socket.ReceiveAsync();
        await socket.SendRawAsync(new JsonObject { ["type"] = "auth", ["access_token"] = home.Token });
        var ok = await socket.ReceiveAsync();

        Assert.Equal("auth_required", required["type"]!.GetValue<string>());
        Assert.Equal("auth_ok", ok["type"]!.GetValue<string>());
        Assert.Equal(home.Options.Version, ok["ha_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auth_WrongToken_AuthInvalidThenClosed()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.ConnectAsync(home.WebSocketUri);
        await socket.ReceiveAsync();

        await socket.SendRawAsync(new JsonObject { ["type"] = "auth", ["access_token"] = "wrong" });
        var invalid = await socket.ReceiveAsync();
        var after = await socket.ReceiveFrameAsync();

        Assert.Equal("auth_invalid", invalid["type"]!.GetValue<string>());
        Assert.Null(after);
    }

    [Fact]
    public async Task Command_RepeatedId_IdReuseError()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);
        await socket.SendRawAsync(new JsonObject { ["id"] = 5, ["type"] = "ping" });
        var pong = await socket.ReceiveAsync();

        await socket.SendRawAsync(new JsonObject { ["id"] = 5, ["type"] = "get_states" });
        var error = await socket.ReceiveAsync();

        Assert.Equal("pong", pong["type"]!.GetValue<string>());
        Assert.False(error["success"]!.GetValue<bool>());
        Assert.Equal("id_reuse", error["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Command_Unknown_UnknownCommandError()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var error = await socket.CommandAsync(new JsonObject { ["type"] = "frobnicate" });

        Assert.Equal("unknown_command", error["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetStatesConfigServices_Always_AnswerAsHomeAssistant()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var states = await socket.CommandAsync(new JsonObject { ["type"] = "get_states" });
        var config = await socket.CommandAsync(new JsonObject { ["type"] = "get_config" });
        var services = await socket.CommandAsync(new JsonObject { ["type"] = "get_services" });

        Assert.Contains(states["result"]!.AsArray(), s => s!["entity_id"]!.GetValue<string>() == EntityIds.BatterySoc);
        Assert.Equal("Europe/Stockholm", config["result"]!["time_zone"]!.GetValue<string>());
        Assert.NotNull(services["result"]!["select"]!["select_option"]);
        Assert.False(services["result"]!["nordpool"]!["get_prices_for_date"]!["response"]!["optional"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SubscribeEvents_ClockAdvances_StateChangedEventsWithOldAndNewState()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning);
        await using var socket = await HaSocket.AuthenticatedAsync(home);
        var subscribed = await socket.CommandAsync(new JsonObject { ["type"] = "subscribe_events", ["event_type"] = "state_changed" });
        var subscriptionId = subscribed["id"]!.GetValue<long>();

        await home.AdvanceAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
        var pvChange = await socket.ReceiveUntilAsync(m => m["type"]!.GetValue<string>() == "event" &&
            m["event"]!["data"]!["entity_id"]!.GetValue<string>() == EntityIds.PvEnergy);

        Assert.Equal(subscriptionId, pvChange["id"]!.GetValue<long>());
        var data = pvChange["event"]!["data"]!;
        Assert.Equal("state_changed", pvChange["event"]!["event_type"]!.GetValue<string>());
        Assert.NotEqual(data["old_state"]!["state"]!.GetValue<string>(), data["new_state"]!["state"]!.GetValue<string>());
        Assert.True(double.Parse(data["new_state"]!["state"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >
            double.Parse(data["old_state"]!["state"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task UnsubscribeEvents_UnknownSubscription_NotFound()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var error = await socket.CommandAsync(new JsonObject { ["type"] = "unsubscribe_events", ["subscription"] = 999 });

        Assert.Equal("not_found", error["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task SubscribeEntities_ThenServiceCall_InitialAddThenCompressedChange()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);
        var subscribed = await socket.CommandAsync(new JsonObject
        {
            ["type"] = "subscribe_entities",
            ["entity_ids"] = new JsonArray(EntityIds.WorkMode, EntityIds.BatterySoc),
        });
        var initial = await socket.ReceiveAsync();
        await home.AdvanceAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var call = await socket.CommandAsync(new JsonObject
        {
            ["type"] = "call_service",
            ["domain"] = "select",
            ["service"] = "select_option",
            ["service_data"] = new JsonObject { ["option"] = WorkModes.Hold },
            ["target"] = new JsonObject { ["entity_id"] = EntityIds.WorkMode },
        });
        var change = await socket.ReceiveUntilAsync(m => m["type"]!.GetValue<string>() == "event");

        Assert.True(subscribed["success"]!.GetValue<bool>());
        var added = initial["event"]!["a"]!.AsObject();
        Assert.Equal(2, added.Count);
        Assert.Equal(WorkModes.SelfConsumption, added[EntityIds.WorkMode]!["s"]!.GetValue<string>());
        Assert.Equal(5, added[EntityIds.WorkMode]!["a"]!["options"]!.AsArray().Count);
        Assert.IsType<double>(added[EntityIds.WorkMode]!["lc"]!.GetValue<double>());
        var diff = change["event"]!["c"]![EntityIds.WorkMode]!["+"]!;
        Assert.Equal(WorkModes.Hold, diff["s"]!.GetValue<string>());
        Assert.NotNull(diff["lc"]);
        Assert.Equal(call["result"]!["context"]!["id"]!.GetValue<string>(), diff["c"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallService_ReturnResponse_ResultHasContextAndResponse()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var result = await socket.CommandAsync(new JsonObject
        {
            ["type"] = "call_service",
            ["domain"] = "nordpool",
            ["service"] = "get_prices_for_date",
            ["service_data"] = new JsonObject { ["config_entry"] = HomeSimulation.NordpoolConfigEntryId, ["date"] = "2026-01-12", ["areas"] = new JsonArray("SE3") },
            ["return_response"] = true,
        });

        Assert.True(result["success"]!.GetValue<bool>(), result.ToJsonString());
        Assert.Equal(26, result["result"]!["context"]!["id"]!.GetValue<string>().Length);
        Assert.Equal(96, result["result"]!["response"]!["SE3"]!.AsArray().Count);
    }

    [Fact]
    public async Task CallService_TomorrowBeforePublication_ServiceValidationError()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.WinterNoon);
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var result = await socket.CommandAsync(new JsonObject
        {
            ["type"] = "call_service",
            ["domain"] = "nordpool",
            ["service"] = "get_prices_for_date",
            ["service_data"] = new JsonObject { ["config_entry"] = HomeSimulation.NordpoolConfigEntryId, ["date"] = "2026-01-13" },
            ["return_response"] = true,
        });

        Assert.False(result["success"]!.GetValue<bool>());
        Assert.Equal("service_validation_error", result["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallService_NumberOutOfRange_ServiceValidationError()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        var result = await socket.CommandAsync(new JsonObject
        {
            ["type"] = "call_service",
            ["domain"] = "number",
            ["service"] = "set_value",
            ["service_data"] = new JsonObject { ["value"] = 9000 },
            ["target"] = new JsonObject { ["entity_id"] = EntityIds.MaxChargePower },
        });

        Assert.Equal("service_validation_error", result["error"]!["code"]!.GetValue<string>());
        Assert.Equal("5000", home.States.Get(EntityIds.MaxChargePower)!.State);
    }

    [Fact]
    public async Task Coalescing_ClientAsked_SeveralMessagesArriveInOneArrayFrame()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning);
        await using var socket = await HaSocket.AuthenticatedAsync(home, coalesce: true);
        await socket.CommandAsync(new JsonObject { ["type"] = "subscribe_events" });

        await home.AdvanceAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        var pong = await socket.CommandAsync(new JsonObject { ["type"] = "ping" });

        Assert.Equal("pong", pong["type"]!.GetValue<string>());
        Assert.True(socket.ArrayFrames > 0, "a burst of events should come in coalesced frames");
    }

    [Fact]
    public async Task Coalescing_Never_OneMessagePerFrame()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning, coalescing: MessageCoalescing.Never);
        await using var socket = await HaSocket.AuthenticatedAsync(home, coalesce: true);
        await socket.CommandAsync(new JsonObject { ["type"] = "subscribe_events" });

        await home.AdvanceAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        await socket.CommandAsync(new JsonObject { ["type"] = "ping" });

        Assert.Equal(0, socket.ArrayFrames);
    }

    [Fact]
    public async Task Coalescing_Always_ArraysEvenWithoutSupportedFeatures()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning, coalescing: MessageCoalescing.Always);
        await using var socket = await HaSocket.AuthenticatedAsync(home);
        await socket.CommandAsync(new JsonObject { ["type"] = "subscribe_events" });

        await home.AdvanceAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        await socket.CommandAsync(new JsonObject { ["type"] = "ping" });

        Assert.True(socket.ArrayFrames > 0);
    }

    [Fact]
    public async Task SupervisorWebSocket_CoreWebsocketPath_SameProtocol()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.ConnectAsync(new Uri(home.BaseUri, "core/websocket").ToString().Replace("http", "ws", StringComparison.Ordinal) is var text ? new Uri(text) : null!);

        var required = await socket.ReceiveAsync();

        Assert.Equal("auth_required", required["type"]!.GetValue<string>());
        Assert.Equal(WebSocketState.Open, socket.State);
    }
}
