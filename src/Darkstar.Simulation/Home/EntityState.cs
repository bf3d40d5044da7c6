using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Darkstar.Simulation.Home;

/// <summary>Who caused a state change or a service call, as Home Assistant's context carries it.</summary>
public sealed record StateContext(string Id, string? ParentId, string? UserId)
{
    public JsonObject ToJson() => new() { ["id"] = Id, ["parent_id"] = ParentId, ["user_id"] = UserId };
}

/// <summary>
/// One entity's state as Home Assistant holds it: the state text, its attributes and the instants
/// it last changed (state text) and was last updated (state or attributes).
/// </summary>
public sealed record EntityState(
    string EntityId,
    string State,
    IReadOnlyDictionary<string, object?> Attributes,
    DateTimeOffset LastChanged,
    DateTimeOffset LastUpdated,
    StateContext Context)
{
    public string Domain => EntityId[..EntityId.IndexOf('.', StringComparison.Ordinal)];

    public string? UnitOfMeasurement => Attributes.TryGetValue("unit_of_measurement", out var unit) ? unit as string : null;

    public string? StateClass => Attributes.TryGetValue("state_class", out var value) ? value as string : null;

    /// <summary>The state as a number, or null when it is not one (<c>unavailable</c>, <c>unknown</c>, text).</summary>
    public double? NumericState =>
        double.TryParse(State, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    /// <summary>The state object of the REST API, <c>get_states</c> and <c>state_changed</c> events.</summary>
    public JsonObject ToJson(bool includeAttributes = true) => new()
    {
        ["entity_id"] = EntityId,
        ["state"] = State,
        ["attributes"] = includeAttributes ? HaJson.ToNode(Attributes) : new JsonObject(),
        ["last_changed"] = HaJson.Timestamp(LastChanged),
        ["last_reported"] = HaJson.Timestamp(LastUpdated),
        ["last_updated"] = HaJson.Timestamp(LastUpdated),
        ["context"] = Context.ToJson(),
    };

    /// <summary>The compressed form of <c>subscribe_entities</c>: <c>{"s","a","c","lc"[,"lu"]}</c>.</summary>
    public JsonObject ToCompressedJson()
    {
        var compressed = new JsonObject
        {
            ["s"] = State,
            ["a"] = HaJson.ToNode(Attributes),
            ["c"] = Context.Id,
            ["lc"] = HaJson.EpochSeconds(LastChanged),
        };
        if (LastUpdated != LastChanged)
        {
            compressed["lu"] = HaJson.EpochSeconds(LastUpdated);
        }

        return compressed;
    }

    /// <summary>
    /// The compressed difference from <paramref name="previous"/> to this state, as Home Assistant
    /// sends it under <c>"c"</c>: additions under <c>"+"</c>, removed attribute names under <c>"-"</c>.
    /// </summary>
    public JsonObject ToCompressedDiff(EntityState previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var additions = new JsonObject();
        if (previous.State != State)
        {
            additions["s"] = State;
        }

        if (previous.LastChanged != LastChanged)
        {
            additions["lc"] = HaJson.EpochSeconds(LastChanged);
        }
        else if (previous.LastUpdated != LastUpdated)
        {
            additions["lu"] = HaJson.EpochSeconds(LastUpdated);
        }

        if (previous.Context.Id != Context.Id)
        {
            additions["c"] = Context.Id;
        }

        var changedAttributes = new JsonObject();
        foreach (var (name, value) in Attributes)
        {
            if (!previous.Attributes.TryGetValue(name, out var old) || !HaJson.SameValue(old, value))
            {
                changedAttributes[name] = HaJson.ToNode(value);
            }
        }

        if (changedAttributes.Count > 0)
        {
            additions["a"] = changedAttributes;
        }

        var diff = new JsonObject { ["+"] = additions };
        var removed = previous.Attributes.Keys.Where(name => !Attributes.ContainsKey(name)).ToList();
        if (removed.Count > 0)
        {
            diff["-"] = new JsonObject { ["a"] = new JsonArray([.. removed.Select(name => (JsonNode?)JsonValue.Create(name))]) };
        }

        return diff;
    }
}

/// <summary>JSON in the shapes and number forms Home Assistant writes.</summary>
public static class HaJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        // Home Assistant writes units such as °C and m² as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Python's <c>isoformat()</c> of a UTC datetime: microseconds only when there are any.</summary>
    public static string Timestamp(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var pattern = utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.ffffff";
        return utc.ToString(pattern, CultureInfo.InvariantCulture) + "+00:00";
    }

    /// <summary>A local ISO instant with its offset, as the Nord Pool integration writes <c>start</c>/<c>end</c>.</summary>
    public static string LocalTimestamp(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
    }

    public static double EpochSeconds(DateTimeOffset instant) =>
        (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    public static double EpochMilliseconds(DateTimeOffset instant) =>
        (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerMillisecond;

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), Options),
    };

    public static bool SameValue(object? a, object? b) =>
        JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options);

    public static string Text(JsonNode? node) => node?.ToJsonString(Options) ?? "null";
}
