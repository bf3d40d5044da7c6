using System.Net;
using Darkstar.Core.Loops;
using Darkstar.Simulation.Api;
using Darkstar.Simulation.Clock;
using Darkstar.Simulation.Faults;
using Darkstar.Simulation.Home;
using Darkstar.Simulation.Recording;
using Darkstar.Simulation.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Simulation;

/// <summary>
/// A simulated home that speaks Home Assistant's REST and WebSocket APIs (and the Supervisor's and
/// Open-Meteo's paths the add-on uses) on a loopback port. Build it, <see cref="StartAsync"/> it, point a
/// client at <see cref="BaseUri"/> with <see cref="Token"/>; with a stepped clock, move time with
/// <see cref="AdvanceAsync"/>; make it misbehave through <see cref="Faults"/>.
/// </summary>
public sealed class SimulatedHome : IAsyncDisposable
{
    private readonly SimulatedHomeOptions _options;
    private readonly DateTimeOffset _start;
    private readonly ILogger _logger;
    private WebApplication? _app;
    private CancellationTokenSource? _running;
    private Task? _ticker;

    public SimulatedHome(SimulatedHomeOptions? options = null)
    {
        _options = options ?? new SimulatedHomeOptions();
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SimulatedHome>();
        Source = _options.Source
            ?? (_options.HomeFolder is { } folder ? ReplaySource.Load(folder) : new SyntheticSource(_options.Seed));
        var machineNow = TimeProvider.System.GetUtcNow();
        Clock = _options.ClockMode switch
        {
            SimulationClockMode.RealTime => SimulationClock.RealTime(),
            SimulationClockMode.Accelerated => SimulationClock.Accelerated(_options.Start ?? Source.DefaultStart(machineNow, _options.History), _options.Speed),
            _ => SimulationClock.Stepped(_options.Start ?? Source.DefaultStart(machineNow, _options.History)),
        };
        Clock.SetLocalTimeZone(Source.Site.TimeZone);
        _start = Clock.GetUtcNow();
        Model = new HomeSimulation(Source, _start - _options.History, new ContextIds());
        Faults = new FaultInjector(Model, Clock);
        Coalescing = _options.Coalescing;
        Clock.AttachTick((instant, _) =>
        {
            Model.RunUntil(instant);
            return ValueTask.CompletedTask;
        });
    }

    public SimulationClock Clock { get; }

    public IHomeSource Source { get; }

    public HomeSimulation Model { get; }

    public StateMachine States => Model.States;

    public Recorder Recorder => Model.Recorder;

    public FaultInjector Faults { get; }

    public string Token => _options.Token;

    public SimulatedHomeOptions Options => _options;

    /// <summary>Switchable while running: how the WebSocket API groups messages into frames.</summary>
    public MessageCoalescing Coalescing { get; set; }

    /// <summary>The port Kestrel listens on (the real one when 0 was asked for).</summary>
    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:port/</c>: Home Assistant's base URL.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary><c>ws://127.0.0.1:port/api/websocket</c>.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/api/websocket");

    /// <summary>Lives through the configured history, then listens; a real-time or accelerated clock starts ticking.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The simulated home is already started.");
        }

        Model.RunUntil(_start);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSignalFreeHostLifetime();
        if (_options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _options.Port));
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        HomeAssistantApi.Map(app, this);
        await app.StartAsync(cancellationToken);
        _app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Port = new Uri(addresses.First()).Port;
        if (Clock.Mode != SimulationClockMode.Stepped)
        {
            _running = new CancellationTokenSource();
            _ticker = RunClockAsync(_running.Token);
        }

        _logger.LogInformation("Simulated home listening on {Url} ({Mode} clock at {Now})", BaseUri, Clock.Mode, Clock.GetUtcNow());
    }

    /// <summary>Moves a stepped clock forward, running every physics tick on the way.</summary>
    public Task AdvanceAsync(TimeSpan delta, CancellationToken cancellationToken) => Clock.AdvanceAsync(delta, cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_running is not null)
        {
            await _running.CancelAsync();
            try
            {
                await _ticker!;
            }
            catch (OperationCanceledException)
            {
                // The ticker ends by cancellation.
            }

            _running.Dispose();
            _running = null;
        }

        if (_app is not null)
        {
            // Open WebSockets would hold the shutdown until its timeout: close them first.
            Faults.DropWebSockets();
            await _app.StopAsync(cancellationToken);
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await StopAsync(limit.Token);
    }

    private async Task RunClockAsync(CancellationToken cancellationToken)
    {
        // Tick often enough that every simulated minute runs close to its time, at most 20 times a second.
        var period = TimeSpan.FromSeconds(Math.Clamp(SimulationClock.TickInterval.TotalSeconds / Clock.Speed, 0.05, 1));
        using var timer = new PeriodicTimer(period, TimeProvider.System);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            Model.RunUntil(Clock.GetUtcNow());
        }
    }
}
