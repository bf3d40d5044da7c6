using System.Threading.Channels;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.IntegrationTests;

/// <summary>
/// A simulated home on a loopback port with a stepped clock, and our REST and WebSocket clients pointed
/// at it. Disposing it disposes the clients and stops the home.
/// </summary>
internal sealed class IntegrationHome : IAsyncDisposable
{
    /// <summary>A winter Monday noon in Stockholm: the sun is up, tomorrow's prices are not out yet.</summary>
    public static readonly DateTimeOffset WinterNoon = new(2026, 1, 12, 11, 0, 0, TimeSpan.Zero);

    /// <summary>A bound on every real wait, so that a bug fails the test instead of hanging it (generous for a loaded 2-core machine).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<IDisposable> _ownedSync = [];

    private IntegrationHome(SimulatedHome home)
    {
        Home = home;
    }

    public SimulatedHome Home { get; }

    public static async Task<IntegrationHome> StartAsync(
        DateTimeOffset? start = null,
        TimeSpan? history = null,
        MessageCoalescing coalescing = MessageCoalescing.WhenClientSupports,
        string? homeFolder = null)
    {
        var home = new SimulatedHome(new SimulatedHomeOptions
        {
            Seed = 7,
            Start = start ?? WinterNoon,
            ClockMode = SimulationClockMode.Stepped,
            History = history ?? TimeSpan.Zero,
            Coalescing = coalescing,
            HomeFolder = homeFolder,
        });
        try
        {
            await home.StartAsync(CancellationToken.None).WaitAsync(Patience);
        }
        catch
        {
            await home.DisposeAsync();
            throw;
        }

        return new IntegrationHome(home);
    }

    /// <summary>Standalone settings for this home, with short reconnect delays and no jitter so tests stay quick and deterministic.</summary>
    public HomeAssistantConnectionSettings Settings(string? token = null) =>
        HomeAssistantConnectionSettings.ForStandalone(Home.BaseUri, token ?? Home.Token) with
        {
            CommandTimeout = Patience,
            AuthTimeout = Patience,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            ReconnectJitter = false,
        };

    /// <summary>Add-on settings, the Supervisor's <c>/core/...</c> paths served by this home, with the test timings.</summary>
    public HomeAssistantConnectionSettings AddOnSettings() =>
        HomeAssistantConnectionSettings.ForAddOn(Home.Token, Home.BaseUri) with
        {
            CommandTimeout = Patience,
            AuthTimeout = Patience,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            ReconnectJitter = false,
        };

    public HomeAssistantRestClient Rest(string? token = null, HomeAssistantConnectionSettings? settings = null)
    {
        var http = new HttpClient { Timeout = Patience };
        _ownedSync.Add(http);
        return new HomeAssistantRestClient(http, settings ?? Settings(token), NullLogger<HomeAssistantRestClient>.Instance);
    }

    /// <summary>A WebSocket client that is not started yet.</summary>
    public HomeAssistantWebSocketClient Socket(TimeProvider? time = null, HomeAssistantConnectionSettings? settings = null)
    {
        var client = new HomeAssistantWebSocketClient(settings ?? Settings(), time ?? TimeProvider.System, NullLogger<HomeAssistantWebSocketClient>.Instance);
        _owned.Add(client);
        return client;
    }

    /// <summary>A started WebSocket client.</summary>
    public async Task<HomeAssistantWebSocketClient> ConnectedSocketAsync(TimeProvider? time = null, HomeAssistantConnectionSettings? settings = null)
    {
        var client = Socket(time, settings);
        await client.StartAsync(CancellationToken.None).WaitAsync(Patience);
        return client;
    }

    public Task AdvanceAsync(TimeSpan delta) => Home.AdvanceAsync(delta, CancellationToken.None).WaitAsync(Patience);

    public DateTimeOffset Now => Home.Clock.GetUtcNow();

    public static async Task<T> ReadAsync<T>(ChannelReader<T> reader) => await reader.ReadAsync().AsTask().WaitAsync(Patience);

    /// <summary>Reads until <paramref name="done"/> holds for an item, returning every item read (the last one matched).</summary>
    public static async Task<List<T>> ReadUntilAsync<T>(ChannelReader<T> reader, Func<T, bool> done)
    {
        var items = new List<T>();
        using var limit = new CancellationTokenSource(Patience);
        while (true)
        {
            var item = await reader.ReadAsync(limit.Token);
            items.Add(item);
            if (done(item))
            {
                return items;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync().AsTask().WaitAsync(Patience);
        }

        foreach (var owned in _ownedSync)
        {
            owned.Dispose();
        }

        await Home.DisposeAsync();
    }
}
