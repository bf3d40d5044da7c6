using System.Globalization;
using System.Text.Json.Nodes;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.Rest;
using Darkstar.Simulation;
using Darkstar.Simulation.Home;

namespace Darkstar.IntegrationTests;

/// <summary>Our REST client against the simulated home's <c>/api/...</c>.</summary>
public sealed class RestIntegrationTests
{
    [Fact]
    public async Task GetConfigAsync_SimulatedHome_SiteVersionAndState()
    {
        await using var home = await IntegrationHome.StartAsync();
        var rest = home.Rest();

        var config = await rest.GetConfigAsync(CancellationToken.None);

        var site = home.Home.Source.Site;
        Assert.Equal(site.Name, config.LocationName);
        Assert.Equal(site.TimeZone.Id, config.TimeZone);
        Assert.Equal(home.Home.Source.Market.Currency, config.Currency);
        Assert.Equal(home.Home.Source.Market.Country, config.Country);
        Assert.Equal(site.Latitude, config.Latitude!.Value, 6);
        Assert.Equal(site.Longitude, config.Longitude!.Value, 6);
        Assert.Equal(SimulatedHomeOptions.DefaultVersion, config.Version);
        Assert.Equal("RUNNING", config.State);
    }

    [Fact]
    public async Task GetStatesAsync_SimulatedHome_EveryEntityWithTheSimsStateAndUnit()
    {
        await using var home = await IntegrationHome.StartAsync();
        await home.AdvanceAsync(TimeSpan.FromMinutes(7));
        var rest = home.Rest();

        var states = await rest.GetStatesAsync(CancellationToken.None);

        var expected = home.Home.States.All();
        Assert.Equal(expected.Select(s => s.EntityId), states.Select(s => s.EntityId));
        foreach (var (ours, sims) in states.Zip(expected))
        {
            Assert.Equal(sims.State, ours.State);
            Assert.Equal(sims.UnitOfMeasurement, ours.UnitOfMeasurement);
            Assert.Equal(sims.LastChanged, ours.LastChanged);
            Assert.Equal(sims.LastUpdated, ours.LastUpdated);
        }

        var load = states.Single(s => s.EntityId == EntityIds.LoadEnergy);
        Assert.Equal("total_increasing", load.StateClass);
        Assert.Equal("energy", load.DeviceClass);
        Assert.Equal(home.Home.States.Get(EntityIds.LoadEnergy)!.NumericState!.Value, load.GetKilowattHours()!.Value, 9);
        Assert.True(load.GetKilowattHours() > 0);
    }

    [Fact]
    public async Task GetStateAsync_KnownEntity_TheSimsState()
    {
        await using var home = await IntegrationHome.StartAsync();
        await home.AdvanceAsync(TimeSpan.FromMinutes(3));
        var rest = home.Rest();

        var state = await rest.GetStateAsync(EntityIds.WorkMode, CancellationToken.None);

        Assert.NotNull(state);
        Assert.Equal(EntityIds.WorkMode, state.EntityId);
        Assert.Equal(WorkModes.SelfConsumption, state.State);
        Assert.Equal(WorkModes.All, state.Attributes["options"].EnumerateArray().Select(o => o.GetString()));
    }

    [Fact]
    public async Task GetStateAsync_MissingEntity_Null()
    {
        await using var home = await IntegrationHome.StartAsync();
        var rest = home.Rest();

        var state = await rest.GetStateAsync("sensor.no_such_thing", CancellationToken.None);

        Assert.Null(state);
    }

