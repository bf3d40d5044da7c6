using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.HomeAssistant.Tests;

internal static class TestSupport
{
    /// <summary>A bound on real waiting in loopback tests, so a bug fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static WebSockets.HomeAssistantWebSocketClient Client(HomeAssistantConnectionSettings settings, TimeProvider? time = null) =>
        new(settings, time ?? TimeProvider.System, NullLogger<WebSockets.HomeAssistantWebSocketClient>.Instance);

    public static async Task<T> ReadAsync<T>(System.Threading.Channels.ChannelReader<T> reader) =>
        await reader.ReadAsync().AsTask().WaitAsync(Patience);
}
