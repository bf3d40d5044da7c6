using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Darkstar.Core.Time;
using Darkstar.Simulation.Home;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Darkstar.Simulation.Api;

/// <summary>
/// Home Assistant's REST API (<c>/api/...</c>, also under the Supervisor's <c>/core/api/...</c>), its
/// WebSocket endpoints, the Supervisor's MQTT service and the Open-Meteo weather API, with the faults.
/// </summary>
internal static class HomeAssistantApi
{
    public static void Map(WebApplication app, SimulatedHome home)
    {
        app.Use(async (context, next) =>
        {
            var faults = home.Faults;
            if (faults.ResponseDelay > TimeSpan.Zero && !context.WebSockets.IsWebSocketRequest)
            {
                await Task.Delay(faults.ResponseDelay, context.RequestAborted);
            }

            if (faults.TryConsumeFailure())
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("500 Internal Server Error\n\nServer got itself in trouble", context.RequestAborted);
                return;
            }

            var path = context.Request.Path.Value ?? "";
            if (faults.RefuseWebSockets && IsWebSocketPath(path))
            {
                // Home Assistant restarting: the HTTP server is up, its WebSocket API is not yet.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            var needsToken = !path.StartsWith("/v1/", StringComparison.Ordinal) && !IsWebSocketPath(path);
            if (needsToken && !Authorized(context.Request, home, path.StartsWith("/api/", StringComparison.Ordinal) || path == "/api"))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("401: Unauthorized", context.RequestAborted);
                return;
            }

            await next(context);
        });

