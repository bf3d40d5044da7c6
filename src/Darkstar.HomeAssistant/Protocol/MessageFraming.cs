using System.Text.Json;
using System.Text.Json.Nodes;

namespace Darkstar.HomeAssistant.Protocol;

/// <summary>
/// Turns one WebSocket text frame into the messages it holds. Home Assistant sends one JSON object per
/// frame, or, once the client announced <c>coalesce_messages</c>, a JSON array of such objects.
/// </summary>
internal static class MessageFraming
{
    public static IReadOnlyList<JsonElement> Split(ReadOnlyMemory<byte> frame)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame);
        }
        catch (JsonException ex)
        {
            throw new HomeAssistantProtocolException($"Home Assistant sent a frame that is not JSON ({frame.Length} bytes).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    return [root.Clone()];
                case JsonValueKind.Array:
                    var messages = new List<JsonElement>(root.GetArrayLength());
                    foreach (var item in root.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.Object)
                        {
                            throw new HomeAssistantProtocolException($"A coalesced frame holds a {item.ValueKind} where a message object belongs.");
                        }

                        messages.Add(item.Clone());
                    }

                    return messages;
                default:
                    throw new HomeAssistantProtocolException($"Home Assistant sent a frame that is a JSON {root.ValueKind}, not a message.");
            }
        }
    }

    /// <summary>The <c>type</c> of a message; every Home Assistant message has one.</summary>
    public static string GetType(JsonElement message) =>
        Json.GetString(message, "type") ?? throw new HomeAssistantProtocolException("Home Assistant sent a message without a type.");

    public static byte[] Serialize(JsonObject message) => JsonSerializer.SerializeToUtf8Bytes(message);
}
