using System.Text.Json;
using Darkstar.Testing;
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

    /// <summary>
    /// Moves a fake clock forward in steps, yielding real time between steps so that socket work can
    /// happen, until <paramref name="done"/> completes.
    /// </summary>
    public static async Task<T> PumpUntilAsync<T>(FakeTimeProvider clock, TimeSpan step, Task<T> done)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (!done.IsCompleted)
        {
            if (TimeProvider.System.GetElapsedTime(deadline) > Patience)
            {
                throw new TimeoutException("The awaited work did not complete while the fake clock advanced.");
            }

            clock.Advance(step);
            await Task.Delay(5);
        }

        return await done;
    }
}