        MapRest(app.MapGroup("/api"), home);
        MapRest(app.MapGroup("/core/api"), home);
        app.Map("/api/websocket", context => WebSocketSession.AcceptAsync(context, home));
        app.Map("/core/websocket", context => WebSocketSession.AcceptAsync(context, home));
        app.MapGet("/services/mqtt", () => Json(new JsonObject
        {
            ["result"] = "ok",
            ["data"] = new JsonObject
            {
                ["addon"] = "core_mosquitto",
                ["host"] = home.Options.MqttHost,
                ["port"] = home.Options.MqttPort,
                ["ssl"] = false,
                ["protocol"] = "3.1.1",
                ["username"] = home.Options.MqttUsername,
                ["password"] = home.Options.MqttPassword,
            },
        }));
        WeatherApi.Map(app, home);
        // Not Home Assistant's: a stepped home in its own process is moved by the one who runs it (bench soak).
        app.MapPost("/simulation/advance", (HttpRequest request) => AdvanceAsync(home, request));
    }

    /// <summary>
    /// <c>POST /simulation/advance?seconds=S</c>: moves a stepped clock S simulated seconds, every physics tick on the way,
    /// and answers with the new instant once it is there.
    /// </summary>
    private static async Task<IResult> AdvanceAsync(SimulatedHome home, HttpRequest request)
    {
        if (home.Clock.Mode != Clock.SimulationClockMode.Stepped)
        {
            return Json(new JsonObject { ["message"] = $"The clock runs in {home.Clock.Mode} mode; only a stepped one is advanced." }, StatusCodes.Status409Conflict);
        }

        if (!double.TryParse(request.Query["seconds"], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds >= 0) || seconds > TimeSpan.FromDays(366).TotalSeconds)
        {
            return Json(new JsonObject { ["message"] = "seconds: a number of simulated seconds from 0 to a year is needed." }, StatusCodes.Status400BadRequest);
        }

        await home.AdvanceAsync(TimeSpan.FromSeconds(seconds), request.HttpContext.RequestAborted);
        return Json(new JsonObject { ["now"] = InstantText.Format(home.Clock.GetUtcNow()) });
    }

    public static IResult Json(JsonNode? node, int status = StatusCodes.Status200OK) =>
        Results.Text(HaJson.Text(node), "application/json", System.Text.Encoding.UTF8, status);

    public static JsonObject Config(SimulatedHome home)
    {
        var site = home.Source.Site;
        return new JsonObject
        {
            ["allowlist_external_dirs"] = new JsonArray(),
            ["allowlist_external_urls"] = new JsonArray(),
            ["components"] = new JsonArray("api", "websocket_api", "recorder", "history", "sensor", "select", "switch", "number", "input_boolean", "nordpool", "mqtt"),
            ["config_dir"] = "/config",
            ["config_source"] = "storage",
            ["country"] = home.Source.Market.Country,
            ["currency"] = home.Source.Market.Currency,
            ["elevation"] = (int)site.Elevation,
            ["external_url"] = null,
            ["internal_url"] = null,
            ["language"] = "en",
            ["latitude"] = site.Latitude,
            ["location_name"] = site.Name,
            ["longitude"] = site.Longitude,
            ["radius"] = 100,
            ["recovery_mode"] = false,
            ["safe_mode"] = false,
            ["state"] = "RUNNING",
            ["time_zone"] = site.TimeZone.Id,
            ["unit_system"] = new JsonObject
            {
                ["length"] = "km",
                ["accumulated_precipitation"] = "mm",
                ["area"] = "m²",
                ["mass"] = "g",
                ["pressure"] = "Pa",
                ["temperature"] = "°C",
                ["volume"] = "L",
                ["wind_speed"] = "m/s",
            },
            ["version"] = home.Options.Version,
            ["whitelist_external_dirs"] = new JsonArray(),
        };
    }

    private static bool IsWebSocketPath(string path) => path is "/api/websocket" or "/core/websocket";

    private static bool Authorized(HttpRequest request, SimulatedHome home, bool homeAssistantOnly)
    {
        if (home.Faults.RefuseAuth)
        {
            return false;
        }

        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal) && header["Bearer ".Length..] == home.Token)
        {
            return true;
        }

        // The Supervisor also takes its token in X-Supervisor-Token; Home Assistant's own API does not.
        return !homeAssistantOnly && request.Headers["X-Supervisor-Token"].ToString() == home.Token;
    }

    private static void MapRest(RouteGroupBuilder api, SimulatedHome home)
    {
        api.MapGet("/", () => Json(new JsonObject { ["message"] = "API running." }));
        api.MapGet("/config", () => Json(Config(home)));
        api.MapGet("/states", () => Json(new JsonArray([.. home.States.All().Select(s => (JsonNode)s.ToJson())])));
        api.MapGet("/states/{entityId}", (string entityId) => home.States.Get(entityId) is { } state
            ? Json(state.ToJson())
            : Json(new JsonObject { ["message"] = "Entity not found." }, StatusCodes.Status404NotFound));
        api.MapGet("/services", () =>
        {
            var services = ServiceCatalog.ToJson();
            return Json(new JsonArray([.. services.Select(pair => (JsonNode)new JsonObject { ["domain"] = pair.Key, ["services"] = pair.Value!.DeepClone() })]));
        });
        api.MapPost("/services/{domain}/{service}", (string domain, string service, HttpRequest request) => CallServiceAsync(home, domain, service, request));
        api.MapGet("/history/period", (HttpRequest request) => History(home, null, request));
        api.MapGet("/history/period/{timestamp}", (string timestamp, HttpRequest request) => History(home, timestamp, request));
    }

    private static async Task<IResult> CallServiceAsync(SimulatedHome home, string domain, string service, HttpRequest request)
    {
        JsonObject? data;
        try
        {
            data = request.ContentLength is 0 ? null : await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return Json(new JsonObject { ["message"] = "Data should be valid JSON." }, StatusCodes.Status400BadRequest);
        }

        var returnResponse = request.Query.ContainsKey("return_response");
        try
        {
            var result = home.Model.CallService(domain, service, data, null, returnResponse, home.Clock.GetUtcNow(), userId: null);
            var changed = new JsonArray([.. result.ChangedStates.Select(s => (JsonNode)s.ToJson())]);
            return returnResponse
                ? Json(new JsonObject { ["changed_states"] = changed, ["service_response"] = result.Response })
                : Json(changed);
        }
        catch (ServiceCallException e)
        {
            return Json(new JsonObject { ["message"] = e.Message }, StatusCodes.Status400BadRequest);
        }
    }

    private static IResult History(SimulatedHome home, string? timestamp, HttpRequest request)
    {
        var now = home.Clock.GetUtcNow();
        DateTimeOffset start;
        if (timestamp is null)
        {
            start = now.AddDays(-1);
        }
        else if (!TryParseInstant(timestamp, out start))
        {
            return Json(new JsonObject { ["message"] = "Invalid datetime" }, StatusCodes.Status400BadRequest);
        }

        var end = start.AddDays(1);
        if (request.Query["end_time"].ToString() is { Length: > 0 } endText && !TryParseInstant(endText, out end))
        {
            return Json(new JsonObject { ["message"] = "Invalid end_time" }, StatusCodes.Status400BadRequest);
        }

        if (start > now)
        {
            return Json(new JsonArray());
        }

        var filter = request.Query["filter_entity_id"].ToString();
        if (filter.Length == 0)
        {
            return Json(new JsonObject { ["message"] = "filter_entity_id is missing" }, StatusCodes.Status400BadRequest);
        }

        var entityIds = filter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entityIds.Any(id => id.Split('.') is not [{ Length: > 0 }, { Length: > 0 }]))
        {
            return Json(new JsonObject { ["message"] = "Invalid filter_entity_id" }, StatusCodes.Status400BadRequest);
        }

        var minimal = request.Query.ContainsKey("minimal_response");
        var noAttributes = request.Query.ContainsKey("no_attributes");
        var significantOnly = !request.Query.TryGetValue("significant_changes_only", out var significant) ||
            significant.ToString() is not ("0" or "false" or "False");
        var history = home.Recorder.History(entityIds, start, end, significantOnly);
        var result = new JsonArray();
        foreach (var states in history)
        {
            var list = new JsonArray();
            for (var i = 0; i < states.Count; i++)
            {
                list.Add(minimal && i > 0
                    ? new JsonObject { ["state"] = states[i].State, ["last_changed"] = HaJson.Timestamp(states[i].LastChanged) }
                    : states[i].ToJson(includeAttributes: !noAttributes));
            }

            result.Add(list);
        }

        return Json(result);
    }

    /// <summary>Home Assistant's reading of a time in a URL: with a zone as given, without one as UTC.</summary>
    public static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        if (InstantText.TryParse(text, out instant))
        {
            return true;
        }

        // A '+' in a query string arrives as a space.
        if (InstantText.TryParse(text.Replace(' ', '+'), out instant))
        {
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }
}
