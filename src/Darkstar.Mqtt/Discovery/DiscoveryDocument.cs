using System.Text.Json;
using System.Text.Json.Nodes;
using Darkstar.Core.Controls;

namespace Darkstar.Mqtt.Discovery;

/// <summary>
/// The one retained device-discovery config (<c>&lt;prefix&gt;/device/darkstar/config</c>) that declares the Darkstar
/// device and all its entities to Home Assistant.
/// </summary>
public static class DiscoveryDocument
{
    public const string SwitchOn = ControlCatalogue.On;
    public const string SwitchOff = ControlCatalogue.Off;
    public const string ButtonPress = ControlCatalogue.Press;

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static JsonObject Build(
        DarkstarTopics topics, IReadOnlyList<DarkstarEntity> entities, IReadOnlyList<RetiredEntity> retired, string softwareVersion)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(retired);
        var components = new JsonObject();
        foreach (var entity in entities)
        {
            components[entity.Id] = Component(topics, entity);
        }

        foreach (var gone in retired)
        {
            // A platform-only entry is how device discovery says "this component is gone".
            components[gone.Id] = new JsonObject { ["p"] = DarkstarEntity.PlatformText(gone.Platform) };
        }

        return new JsonObject
        {
            ["dev"] = new JsonObject
            {
                ["ids"] = new JsonArray(DarkstarTopics.NodeId),
                ["name"] = "Darkstar",
                ["mf"] = "Darkstar",
                ["mdl"] = "Energy planner add-on",
                ["sw"] = softwareVersion,
            },
            ["o"] = new JsonObject
            {
                ["name"] = "Darkstar",
                ["sw"] = softwareVersion,
            },
            ["availability_topic"] = topics.Availability,
            ["payload_available"] = MqttConnection.OnlinePayload,
            ["payload_not_available"] = MqttConnection.OfflinePayload,
            ["qos"] = 1,
            ["cmps"] = components,
        };
    }

    public static string ToText(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.ToJsonString(Compact);
    }

    private static JsonObject Component(DarkstarTopics topics, DarkstarEntity entity)
    {
        var component = new JsonObject
        {
            ["p"] = DarkstarEntity.PlatformText(entity.Platform),
            ["name"] = entity.Name,
            ["unique_id"] = entity.UniqueId,
            ["default_entity_id"] = entity.DefaultEntityId,
        };
        if (entity.HasState)
        {
            component["state_topic"] = topics.State(entity.Id);
        }

        if (entity.IsCommandable)
        {
            component["command_topic"] = topics.Command(entity.Id);
        }

        if (entity.HasAttributes)
        {
            component["json_attributes_topic"] = topics.Attributes(entity.Id);
        }

        switch (entity.Platform)
        {
            case EntityPlatform.BinarySensor or EntityPlatform.Switch:
                component["payload_on"] = SwitchOn;
                component["payload_off"] = SwitchOff;
                break;
            case EntityPlatform.Button:
                component["payload_press"] = ButtonPress;
                break;
            case EntityPlatform.Number:
                component["min"] = entity.Min;
                component["max"] = entity.Max;
                component["step"] = entity.Step;
                component["mode"] = "box";
                break;
            case EntityPlatform.Text:
                component["pattern"] = entity.Pattern;
                component["max"] = 5;
                break;
        }

        Add(component, "device_class", entity.DeviceClass);
        Add(component, "unit_of_measurement", entity.Unit);
        Add(component, "state_class", entity.StateClass);
        Add(component, "entity_category", entity.EntityCategory);
        Add(component, "icon", entity.Icon);
        if (entity.DisplayPrecision is { } precision)
        {
            component["suggested_display_precision"] = precision;
        }

        if (entity.Options is { } options)
        {
            component["options"] = new JsonArray([.. options.Select(o => (JsonNode?)JsonValue.Create(o))]);
        }

        return component;
    }

    private static void Add(JsonObject component, string key, string? value)
    {
        if (value is not null)
        {
            component[key] = value;
        }
    }
}