    [Fact]
    public async Task GetStatesAsync_WrongToken_AuthenticationErrorNamingTheFixNotTheToken()
    {
        await using var home = await IntegrationHome.StartAsync();
        const string wrongToken = "not-the-token-4711";
        var rest = home.Rest(wrongToken);

        var error = await Assert.ThrowsAsync<HomeAssistantAuthenticationException>(() => rest.GetStatesAsync(CancellationToken.None));

        Assert.Contains("home_assistant.token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHistoryAsync_FilterEndTimeMinimal_OnlyThoseEntitiesInPeriodWithUnitsCarried()
    {
        await using var home = await IntegrationHome.StartAsync(history: TimeSpan.FromHours(2));
        var rest = home.Rest();
        var start = home.Now.AddMinutes(-90);
        var end = home.Now.AddMinutes(-30);
        string[] wanted = [EntityIds.LoadEnergy, EntityIds.PvPower];

        var histories = await rest.GetHistoryAsync(wanted, start, end, new HistoryQuery(MinimalResponse: true), CancellationToken.None);

        Assert.Equal(wanted.Order(StringComparer.Ordinal), histories.Select(h => h.EntityId).Order(StringComparer.Ordinal));
        var expected = home.Home.Recorder.History(wanted, start, end, significantChangesOnly: true);
        foreach (var history in histories)
        {
            var sims = expected.Single(list => list[0].EntityId == history.EntityId);
            Assert.Equal(sims.Select(s => s.State), history.States.Select(s => s.State));
            Assert.True(history.States.Count > 10, $"{history.EntityId} has only {history.States.Count} states in an hour");
            Assert.Equal(start, history.States[0].LastChanged);
            Assert.All(history.States, s =>
            {
                Assert.Equal(history.EntityId, s.EntityId);
                Assert.InRange(s.LastChanged, start, end.AddTicks(-1));
                // Minimal states carry no attributes of their own: the first state's unit must carry over.
                Assert.Equal(sims[0].UnitOfMeasurement, s.UnitOfMeasurement);
            });
        }

        var load = histories.Single(h => h.EntityId == EntityIds.LoadEnergy).States;
        Assert.All(load.Zip(load.Skip(1)), pair => Assert.True(pair.Second.GetKilowattHours() >= pair.First.GetKilowattHours()));
    }

    [Fact]
    public async Task GetHistoryAsync_NoAttributesFullStates_StatesWithoutAttributes()
    {
        await using var home = await IntegrationHome.StartAsync(history: TimeSpan.FromHours(1));
        var rest = home.Rest();
        var start = home.Now.AddMinutes(-30);

        var histories = await rest.GetHistoryAsync([EntityIds.LoadEnergy], start, home.Now, new HistoryQuery(MinimalResponse: false, NoAttributes: true), CancellationToken.None);

        var history = Assert.Single(histories);
        Assert.Equal(EntityIds.LoadEnergy, history.EntityId);
        var expected = Assert.Single(home.Home.Recorder.History([EntityIds.LoadEnergy], start, home.Now, significantChangesOnly: true));
        Assert.True(expected.Count > 1, "the simulated load counter did not move in half an hour");
        Assert.Equal(expected.Select(s => s.State), history.States.Select(s => s.State));
        Assert.All(history.States, s => Assert.Empty(s.Attributes));
        // Without a unit an energy reading cannot be converted, but the number itself is read.
        Assert.All(history.States, s => Assert.True(s.TryGetNumber(out _)));
    }

    [Fact]
    public async Task CallServiceAsync_SelectOptionWithoutResponse_ChangedStatesHoldTheNewMode()
    {
        await using var home = await IntegrationHome.StartAsync();
        var rest = home.Rest();
        var call = new ServiceCall("select", "select_option", new JsonObject { ["option"] = WorkModes.Hold }, ServiceTarget.Entity(EntityIds.WorkMode));

        var result = await rest.CallServiceAsync(call, CancellationToken.None);

        Assert.Null(result.Response);
        var changed = Assert.Single(result.ChangedStates, s => s.EntityId == EntityIds.WorkMode);
        Assert.Equal(WorkModes.Hold, changed.State);
        Assert.Equal(WorkModes.Hold, home.Home.States.Get(EntityIds.WorkMode)!.State);
        Assert.Equal(WorkModes.Hold, (await rest.GetStateAsync(EntityIds.WorkMode, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task CallServiceAsync_NordpoolPricesWithReturnResponse_TodaysPricesPerMwh()
    {
        await using var home = await IntegrationHome.StartAsync();
        var rest = home.Rest();
        var site = home.Home.Source.Site;
        var today = SlotGrid.LocalDateOf(home.Now, site.TimeZone);
        var call = new ServiceCall(
            "nordpool",
            "get_prices_for_date",
            new JsonObject
            {
                ["config_entry"] = HomeSimulation.NordpoolConfigEntryId,
                ["date"] = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["areas"] = home.Home.Source.Market.PriceArea,
            },
            ReturnResponse: true);

        var result = await rest.CallServiceAsync(call, CancellationToken.None);

        Assert.NotNull(result.Response);
        var prices = result.Response.Value.GetProperty(home.Home.Source.Market.PriceArea).EnumerateArray().ToList();
        var expected = home.Home.Source.PricesForDay(today)!;
        Assert.Equal(expected.Count, prices.Count);
        foreach (var (price, point) in prices.Zip(expected))
        {
            Assert.Equal(point.Start, DateTimeOffset.Parse(price.GetProperty("start").GetString()!, CultureInfo.InvariantCulture));
            Assert.Equal(point.PricePerKwh * 1000, price.GetProperty("price").GetDouble(), 2);
        }
    }

    [Fact]
    public async Task CallServiceAsync_ResponseOnlyActionWithoutReturnResponse_HttpErrorNamingTheAction()
    {
        await using var home = await IntegrationHome.StartAsync();
        var rest = home.Rest();
        var call = new ServiceCall("nordpool", "get_prices_for_date", new JsonObject { ["config_entry"] = HomeSimulation.NordpoolConfigEntryId, ["date"] = "2026-01-12" });

        var error = await Assert.ThrowsAsync<HomeAssistantHttpException>(() => rest.CallServiceAsync(call, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("return_response", error.Message, StringComparison.Ordinal);
    }
}
