using System.Globalization;
using System.Text.Json;
using Darkstar.Core.Units;

namespace Darkstar.HomeAssistant.Model;

/// <summary>
/// One state of one entity as Home Assistant reports it: the raw state text and the attributes, with
/// the attributes Darkstar reads (unit, device class, state class) at hand.
/// </summary>
public sealed record EntityState(
    string EntityId,
    string State,
    IReadOnlyDictionary<string, JsonElement> Attributes,
    DateTimeOffset LastChanged,
    DateTimeOffset LastUpdated)
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoAttributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>The states Home Assistant uses for "no value"; they are never a number.</summary>
    public const string Unavailable = "unavailable";

    public const string Unknown = "unknown";

    public static IReadOnlyDictionary<string, JsonElement> EmptyAttributes => NoAttributes;

    public string? UnitOfMeasurement => GetStringAttribute("unit_of_measurement");

    public string? DeviceClass => GetStringAttribute("device_class");

    public string? StateClass => GetStringAttribute("state_class");

    public string? FriendlyName => GetStringAttribute("friendly_name");

    /// <summary>False for <c>unavailable</c>, <c>unknown</c> and an empty state.</summary>
    public bool HasValue =>
        !string.IsNullOrWhiteSpace(State) &&
        !string.Equals(State, Unavailable, StringComparison.Ordinal) &&
        !string.Equals(State, Unknown, StringComparison.Ordinal);

    /// <summary>
    /// The state as a number. <c>unavailable</c>, <c>unknown</c>, empty, non-numeric and non-finite states
    /// are missing: the result is false, never a zero that would look like a real reading.
    /// </summary>
    public bool TryGetNumber(out double value)
    {
        value = 0;
        if (!HasValue ||
            !double.TryParse(State.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ||
            !double.IsFinite(parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    /// <summary>The state as a number, or null when it is missing (see <see cref="TryGetNumber(out double)"/>).</summary>
    public double? Number => TryGetNumber(out var value) ? value : null;

    /// <summary>An energy reading in kWh, from Wh, kWh or MWh; null when the state is missing.</summary>
    /// <exception cref="UnitConversionException">The sensor's unit is not an energy unit.</exception>
    public double? GetKilowattHours() =>
        TryGetNumber(out var value) ? UnitConverter.ToKilowattHours(value, UnitOfMeasurement, EntityId) : null;

    /// <summary>A power reading in kW, from W or kW; null when the state is missing.</summary>
    /// <exception cref="UnitConversionException">The sensor's unit is not a power unit.</exception>
    public double? GetKilowatts() =>
        TryGetNumber(out var value) ? UnitConverter.ToKilowatts(value, UnitOfMeasurement, EntityId) : null;

    /// <summary>A string attribute, or null when it is absent or not a string.</summary>
    public string? GetStringAttribute(string name) =>
        Attributes.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Parses a full state object (<c>entity_id</c>, <c>state</c>, <c>attributes</c>, <c>last_changed</c>, <c>last_updated</c>).</summary>
    public static EntityState Parse(JsonElement element) => Parse(element, fallbackEntityId: null, inheritedAttributes: null);

    internal static EntityState Parse(JsonElement element, string? fallbackEntityId, IReadOnlyDictionary<string, JsonElement>? inheritedAttributes)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new HomeAssistantProtocolException($"A state must be a JSON object, not {element.ValueKind}.");
        }

        var entityId = Json.GetString(element, "entity_id") ?? fallbackEntityId
            ?? throw new HomeAssistantProtocolException("A state has no entity_id.");
        var state = element.TryGetProperty("state", out var stateElement)
            ? stateElement.ValueKind switch
            {
                JsonValueKind.String => stateElement.GetString() ?? string.Empty,
                JsonValueKind.Null => string.Empty,
                _ => stateElement.GetRawText(),
            }
            : throw new HomeAssistantProtocolException($"The state of {entityId} has no 'state' field.");
        var lastChanged = Json.GetInstant(element, "last_changed")
            ?? throw new HomeAssistantProtocolException($"The state of {entityId} has no valid last_changed.");
        var lastUpdated = Json.GetInstant(element, "last_updated") ?? lastChanged;
        var attributes = element.TryGetProperty("attributes", out var attributesElement) && attributesElement.ValueKind == JsonValueKind.Object
            ? ReadAttributes(attributesElement)
            : inheritedAttributes ?? NoAttributes;
        return new EntityState(entityId, state, attributes, lastChanged, lastUpdated);
    }

    internal static Dictionary<string, JsonElement> ReadAttributes(JsonElement attributes)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in attributes.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return result;
    }
}

/// <summary>A change of one entity's state. <see cref="NewState"/> is null when the entity was removed.</summary>
/// <param name="IsSynthetic">
/// True when the client made it up after a reconnect, from the states it re-read, because the event
/// itself was missed while disconnected.
/// </param>
public sealed record StateChangedEvent(string EntityId, EntityState? OldState, EntityState? NewState, bool IsSynthetic = false);
