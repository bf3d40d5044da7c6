using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Inputs;
using Darkstar.Planning.Kepler;
using Darkstar.Planning.Solver;
using Darkstar.Service;
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

/// <summary>The real service against the simulated home (accelerated clock) and a real mosquitto (required), in a folder of its own.</summary>
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

    public static Task<ServiceRig> StartAsync(double speed, Func<DarkstarOptions, DarkstarOptions>? change, CancellationToken cancellationToken) =>
        StartAsync(speed, change, solver: null, cancellationToken);

    /// <summary>
    /// As above, with Kepler's solver given (a test's that fails on demand), and how much of the home's past the
    /// simulated home keeps and whether it is backfilled before the service starts (else the service reads it).
    /// </summary>
    public static async Task<ServiceRig> StartAsync(
        double speed,
        Func<DarkstarOptions, DarkstarOptions>? change,
        Func<LinearModel, SolverSettings, SolveResult>? solver,
        CancellationToken cancellationToken,
        int historyDays = 8,
        bool backfillBeforeStart = true)
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
                    Speed = speed,
                    Start = Start,
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

    public Task RunForAsync(TimeSpan simulated, CancellationToken cancellationToken) =>
        Service.RunUntilAsync(Service.Started + simulated, cancellationToken);

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
