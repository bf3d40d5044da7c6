using System.Net;
using System.Text.Json.Nodes;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.HomeAssistant.Tests;

/// <summary>The REST client over real HTTP against <see cref="ScriptedHomeAssistant"/>.</summary>
public sealed class RestClientTests : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly List<string> _requests = [];

    private async Task<ScriptedHomeAssistant> StartAsync() =>
        await ScriptedHomeAssistant.StartAsync(null, app =>
        {
            // Every endpoint wants the bearer token, as Home Assistant does.
            app.Use(async (context, next) =>
            {
                lock (_requests)
                {
                    _requests.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
                }

                if (context.Request.Headers.Authorization != $"Bearer {ScriptedHomeAssistant.Token}")
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                await next(context);
            });
            app.MapGet("/api/config", () => Results.Text("""{"location_name":"Home","time_zone":"Europe/Stockholm","version":"2025.11.0","currency":"SEK","latitude":59.3,"longitude":18.1}""", "application/json"));
            app.MapGet("/api/states/{entityId}", (string entityId) => entityId == "sensor.energy"
                ? Results.Text("""{"entity_id":"sensor.energy","state":"2500","attributes":{"unit_of_measurement":"Wh"},"last_changed":"2026-01-01T00:00:00+00:00","last_updated":"2026-01-01T00:00:00+00:00"}""", "application/json")
                : Results.Text("""{"message":"Entity not found."}""", "application/json", statusCode: 404));
            app.MapGet("/api/history/period/{start}", () => Results.Text("""
                [[{"entity_id":"sensor.energy","state":"1","attributes":{"unit_of_measurement":"kWh"},"last_changed":"2026-01-01T00:00:00+00:00","last_updated":"2026-01-01T00:00:00+00:00"},
                  {"state":"2","last_changed":"2026-01-01T00:15:00+00:00"}]]
                """, "application/json"));
            app.MapPost("/api/services/{domain}/{service}", async (HttpContext context, string domain, string service) =>
            {
                var body = await JsonNode.ParseAsync(context.Request.Body);
                var changed = new JsonArray(new JsonObject
                {
                    ["entity_id"] = body!["entity_id"]![0]!.GetValue<string>(),
                    ["state"] = body["option"]!.GetValue<string>(),
                    ["attributes"] = new JsonObject(),
                    ["last_changed"] = "2026-01-01T00:00:00+00:00",
                    ["last_updated"] = "2026-01-01T00:00:00+00:00",
                });
                var answer = context.Request.Query.ContainsKey("return_response")
                    ? new JsonObject { ["changed_states"] = changed, ["service_response"] = new JsonObject { ["domain"] = domain, ["service"] = service } }
                    : (JsonNode)changed;
                return Results.Text(answer.ToJsonString(), "application/json");
            });
        });

    private HomeAssistantRestClient Client(ScriptedHomeAssistant peer, string token = ScriptedHomeAssistant.Token) =>
        new(_http, peer.Settings(token), NullLogger<HomeAssistantRestClient>.Instance);

    [Fact]
    public async Task GetConfigAsync_WithBearerToken_ParsesTheConfiguration()
    {
        await using var peer = await StartAsync();

        var config = await Client(peer).GetConfigAsync(CancellationToken.None);

        Assert.Equal("Europe/Stockholm", config.TimeZone);
        Assert.Equal("SEK", config.Currency);
        Assert.Equal(59.3, config.Latitude);
    }

    [Fact]
    public async Task GetConfigAsync_WrongToken_ThrowsAuthenticationErrorWithoutTheToken()
    {
        await using var peer = await StartAsync();

        var error = await Assert.ThrowsAsync<HomeAssistantAuthenticationException>(() => Client(peer, "not-the-token-77").GetConfigAsync(CancellationToken.None));

        Assert.Contains("home_assistant.token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token-77", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStateAsync_KnownAndUnknownEntity_ParsesOrReturnsNull()
    {
        await using var peer = await StartAsync();
        var client = Client(peer);

        var energy = await client.GetStateAsync("sensor.energy", CancellationToken.None);
        var missing = await client.GetStateAsync("sensor.nope", CancellationToken.None);

        Assert.Equal(2.5, energy!.GetKilowattHours());
        Assert.Null(missing);
    }

    [Fact]
    public async Task GetHistoryAsync_MinimalResponse_SendsTheQueryAndParsesMinimalStates()
    {
        await using var peer = await StartAsync();

        var history = await Client(peer).GetHistoryAsync(
            ["sensor.energy", "sensor.power"],
            new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1)),
            new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero),
            new HistoryQuery(MinimalResponse: true, NoAttributes: true),
            CancellationToken.None);

        var states = Assert.Single(history).States;
        Assert.Equal([1.0, 2.0], states.Select(s => s.GetKilowattHours()!.Value));
        var request = Assert.Single(_requests);
        Assert.Equal(
            "GET /api/history/period/2026-01-01T00:00:00Z?filter_entity_id=sensor.energy%2Csensor.power&end_time=2026-01-02T00%3A00%3A00Z&minimal_response&no_attributes",
            WebUtility.UrlDecode(request.Split('?')[0]) + "?" + request.Split('?')[1]);
    }

    [Fact]
    public async Task CallServiceAsync_ReturnResponse_ParsesChangedStatesAndServiceResponse()
    {
        await using var peer = await StartAsync();
        var call = new ServiceCall("select", "select_option", new JsonObject { ["option"] = "charge" }, ServiceTarget.Entity("select.work_mode"), ReturnResponse: true);

        var result = await Client(peer).CallServiceAsync(call, CancellationToken.None);

        Assert.Equal(("select.work_mode", "charge"), (result.ChangedStates[0].EntityId, result.ChangedStates[0].State));
        Assert.Equal("select_option", result.Response!.Value.GetProperty("service").GetString());
        Assert.EndsWith("/api/services/select/select_option?return_response", _requests.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallServiceAsync_WithoutResponse_ParsesTheChangedStatesArray()
    {
        await using var peer = await StartAsync();
        var call = new ServiceCall("select", "select_option", new JsonObject { ["option"] = "hold" }, ServiceTarget.Entity("select.work_mode"));

        var result = await Client(peer).CallServiceAsync(call, CancellationToken.None);

        Assert.Equal("hold", Assert.Single(result.ChangedStates).State);
        Assert.Null(result.Response);
    }

    [Fact]
    public async Task GetConfigAsync_NothingListening_ThrowsConnectionLost()
    {
        Uri closed;
        await using (var peer = await StartAsync())
        {
            closed = peer.BaseUri;
        }

        var client = new HomeAssistantRestClient(_http, HomeAssistantConnectionSettings.ForStandalone(closed, "t"), NullLogger<HomeAssistantRestClient>.Instance);

        await Assert.ThrowsAsync<HomeAssistantConnectionLostException>(() => client.GetConfigAsync(CancellationToken.None));
    }

    public void Dispose() => _http.Dispose();
}
