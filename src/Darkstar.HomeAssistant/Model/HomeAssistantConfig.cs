using System.Text.Json;

namespace Darkstar.HomeAssistant.Model;

/// <summary>The parts of Home Assistant's configuration Darkstar uses, and the whole of it as <see cref="Raw"/>.</summary>
public sealed record HomeAssistantConfig(
    string? LocationName,
    string? TimeZone,
    string? Version,
    string? Currency,
    string? Country,
    double? Latitude,
    double? Longitude,
    double? Elevation,
    string? State,
    JsonElement Raw)
{
    public static HomeAssistantConfig Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new HomeAssistantProtocolException($"The configuration must be an object, not {element.ValueKind}.");
        }

        return new HomeAssistantConfig(
            Json.GetString(element, "location_name"),
            Json.GetString(element, "time_zone"),
            Json.GetString(element, "version"),
            Json.GetString(element, "currency"),
            Json.GetString(element, "country"),
            Json.GetDouble(element, "latitude"),
            Json.GetDouble(element, "longitude"),
            Json.GetDouble(element, "elevation"),
            Json.GetString(element, "state"),
            element.Clone());
    }
}

/// <summary>An event from <c>subscribe_events</c>.</summary>
public sealed record HomeAssistantEvent(string EventType, JsonElement Data, DateTimeOffset? TimeFired, string? Origin)
{
    public static HomeAssistantEvent Parse(JsonElement element) =>
        new(
            Json.GetString(element, "event_type") ?? throw new HomeAssistantProtocolException("An event has no event_type."),
            element.TryGetProperty("data", out var data) ? data.Clone() : default,
            Json.GetInstant(element, "time_fired"),
            Json.GetString(element, "origin"));
}
