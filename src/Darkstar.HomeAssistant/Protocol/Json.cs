using System.Text.Json;
using Darkstar.Core.Time;

namespace Darkstar.HomeAssistant;

/// <summary>Small readers for Home Assistant's JSON, tolerant of absent fields and explicit nulls.</summary>
internal static class Json
{
    public static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static long? GetInt64(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    public static double? GetDouble(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;

    public static bool? GetBoolean(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    /// <summary>An ISO-8601 instant with a zone, as Home Assistant writes <c>last_changed</c>.</summary>
    public static DateTimeOffset? GetInstant(JsonElement element, string name) =>
        InstantText.TryParse(GetString(element, name), out var instant) ? instant : null;

    /// <summary>Seconds since the epoch with a fraction, as the compressed state format writes them.</summary>
    public static DateTimeOffset FromEpochSeconds(double seconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    /// <summary>Milliseconds since the epoch, as the recorder's statistics write <c>start</c> and <c>end</c>.</summary>
    public static DateTimeOffset FromEpochMilliseconds(double milliseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(milliseconds * TimeSpan.TicksPerMillisecond));
}
