using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Learning.Prices;
using Darkstar.Learning.Recording;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Learning.Tests;

/// <summary>
/// The simulated home on a stepped clock, a client (not started: a recorder starts it), and the ETL of the embedded
/// options with the backfill a recorder needs, in one folder.
/// </summary>
internal sealed class HomeRig : IAsyncDisposable
{
    private readonly HttpClient _http;

    private HomeRig(SimulatedHome home, HomeAssistantWebSocketClient client, HttpClient http, EtlHarness harness, SlotEtl etl, StatisticsBackfill backfill)
    {
        Home = home;
        Client = client;
        _http = http;
        Harness = harness;
        Etl = etl;
        Backfill = backfill;
    }

    public SimulatedHome Home { get; }

    public EtlHarness Harness { get; }

    public HomeAssistantWebSocketClient Client { get; }

    public SlotEtl Etl { get; }

    public StatisticsBackfill Backfill { get; }

    /// <summary>How long a test waits for the home, the client or a recorder.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(30);

    /// <param name="history">How much of its past the home's recorder keeps.</param>
    public static async Task<HomeRig> StartAsync(DateTimeOffset start, TimeSpan history, CancellationToken cancellationToken, int seed = 5)
    {
        var home = new SimulatedHome(new SimulatedHomeOptions { Seed = seed, Start = start, ClockMode = SimulationClockMode.Stepped, History = history });
        await home.StartAsync(cancellationToken);
        var settings = HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token) with { CommandTimeout = Patience, AuthTimeout = Patience };
        var client = new HomeAssistantWebSocketClient(settings, TimeProvider.System, NullLogger<HomeAssistantWebSocketClient>.Instance);
        var http = new HttpClient { Timeout = Patience };
        var rest = new HomeAssistantRestClient(http, settings, NullLogger<HomeAssistantRestClient>.Instance);
        var harness = await EtlHarness.CreateAsync(start);
        var options = OptionsLoader.LoadEmbeddedDefault(new OptionsContext(false)).Options!;
        var etl = harness.Etl(SensorRoles.Mapped(options.InputSensors), options: options);
        var backfill = new StatisticsBackfill(client, rest, etl, home.Clock, NullLogger<StatisticsBackfill>.Instance);
        return new HomeRig(home, client, http, harness, etl, backfill);
    }

    public LiveRecorder NewRecorder(LiveRecorderSettings settings, CollectingLogger<LiveRecorder> log, PriceUpdater? prices = null) =>
        new(Client, Etl, Backfill, prices, settings, Home.Clock, log);

    public async ValueTask DisposeAsync()
    {
        Etl.Dispose();
        Harness.Dispose();
        _http.Dispose();
        await Client.DisposeAsync();
        await Home.DisposeAsync();
    }
}
