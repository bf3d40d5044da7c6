using System.Net;
using System.Text.Json.Nodes;
using Darkstar.Simulation.Home;

namespace Darkstar.Simulation.Tests;

public sealed class FaultTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 15, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DropWebSockets_OpenConnection_ClientSeesItClosed()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        home.Faults.DropWebSockets();

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await socket.CommandAsync(new JsonObject { ["type"] = "ping" });
        });
        await using var again = await HaSocket.AuthenticatedAsync(home);
        var pong = await again.CommandAsync(new JsonObject { ["type"] = "ping" });
        Assert.Equal("pong", pong["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefuseAuth_RightToken_AuthInvalidAndRest401()
    {
        await using var home = await TestHomes.StartAsync();
        home.Faults.RefuseAuth = true;
        await using var socket = await HaSocket.ConnectAsync(home.WebSocketUri);
        using var client = TestHomes.Http(home);

        await socket.ReceiveAsync();
        await socket.SendRawAsync(new JsonObject { ["type"] = "auth", ["access_token"] = home.Token });
        var reply = await socket.ReceiveAsync();
        using var rest = await client.GetAsync("api/states");

        Assert.Equal("auth_invalid", reply["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
    }

    [Fact]
    public async Task FailNextResponses_Two_TwoErrorsThenSuccess()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);
        home.Faults.FailNextResponses(2);

        using var first = await client.GetAsync("api/");
        using var second = await client.GetAsync("api/config");
        using var third = await client.GetAsync("api/");

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task FailNextServiceCalls_One_RefusedAndRecordedThenTheNextCallWorks()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);
        home.Faults.FailNextServiceCalls(1);
        JsonObject Select(string option) => new()
        {
            ["type"] = "call_service",
            ["domain"] = "select",
            ["service"] = "select_option",
            ["service_data"] = new JsonObject { ["option"] = option },
            ["target"] = new JsonObject { ["entity_id"] = EntityIds.WorkMode },
        };

        var refused = await socket.CommandAsync(Select(WorkModes.Hold));
        Assert.Equal(WorkModes.SelfConsumption, home.States.Get(EntityIds.WorkMode)!.State);
        var accepted = await socket.CommandAsync(Select(WorkModes.ForceCharge));

        Assert.False(refused["success"]!.GetValue<bool>());
        Assert.Equal("home_assistant_error", refused["error"]!["code"]!.GetValue<string>());
        Assert.True(accepted["success"]!.GetValue<bool>());
        Assert.Equal(WorkModes.ForceCharge, home.States.Get(EntityIds.WorkMode)!.State);
        var calls = home.Model.ReceivedServiceCalls;
        Assert.Equal(2, calls.Count);
        Assert.Equal(("select", "select_option", EntityIds.WorkMode, true), (calls[0].Domain, calls[0].Service, calls[0].EntityIds[0], calls[0].Failed));
        Assert.Equal("{\"option\":\"Force charge\"}", calls[1].ServiceData);
        Assert.False(calls[1].Failed);
    }

    [Fact]
    public async Task ReceivedServiceCalls_NoCall_Empty()
    {
        await using var home = await TestHomes.StartAsync();
        await using var socket = await HaSocket.AuthenticatedAsync(home);

        await socket.CommandAsync(new JsonObject { ["type"] = "get_states" });

        Assert.Empty(home.Model.ReceivedServiceCalls);
    }

    [Fact]
    public async Task ResponseDelay_Set_ResponsesTakeAtLeastThatLong()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);
        home.Faults.ResponseDelay = TimeSpan.FromMilliseconds(300);
        var started = TimeProvider.System.GetTimestamp();

        using var response = await client.GetAsync("api/");

        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(290));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MakeUnavailable_Counter_UnavailableUntilRestoredAndStatisticsCarryOn()
    {
        await using var home = await TestHomes.StartAsync(Start);
        var before = home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;
        await home.AdvanceAsync(TimeSpan.FromMinutes(10), CancellationToken.None);

        home.Faults.MakeUnavailable(EntityIds.LoadEnergy);
        await home.AdvanceAsync(TimeSpan.FromMinutes(20), CancellationToken.None);
        var during = home.States.Get(EntityIds.LoadEnergy)!.State;
        home.Faults.MakeAvailable(EntityIds.LoadEnergy);
        await home.AdvanceAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        var after = home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;

        Assert.Equal("unavailable", during);
        var (rows, _) = home.Recorder.Statistics(EntityIds.LoadEnergy, Recording.StatisticsPeriod.Hour, Start, null);
        var hour = Assert.Single(rows);
        Assert.Equal(after - before, hour.Sum!.Value, 6);
    }

    [Fact]
    public async Task ResetCounter_Midway_StateDropsToZeroAndSumKeepsCounting()
    {
        await using var home = await TestHomes.StartAsync(Start);
        await home.AdvanceAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        var beforeReset = home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;

        home.Faults.ResetCounter(EntityIds.LoadEnergy);
        var atReset = home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;
        await home.AdvanceAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        var afterReset = home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;

        Assert.Equal(0, atReset);
        var (rows, _) = home.Recorder.Statistics(EntityIds.LoadEnergy, Recording.StatisticsPeriod.Hour, Start, null);
        Assert.Equal(beforeReset + afterReset, Assert.Single(rows).Sum!.Value, 6);
    }

    [Fact]
    public async Task SetEnergyUnit_Wh_StateInWhAndStatisticsStayInKwh()
    {
        await using var home = await TestHomes.StartAsync(Start);
        var before = home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value;
        await home.AdvanceAsync(TimeSpan.FromMinutes(10), CancellationToken.None);

        home.Faults.SetEnergyUnit(EntityIds.LoadEnergy, "Wh");
        await home.AdvanceAsync(TimeSpan.FromMinutes(50), CancellationToken.None);

        var state = home.States.Get(EntityIds.LoadEnergy)!;
        Assert.Equal("Wh", state.UnitOfMeasurement);
        var (rows, _) = home.Recorder.Statistics(EntityIds.LoadEnergy, Recording.StatisticsPeriod.Hour, Start, null);
        Assert.Equal((state.NumericState!.Value / 1000) - before, Assert.Single(rows).Sum!.Value, 3);
        Assert.Equal("kWh", home.Recorder.Metadata(EntityIds.LoadEnergy)!.Unit);
    }

    [Fact]
    public async Task WithholdTomorrowPrices_AfterPublicationHour_TomorrowStaysInvalid()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.WinterNoon);
        home.Faults.WithholdTomorrowPrices(true);

        await home.AdvanceAsync(TimeSpan.FromHours(3), CancellationToken.None);
        var withheld = home.States.Get(EntityIds.NordpoolPrice)!;
        home.Faults.WithholdTomorrowPrices(false);
        var released = home.States.Get(EntityIds.NordpoolPrice)!;

        Assert.False((bool)withheld.Attributes["tomorrow_valid"]!);
        Assert.True((bool)released.Attributes["tomorrow_valid"]!);
    }
}
