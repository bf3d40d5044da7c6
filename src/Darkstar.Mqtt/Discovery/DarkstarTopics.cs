namespace Darkstar.Mqtt.Discovery;

/// <summary>Every topic Darkstar publishes or listens on, from the options' discovery prefix and topic base.</summary>
public sealed record DarkstarTopics(string DiscoveryPrefix, string TopicBase)
{
    /// <summary>The node id in discovery topics (<c>&lt;prefix&gt;/device/darkstar/config</c>).</summary>
    public const string NodeId = "darkstar";

    public string Availability => $"{TopicBase}/status";

    /// <summary>Where Home Assistant announces itself (<c>online</c>) after a start: the cue to announce again.</summary>
    public string HomeAssistantStatus => $"{DiscoveryPrefix}/status";

    public string DeviceConfig => $"{DiscoveryPrefix}/device/{NodeId}/config";

    public string State(string entityId) => $"{TopicBase}/{entityId}/state";

    public string Attributes(string entityId) => $"{TopicBase}/{entityId}/attributes";

    public string Command(string entityId) => $"{TopicBase}/{entityId}/set";

    /// <summary>The filter that matches every command topic.</summary>
    public string AllCommands => $"{TopicBase}/+/set";

    /// <summary>The per-entity discovery topic of earlier, pre-device-discovery versions: emptied to remove a retired entity.</summary>
    public string EntityConfig(EntityPlatform platform, string entityId) =>
        $"{DiscoveryPrefix}/{DarkstarEntity.PlatformText(platform)}/{NodeId}/{entityId}/config";

    /// <summary>The component id of a command topic, or null when <paramref name="topic"/> is not one.</summary>
    public string? CommandEntityId(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var prefix = TopicBase + "/";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal) || !topic.EndsWith("/set", StringComparison.Ordinal))
        {
            return null;
        }

        var id = topic[prefix.Length..^"/set".Length];
        return id.Length > 0 && !id.Contains('/', StringComparison.Ordinal) ? id : null;
    }
}
