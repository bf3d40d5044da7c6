using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Inputs;
using Darkstar.Planning.Kepler;
using Darkstar.Planning.Solver;
using Darkstar.Service;
using Darkstar.Simulation.Clock;
using Darkstar.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Darkstar.ServiceTests;

/// <summary>The service tests share two cores with nothing else of theirs: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServiceTestGroup
{
    public const string Name = "service";
}

/// <summary>
/// The real service against the simulated home and a real mosquitto (required), in a folder of its own. The clock is
/// stepped: it moves only when the test advances it, a simulated minute at a time, waiting after each until the service
/// is idle (<see cref="SimulatedService.AdvanceAsync"/>), so a run does the same whatever the machine's load. One smoke
/// test runs the real clock path, accelerated.
/// </summary>
internal sealed class ServiceRig : IAsyncDisposable
{
    /// <summary>A summer Wednesday, 08:00 in Stockholm: a fixed day, so that the afternoon's price publication falls inside a short run.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 10, 6, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _folder;
    private readonly ILoggerFactory _logging;

    private ServiceRig(TempDirectory folder, ILoggerFactory logging, SimulatedService service)
    {
        _folder = folder;
        _logging = logging;
        Service = service;
    }

    public SimulatedService Service { get; }

    /// <summary>When each plan began and ended on the simulated clock.</summary>
    public PlanTimings PlanTimings { get; private init; } = null!;

    public DarkstarOptions Options { get; private init; } = null!;

    public static DarkstarOptions DefaultOptions()
    {
        var loaded = OptionsLoader.LoadEmbeddedDefault(new OptionsContext(false));
        Assert.True(loaded.IsValid, string.Join("; ", loaded.Errors));
        return loaded.Options!;
    }

    /// <summary>
    /// Starts the service on the stepped clock (or accelerated to <paramref name="speed"/> simulated seconds per real
    /// second), with Kepler's solver given (a test's that fails on demand), and how much of the home's past the simulated
    /// home keeps and whether it is backfilled before the service starts (else the service reads it).
    /// </summary>
    public static async Task<ServiceRig> StartAsync(
        Func<DarkstarOptions, DarkstarOptions>? change,
        CancellationToken cancellationToken,
        Func<LinearModel, SolverSettings, SolveResult>? solver = null,
        int historyDays = 8,
        bool backfillBeforeStart = true,
        double? speed = null,
        DateTimeOffset? start = null,
        bool ingressOnly = false)
    {
        // Required, not optional: without a broker the service runs without MQTT and every assertion on it would vanish.
        Assert.True(
            LocalMosquitto.FindExecutable() is not null,
            "mosquitto is not installed: the service tests need a real broker. eng/install-deps.sh installs it (apt-get install mosquitto).");
        var options = (change ?? (o => o))(DefaultOptions());
        var folder = new TempDirectory();
        var logging = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Warning));
        var zone = TimeZones.Find(options.Location.TimeZone!);
        var timings = new PlanTimings();
        try
        {
            var service = await SimulatedService.StartAsync(
                new SimulatedServiceOptions
                {
                    Options = options,
                    DatabasePath = folder.File("darkstar.db"),
                    TimeZone = zone,
                    Site = new HomeSite(options.Location.Latitude!.Value, options.Location.Longitude!.Value, zone),
                    ClockMode = speed is null ? SimulationClockMode.Stepped : SimulationClockMode.Accelerated,
                    Speed = speed ?? 1,
                    Start = start ?? Start,
                    IngressOnly = ingressOnly,
                    HistoryDays = historyDays,
                    BackfillBeforeStart = backfillBeforeStart,
                    LogLevel = LogLevel.Warning,
                    Solver = solver,
                    PlanListeners = [timings],
                },
                logging,
                TextWriter.Null,
                cancellationToken);
            timings.Clock = service.Home.Clock;
            return new ServiceRig(folder, logging, service) { Options = options, PlanTimings = timings };
        }
        catch
        {
            logging.Dispose();
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Until <paramref name="simulated"/> after the service's start.</summary>
    public Task RunForAsync(TimeSpan simulated, CancellationToken cancellationToken) =>
        Service.RunUntilAsync(Service.Started + simulated, cancellationToken);

    /// <summary>
    /// Advances the stepped clock a minute at a time until <paramref name="done"/> holds (looked at before each step, then
    /// with the service idle after it); fails once <paramref name="within"/> has passed on the simulated clock without it.
    /// </summary>
    public Task AdvanceUntilAsync(Func<bool> done, TimeSpan within, string what, CancellationToken cancellationToken) =>
        AdvanceUntilAsync(_ => Task.FromResult(done()), within, what, cancellationToken);

    /// <inheritdoc cref="AdvanceUntilAsync(Func{bool}, TimeSpan, string, CancellationToken)"/>
    public async Task AdvanceUntilAsync(Func<CancellationToken, Task<bool>> done, TimeSpan within, string what, CancellationToken cancellationToken)
    {
        var clock = Service.Home.Clock;
        var limit = clock.GetUtcNow() + within;
        while (!await done(cancellationToken))
        {
            Assert.True(clock.GetUtcNow() < limit, $"{what}: not within {within} (simulated), at {InstantText.Format(clock.GetUtcNow())}");
            await Service.AdvanceAsync(SimulationClock.TickInterval, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _logging.Dispose();
        _folder.Dispose();
    }
}

/// <summary>
/// Each plan's start (its <c>created_at</c>) and end on the simulated clock, so that a test can tell an interval the
/// planner skipped from one it spent finishing a plan that began before it.
/// </summary>
internal sealed class PlanTimings : IPlanListener
{
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset Started, DateTimeOffset Finished, string Reason)> _plans = [];

    /// <summary>The simulated clock; plans finished before it is known (at start) are not recorded.</summary>
    public TimeProvider? Clock { get; set; }

    public void PlanMade(Planning.Kepler.PlanOutcome outcome, string reason)
    {
        if (Clock is { } clock)
        {
            lock (_gate)
            {
                _plans.Add((outcome.Plan.CreatedAt, clock.GetUtcNow(), reason));
            }
        }
    }

    /// <summary>The recorded plans, in the order they finished.</summary>
    public IReadOnlyList<(DateTimeOffset Started, DateTimeOffset Finished, string Reason)> Plans()
    {
        lock (_gate)
        {
            return [.. _plans];
        }
    }
}
