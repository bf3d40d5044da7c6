using System.Net.Http.Headers;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;

namespace Darkstar.Simulation.Tests;

/// <summary>Started simulated homes on loopback ports, with a stepped clock unless a test asks otherwise.</summary>
internal static class TestHomes
{
    /// <summary>A winter Monday noon in Stockholm: the sun is up, prices for tomorrow are not out yet.</summary>
    public static readonly DateTimeOffset WinterNoon = new(2026, 1, 12, 11, 0, 0, TimeSpan.Zero);

    /// <summary>A summer Monday morning in Stockholm.</summary>
    public static readonly DateTimeOffset SummerMorning = new(2026, 6, 15, 6, 0, 0, TimeSpan.Zero);

    public static async Task<SimulatedHome> StartAsync(DateTimeOffset? start = null, int seed = 7, TimeSpan? history = null, MessageCoalescing coalescing = MessageCoalescing.WhenClientSupports)
    {
        var home = new SimulatedHome(new SimulatedHomeOptions
        {
            Seed = seed,
            Start = start ?? WinterNoon,
            ClockMode = SimulationClockMode.Stepped,
            History = history ?? TimeSpan.Zero,
            Coalescing = coalescing,
        });
        await home.StartAsync(CancellationToken.None);
        return home;
    }

    public static HttpClient Http(SimulatedHome home, string? token = null)
    {
        var client = new HttpClient { BaseAddress = home.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? home.Token);
        return client;
    }
}
