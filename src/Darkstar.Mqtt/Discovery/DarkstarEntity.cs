namespace Darkstar.Mqtt.Discovery;

/// <summary>The Home Assistant platforms Darkstar's entities use.</summary>
public enum EntityPlatform
{
    Sensor,
    BinarySensor,
    Switch,
    Select,
    Number,
    Button,
    Text,
}

/// <summary>One entity of the Darkstar device, as Home Assistant's MQTT discovery describes it.</summary>
public sealed record DarkstarEntity
{
    /// <summary>The component id in <c>cmps</c> and the last part of every topic; never changes once released.</summary>
    public required string Id { get; init; }

    public required EntityPlatform Platform { get; init; }

    public required string Name { get; init; }

    public string? DeviceClass { get; init; }

    public string? Unit { get; init; }

    public string? StateClass { get; init; }

    public string? Icon { get; init; }

    /// <summary><c>config</c> or <c>diagnostic</c>; null for a primary entity.</summary>
    public string? EntityCategory { get; init; }

    public int? DisplayPrecision { get; init; }

    /// <summary>The allowed states of an enum sensor or a select.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public double? Step { get; init; }

    /// <summary>True when the entity carries a JSON attributes payload (series, a status reason).</summary>
    public bool HasAttributes { get; init; }

    public string UniqueId => "darkstar_" + Id;

    public string DefaultEntityId => $"{PlatformText(Platform)}.darkstar_{Id}";

    public bool IsCommandable => Platform is EntityPlatform.Switch or EntityPlatform.Select or EntityPlatform.Number or EntityPlatform.Button or EntityPlatform.Text;

    /// <summary>The regular expression a text entity's value must match.</summary>
    public string? Pattern { get; init; }

    public bool HasState => Platform != EntityPlatform.Button;

    public static string PlatformText(EntityPlatform platform) => platform switch
    {
        EntityPlatform.Sensor => "sensor",
        EntityPlatform.BinarySensor => "binary_sensor",
        EntityPlatform.Switch => "switch",
        EntityPlatform.Select => "select",
        EntityPlatform.Number => "number",
        EntityPlatform.Button => "button",
        EntityPlatform.Text => "text",
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, "Not a Darkstar entity platform."),
    };
}

/// <summary>A component an earlier version published and this one no longer does; Home Assistant is told to drop it.</summary>
public sealed record RetiredEntity(string Id, EntityPlatform Platform);
