using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Darkstar.Simulation.Home;
using Darkstar.Testing;

namespace Darkstar.Simulation.Tests;

public sealed partial class RestApiTests
{
    [Fact]
    public async Task Api_WithoutToken_Returns401()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = new HttpClient { BaseAddress = home.BaseUri };

        using var response = await client.GetAsync("api/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WrongToken_Returns401()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home, "not-the-token");

        using var response = await client.GetAsync("api/states");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_WithToken_SaysApiRunning()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        var body = JsonNode.Parse(await client.GetStringAsync("api/"))!;

        Assert.Equal("API running.", body["message"]!.GetValue<string>());
        Assert.NotEqual(0, home.Port);
    }

    [Fact]
    public async Task Config_Always_HasTimeZoneLocationCurrencyAndVersion()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        var config = JsonNode.Parse(await client.GetStringAsync("api/config"))!;

        Assert.Equal("Europe/Stockholm", config["time_zone"]!.GetValue<string>());
        Assert.Equal(59.33, config["latitude"]!.GetValue<double>());
        Assert.Equal(18.07, config["longitude"]!.GetValue<double>());
        Assert.Equal("SEK", config["currency"]!.GetValue<string>());
        Assert.Equal("°C", config["unit_system"]!["temperature"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(config["version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task States_SimulatedHomeOptions_EveryEntityTheyNameExists()
    {
        var yaml = await File.ReadAllTextAsync(RepositoryRoot.File("src", "Darkstar.Core", "Options", "simulated-home.yaml"));
        var named = EntityIdPattern().Matches(yaml).Select(m => m.Value).Distinct().ToList();
        Assert.True(named.Count >= 15, $"expected the options to name the home's entities, found {named.Count}");
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        var states = JsonNode.Parse(await client.GetStringAsync("api/states"))!.AsArray();
        var ids = states.Select(s => s!["entity_id"]!.GetValue<string>()).ToHashSet();

        Assert.All(named, id => Assert.Contains(id, ids));
        var token = YamlTokenPattern().Match(yaml).Groups[1].Value;
        Assert.Equal(home.Token, token);
    }

    [Fact]
    public async Task State_EnergyCounter_IsTotalIncreasingKwh()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        var state = JsonNode.Parse(await client.GetStringAsync($"api/states/{EntityIds.GridImportEnergy}"))!;

        var attributes = state["attributes"]!;
        Assert.Equal("total_increasing", attributes["state_class"]!.GetValue<string>());
        Assert.Equal("energy", attributes["device_class"]!.GetValue<string>());
        Assert.Equal("kWh", attributes["unit_of_measurement"]!.GetValue<string>());
        Assert.EndsWith("+00:00", state["last_changed"]!.GetValue<string>());
        Assert.Equal(26, state["context"]!["id"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task State_UnknownEntity_Returns404()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        using var response = await client.GetAsync("api/states/sensor.no_such_thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Services_SelectOption_ChangesWorkModeAndListsChangedStates()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        using var response = await client.PostAsync("api/services/select/select_option",
            Json(new JsonObject { ["entity_id"] = EntityIds.WorkMode, ["option"] = "Force charge" }));

        response.EnsureSuccessStatusCode();
        var changed = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        var mode = Assert.Single(changed, s => s!["entity_id"]!.GetValue<string>() == EntityIds.WorkMode);
        Assert.Equal("Force charge", mode!["state"]!.GetValue<string>());
        Assert.Equal("Force charge", home.States.Get(EntityIds.WorkMode)!.State);
    }

    [Fact]
    public async Task Services_InvalidOption_Returns400AndKeepsMode()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        using var response = await client.PostAsync("api/services/select/select_option",
            Json(new JsonObject { ["entity_id"] = EntityIds.WorkMode, ["option"] = "Turbo" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(WorkModes.SelfConsumption, home.States.Get(EntityIds.WorkMode)!.State);
    }

    [Fact]
    public async Task Services_UnknownService_Returns400()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        using var response = await client.PostAsync("api/services/light/turn_on", Json(new JsonObject()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Services_NordpoolWithReturnResponse_AnswersPricesPerMwhForTheArea()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        using var response = await client.PostAsync("api/services/nordpool/get_prices_for_date?return_response",
            Json(new JsonObject { ["config_entry"] = HomeSimulation.NordpoolConfigEntryId, ["date"] = "2026-01-12", ["areas"] = "SE3" }));

        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var prices = body["service_response"]!["SE3"]!.AsArray();
        Assert.Equal(96, prices.Count);
        Assert.Equal("2026-01-11T23:00:00+00:00", prices[0]!["start"]!.GetValue<string>());
        var sensor = home.States.Get(EntityIds.NordpoolPrice)!;
        var firstRaw = ((List<Dictionary<string, object?>>)sensor.Attributes["raw_today"]!)[0];
        Assert.Equal((double)firstRaw["value"]! * 1000, prices[0]!["price"]!.GetValue<double>(), 1);
    }

    [Fact]
    public async Task Services_NordpoolWithoutReturnResponse_Returns400()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        using var response = await client.PostAsync("api/services/nordpool/get_prices_for_date",
            Json(new JsonObject { ["config_entry"] = HomeSimulation.NordpoolConfigEntryId, ["date"] = "2026-01-12" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NordpoolSensor_BeforeAndAfterPublication_TomorrowAppearsAt13Local()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.WinterNoon);
        var before = home.States.Get(EntityIds.NordpoolPrice)!;
        Assert.False((bool)before.Attributes["tomorrow_valid"]!);
        Assert.Empty((List<Dictionary<string, object?>>)before.Attributes["raw_tomorrow"]!);
        Assert.Equal("SEK/kWh", before.UnitOfMeasurement);
        Assert.Equal("kWh", before.Attributes["unit"]);
        Assert.Equal("SEK", before.Attributes["currency"]);

        await home.AdvanceAsync(TimeSpan.FromHours(1), CancellationToken.None);

        var after = home.States.Get(EntityIds.NordpoolPrice)!;
        Assert.True((bool)after.Attributes["tomorrow_valid"]!);
        var tomorrow = (List<Dictionary<string, object?>>)after.Attributes["raw_tomorrow"]!;
        Assert.Equal(96, tomorrow.Count);
        Assert.Equal("2026-01-13T00:00:00+01:00", tomorrow[0]["start"]);
        Assert.Equal(after.Attributes["current_price"], after.NumericState);
    }

    [Fact]
    public async Task History_PeriodWithFilter_StartsWithTheStateAtTheStartThenChanges()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning);
        await home.AdvanceAsync(TimeSpan.FromHours(2), CancellationToken.None);
        using var client = TestHomes.Http(home);
        var start = TestHomes.SummerMorning.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var full = JsonNode.Parse(await client.GetStringAsync($"api/history/period/{start}?filter_entity_id={EntityIds.PvEnergy},{EntityIds.WorkMode}&end_time=2026-06-15T07:30:00Z"))!.AsArray();
        var minimal = JsonNode.Parse(await client.GetStringAsync($"api/history/period/{start}?filter_entity_id={EntityIds.PvEnergy}&end_time=2026-06-15T07:30:00Z&minimal_response&no_attributes"))!.AsArray();

        Assert.Equal(2, full.Count);
        var pv = full[0]!.AsArray();
        Assert.Equal(EntityIds.PvEnergy, pv[0]!["entity_id"]!.GetValue<string>());
        Assert.Equal("2026-06-15T06:30:00+00:00", pv[0]!["last_changed"]!.GetValue<string>());
        Assert.True(pv.Count > 30, $"PV should count up every minute or two in a June morning, got {pv.Count} states");
        var mode = Assert.Single(full[1]!.AsArray());
        Assert.Equal(WorkModes.SelfConsumption, mode!["state"]!.GetValue<string>());
        var minimalPv = minimal[0]!.AsArray();
        Assert.Equal(pv.Count, minimalPv.Count);
        Assert.Empty(minimalPv[0]!["attributes"]!.AsObject());
        Assert.Null(minimalPv[1]!["entity_id"]);
        Assert.Equal(pv[1]!["state"]!.GetValue<string>(), minimalPv[1]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task History_WithoutFilter_Returns400()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = TestHomes.Http(home);

        using var response = await client.GetAsync("api/history/period/2026-01-12T00:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Supervisor_CoreApiAndMqttService_AnswerWithSupervisorToken()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = new HttpClient { BaseAddress = home.BaseUri };
        client.DefaultRequestHeaders.Add("X-Supervisor-Token", home.Token);

        var states = JsonNode.Parse(await client.GetStringAsync("core/api/states"))!.AsArray();
        var mqtt = JsonNode.Parse(await client.GetStringAsync("services/mqtt"))!;

        Assert.Contains(states, s => s!["entity_id"]!.GetValue<string>() == EntityIds.BatterySoc);
        Assert.Equal("ok", mqtt["result"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", mqtt["data"]!["host"]!.GetValue<string>());
        Assert.Equal(1883, mqtt["data"]!["port"]!.GetValue<int>());
        Assert.False(mqtt["data"]!["ssl"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(mqtt["data"]!["password"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Supervisor_MqttServiceWithoutToken_Returns401()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = new HttpClient { BaseAddress = home.BaseUri };

        using var response = await client.GetAsync("services/mqtt");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    [GeneratedRegex(@"\b(?:sensor|select|switch|number|input_boolean)\.darkstar_sim_[a-z0-9_]+")]
    private static partial Regex EntityIdPattern();

    [GeneratedRegex(@"token:\s*(\S+)")]
    private static partial Regex YamlTokenPattern();
}
