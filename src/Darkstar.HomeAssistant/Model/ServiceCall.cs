using System.Text.Json;
using System.Text.Json.Nodes;

namespace Darkstar.HomeAssistant.Model;

/// <summary>The entities, devices or areas a service acts on.</summary>
public sealed record ServiceTarget(
    IReadOnlyList<string>? EntityIds = null,
    IReadOnlyList<string>? DeviceIds = null,
    IReadOnlyList<string>? AreaIds = null)
{
    public static ServiceTarget Entity(string entityId) => new([entityId]);

    internal void WriteTo(JsonObject target)
    {
        Write(target, "entity_id", EntityIds);
        Write(target, "device_id", DeviceIds);
        Write(target, "area_id", AreaIds);
    }

    private static void Write(JsonObject target, string name, IReadOnlyList<string>? ids)
    {
        if (ids is { Count: > 0 })
        {
            target[name] = new JsonArray([.. ids.Select(id => (JsonNode?)JsonValue.Create(id))]);
        }
    }
}

/// <summary>A service call, e.g. <c>select.select_option</c> with <c>{"option": "charge"}</c>.</summary>
/// <param name="ServiceData">The service's fields; the call serialises it and never changes it.</param>
/// <param name="ReturnResponse">Asks for the service's response (only services that return one accept it).</param>
public sealed record ServiceCall(
    string Domain,
    string Service,
    JsonObject? ServiceData = null,
    ServiceTarget? Target = null,
    bool ReturnResponse = false)
{
    internal JsonObject ToWebSocketCommand()
    {
        var command = new JsonObject
        {
            ["type"] = "call_service",
            ["domain"] = Domain,
            ["service"] = Service,
        };
        if (ServiceData is not null)
        {
            command["service_data"] = ServiceData.DeepClone();
        }

        if (Target is not null)
        {
            var target = new JsonObject();
            Target.WriteTo(target);
            command["target"] = target;
        }

        if (ReturnResponse)
        {
            command["return_response"] = true;
        }

        return command;
    }

    /// <summary>The REST body: the service data with the target's ids beside it, as <c>/api/services</c> takes them.</summary>
    internal JsonObject ToRestBody()
    {
        var body = ServiceData?.DeepClone().AsObject() ?? [];
        Target?.WriteTo(body);
        return body;
    }
}

/// <summary>What a service call returned: the states it changed (REST only) and its response, when asked for.</summary>
public sealed record ServiceCallResult(IReadOnlyList<EntityState> ChangedStates, JsonElement? Response)
{
    /// <summary>
    /// Parses the REST answer: an array of changed states, or with <c>?return_response</c>
    /// <c>{"changed_states": [...], "service_response": {...}}</c>.
    /// </summary>
    internal static ServiceCallResult ParseRest(JsonElement body) => body.ValueKind switch
    {
        JsonValueKind.Array => new ServiceCallResult([.. body.EnumerateArray().Select(EntityState.Parse)], null),
        JsonValueKind.Object => new ServiceCallResult(
            body.TryGetProperty("changed_states", out var changed) && changed.ValueKind == JsonValueKind.Array
                ? [.. changed.EnumerateArray().Select(EntityState.Parse)]
                : [],
            body.TryGetProperty("service_response", out var response) ? response.Clone() : null),
        _ => new ServiceCallResult([], null),
    };

    /// <summary>Parses the WebSocket result: <c>{"context": {...}, "response": {...}}</c>.</summary>
    internal static ServiceCallResult ParseWebSocket(JsonElement result) =>
        new([], result.ValueKind == JsonValueKind.Object && result.TryGetProperty("response", out var response) && response.ValueKind != JsonValueKind.Null
            ? response.Clone()
            : null);
}
