using System.Globalization;
using System.Net;
using Darkstar.Cli;
using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Learning.Recording;
using Darkstar.Mqtt;
using Darkstar.Mqtt.Discovery;
using Darkstar.Planning.Kepler;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Darkstar.Service;

/// <summary>The figures of a simulated run, as <c>serve --simulate --for D --json</c> prints them.</summary>
public sealed record SimulatedRunSummary(
    double SimulatedHours,
    int SlotsObserved,
    int SlotsExpected,
    int Plans,
    int Commands,
    int FailedCommands,
    double RealizedCost,
    double NoBatteryCost,
    int Errors)
{
    /// <summary>Commands the home took that set an entity back to a value it had within 30 minutes (<see cref="Cli.CommandTally"/>).</summary>
    public int Flaps { get; init; }
}

/// <summary>How to start a <see cref="SimulatedService"/>.</summary>
public sealed record SimulatedServiceOptions
{
    public required DarkstarOptions Options { get; init; }

    public required string DatabasePath { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    public required HomeSite Site { get; init; }

    /// <summary>
    /// Accelerated (<c>serve --simulate</c>, one smoke test) or stepped: the clock stands still until
    /// <see cref="SimulatedService.AdvanceAsync"/> moves it and waits until the service is idle (the tests).
    /// </summary>
    public SimulationClockMode ClockMode { get; init; } = SimulationClockMode.Accelerated;

    /// <summary>Simulated seconds per real second (accelerated clock only).</summary>
    public double Speed { get; init; } = 600;

    /// <summary>A data set folder to replay; null runs the synthetic home.</summary>
    public string? HomeFolder { get; init; }

    /// <summary>The simulated instant to start at; null: now for the synthetic home, the data set's own choice for a replay.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>Days of the home's past backfilled before the service starts.</summary>
    public int HistoryDays { get; init; } = 8;

    /// <summary>
    /// False leaves the database empty: the service's own first start then reads <c>forecasting.training_days</c> of
    /// the home's past (the simulated home keeps <see cref="HistoryDays"/> of it) while the clock runs.
    /// </summary>
    public bool BackfillBeforeStart { get; init; } = true;

    /// <summary>Port of /health on loopback; 0 picks a free one.</summary>
    public int HealthPort { get; init; }

    /// <summary>Only 127.0.0.1 and the Supervisor's address may connect, as in the add-on (<see cref="IngressClients"/>).</summary>
    public bool IngressOnly { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>False runs without MQTT even where mosquitto is installed.</summary>
    public bool UseBroker { get; init; } = true;

    public IReadOnlyList<IPlanListener> PlanListeners { get; init; } = [];

    /// <summary>
    /// Longer than any round takes on a loaded machine (a training of Aurora: seconds, minutes on a busy one during a long
    /// soak): past it, something hangs and the stepped clock's wait throws.
    /// </summary>
    public TimeSpan IdlePatience { get; init; } = TimeSpan.FromSeconds(90);

    /// <inheritdoc cref="ServeSettings.Solver"/>
    public Func<Planning.Solver.LinearModel, Planning.Solver.SolverSettings, Planning.Solver.SolveResult>? Solver { get; init; }
}

/// <summary>
/// <c>serve --simulate</c>: the simulated home in-process on an accelerated clock, a local mosquitto when installed,
/// a backfill of the home's past, then the real service against them. The integration tests drive the same thing.
/// </summary>
public sealed class SimulatedService : IAsyncDisposable
{
    private readonly SimulatedServiceOptions _options;
    private readonly ILoggerFactory _logging;
    private int _commandsBefore;
    private bool _stopped;

    private SimulatedService(SimulatedServiceOptions options, ILoggerFactory logging, SimulatedHome home, LocalMosquitto? broker)
    {
        _options = options;
        _logging = logging;
        Home = home;
        Broker = broker;
    }

    public SimulatedHome Home { get; }

    /// <summary>The broker, or null when MQTT is off (mosquitto not installed).</summary>
    public LocalMosquitto? Broker { get; private set; }

    public WebApplication App { get; private set; } = null!;

    /// <summary>The simulated instant the service started at (after the backfill).</summary>
    public DateTimeOffset Started { get; private set; }

    public ErrorCountingLoggerProvider Errors { get; } = new();

    public Uri HealthUri => ServeCommand.HealthUri(App);

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<SimulatedService> StartAsync(SimulatedServiceOptions options, ILoggerFactory logging, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(log);
        var broker = options.UseBroker ? await LocalMosquitto.TryStartAsync(cancellationToken) : null;
        await log.WriteLineAsync(broker is null
            ? "MQTT is off: mosquitto is not installed (apt-get install mosquitto turns it on)."
            : $"MQTT broker (mosquitto) on 127.0.0.1:{broker.Port}");
        var home = new SimulatedHome(new SimulatedHomeOptions
        {
            ClockMode = options.ClockMode,
            Speed = options.Speed,
            HomeFolder = options.HomeFolder,
            // A replayed home runs from its data set's own dates.
            Start = options.Start ?? (options.HomeFolder is null ? SlotGrid.Floor(TimeProvider.System.GetUtcNow()) : null),
            History = TimeSpan.FromDays(options.HistoryDays + 1),
            MqttPort = broker?.Port ?? 1883,
        });
        var service = new SimulatedService(options, logging, home, broker);
        try
        {
            await service.StartServiceAsync(log, cancellationToken);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    private async Task StartServiceAsync(TextWriter log, CancellationToken cancellationToken)
    {
        await Home.StartAsync(cancellationToken);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Simulated home at {Home.BaseUri}, clock at {InstantText.Format(Home.Clock.GetUtcNow())}, {_options.Speed:0.##}× real time"));
        var homeAssistant = HomeAssistantConnectionSettings.ForStandalone(Home.BaseUri, Home.Token);
        var database = new DarkstarDatabase(_options.DatabasePath, _logging.CreateLogger<DarkstarDatabase>());
        await new SchemaMigrator(database, Home.Clock, _logging.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);
        if (await new SlotObservationRepository(database).ReadLatestSlotStartAsync(cancellationToken) is { } latest && latest >= SlotGrid.Floor(Home.Clock.GetUtcNow()))
        {
            // An earlier run on this database went further than this one starts: its future is in the data until the clock passes it.
            await log.WriteLineAsync(
                $"The simulated clock ({InstantText.Format(Home.Clock.GetUtcNow())}) is behind the database's latest slot ({InstantText.Format(latest)}), " +
                "which an earlier run recorded: until the clock passes it, the service sees readings from its future and may plan in safe mode. " +
                "Leave out --db for a fresh database, or use another file.");
        }

        if (_options.BackfillBeforeStart)
        {
            await BackfillAsync(homeAssistant, database, log, cancellationToken);
        }

        App = BuildApp(homeAssistant);
        _commandsBefore = Home.Model.ReceivedServiceCalls.Count;
        Started = Home.Clock.GetUtcNow();
        await App.StartAsync(cancellationToken);
        if (IsStepped)
        {
            await WaitUntilIdleAsync(cancellationToken);
        }
    }

    private bool IsStepped => Home.Clock.Mode == SimulationClockMode.Stepped;

    /// <summary>
    /// Stepped clock: moves it by <paramref name="delta"/> one physics tick (a simulated minute, the executor's period) at
    /// a time, and after each waits until the service is idle, so that every round due in that minute has run before the
    /// next. A run is the same whatever the machine's speed, but for what arrives over the network on its own time (Home
    /// Assistant's state changes, MQTT).
    /// </summary>
    public async Task AdvanceAsync(TimeSpan delta, CancellationToken cancellationToken)
    {
        if (!IsStepped)
        {
            throw new InvalidOperationException("Only a stepped clock can be advanced; this service runs on an accelerated clock.");
        }

        var until = Home.Clock.GetUtcNow() + delta;
        for (var now = Home.Clock.GetUtcNow(); now < until; now = Home.Clock.GetUtcNow())
        {
            var step = until - now < SimulationClock.TickInterval ? until - now : SimulationClock.TickInterval;
            await Home.AdvanceAsync(step, cancellationToken);
            await WaitUntilIdleAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Waits until no loop runs or has a round due and the recorder has closed every slot due. A part whose quietness
    /// turns on a connection (the recorder while Home Assistant is away) is looked at again every few milliseconds.
    /// </summary>
    public async Task WaitUntilIdleAsync(CancellationToken cancellationToken)
    {
        var activity = Get<LoopActivity>();
        var waited = TimeProvider.System.GetTimestamp();
        while (!activity.IsIdle)
        {
            if (TimeProvider.System.GetElapsedTime(waited) > IdlePatience)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"The service is not idle after {IdlePatience.TotalSeconds:0} s of real time at {InstantText.Format(Home.Clock.GetUtcNow())}: {activity.Describe()}"));
            }

            using var look = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            look.CancelAfter(IdleRecheck);
            try
            {
                await activity.WaitUntilIdleAsync(look.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Look again.
            }
        }
    }

    private static readonly TimeSpan IdleRecheck = TimeSpan.FromMilliseconds(20);

    private TimeSpan IdlePatience => _options.IdlePatience;

    /// <summary>
    /// Stops the service and starts a new one against the same home, database and broker, as a restart of the add-on
    /// does: what it knows must come back from the database alone.
    /// </summary>
    public async Task RestartServiceAsync(CancellationToken cancellationToken)
    {
        if (!_stopped)
        {
            await App.StopAsync(cancellationToken);
        }

        await App.DisposeAsync();
        _stopped = false;
        App = BuildApp(HomeAssistantConnectionSettings.ForStandalone(Home.BaseUri, Home.Token));
        await App.StartAsync(cancellationToken);
        if (IsStepped)
        {
            await WaitUntilIdleAsync(cancellationToken);
        }
    }

    private WebApplication BuildApp(HomeAssistantConnectionSettings homeAssistant)
    {
        // The simulated home answers as Open-Meteo for its own weather: the forecast Aurora reads comes from it.
        var options = _options.Options with { Forecasting = _options.Options.Forecasting with { WeatherUrl = Home.BaseUri.ToString() } };
        return DarkstarServiceHost.Build(new ServeSettings
        {
            Options = options,
            DatabasePath = _options.DatabasePath,
            TimeZone = _options.TimeZone,
            Site = _options.Site,
            // The simulated home is local: a refused token (a fault a test injects) is asked about again within seconds.
            HomeAssistant = homeAssistant with { RefusedTokenRetryDelay = TimeSpan.FromSeconds(1) },
            Mqtt = Broker is null ? null : new MqttConnectionSettings
            {
                Host = "127.0.0.1",
                Port = Broker.Port,
                AvailabilityTopic = new DarkstarTopics(options.Mqtt.DiscoveryPrefix, options.Mqtt.TopicBase).Availability,
                ReconnectMaxDelay = TimeSpan.FromSeconds(5),
            },
            Clock = Home.Clock,
            HealthEndpoint = new IPEndPoint(IPAddress.Loopback, _options.HealthPort),
            IngressOnly = _options.IngressOnly,
            LogLevel = _options.LogLevel,
            LoggerProviders = [Errors],
            PlanListeners = _options.PlanListeners,
            Solver = _options.Solver,
        });
    }

    /// <summary>
    /// Until the simulated clock reaches <paramref name="until"/>: a stepped clock is advanced there; an accelerated one
    /// is waited for (polling the real clock).
    /// </summary>
    public async Task RunUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (IsStepped)
        {
            var left = until - Home.Clock.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                await AdvanceAsync(left, cancellationToken);
            }

            return;
        }

        while (Home.Clock.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>Stops the broker and starts a new one on the same port: the service must reconnect by itself.</summary>
    public async Task RestartBrokerAsync(TimeSpan down, CancellationToken cancellationToken)
    {
        if (Broker is not { } broker)
        {
            return;
        }

        var port = broker.Port;
        await broker.DisposeAsync();
        Broker = null;
        await Task.Delay(down, cancellationToken);
        Broker = await LocalMosquitto.TryStartAsync(cancellationToken, port);
    }

    /// <summary>The service calls the home received since the service started.</summary>
    public IReadOnlyList<Simulation.Home.ReceivedServiceCall> CommandsReceived() => [.. Home.Model.ReceivedServiceCalls.Skip(_commandsBefore)];

    /// <summary>Stops the service (gracefully) and sums up the run.</summary>
    public async Task<SimulatedRunSummary> StopAsync(CancellationToken cancellationToken)
    {
        var stopped = Home.Clock.GetUtcNow();
        var lastBoundary = SlotGrid.Floor(stopped);
        if (!_stopped)
        {
            if (IsStepped && stopped - lastBoundary < SimulationClock.TickInterval)
            {
                // A stepped clock stands still: move it past the moment the recorder closes the slot that just ended.
                await AdvanceAsync(SimulationClock.TickInterval, cancellationToken);
            }

            // The slot that just ended is written a few simulated seconds after its end: let it land before stopping.
            using (var settle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                settle.CancelAfter(TimeSpan.FromSeconds(10));
                try
                {
                    await Get<LiveRecorder>().WaitUntilRecordedAsync(lastBoundary, settle.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Not recorded in time: the summary shows the slot as missing.
                }
            }

            _stopped = true;
            await App.StopAsync(cancellationToken);
        }

        var calls = CommandsReceived();
        var summary = await SummarizeAsync(
            Get<DarkstarDatabase>(), Started, lastBoundary, Get<PlannerLoop>().Plans, calls.Count,
            Get<StatusBoard>().CommandsFailed + calls.Count(c => c.Failed), Errors.Count + Get<ServiceHealth>().Failures, cancellationToken);
        return summary with { SimulatedHours = (stopped - Started).TotalHours, Flaps = Cli.CommandTally.Of(calls).Flaps };
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            if (!_stopped)
            {
                _stopped = true;
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await App.StopAsync(limit.Token);
            }

            await App.DisposeAsync();
        }

        await Home.DisposeAsync();
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }

    /// <summary>
    /// Realised cost of the whole slots observed in [<paramref name="from"/>, <paramref name="to"/>) at their prices,
    /// and what the same slots would have cost without the battery: load less PV bought or sold at the same prices.
    /// </summary>
    public static async Task<SimulatedRunSummary> SummarizeAsync(
        DarkstarDatabase database, DateTimeOffset from, DateTimeOffset to, int plans, int commands, int failedCommands, int errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var range = SlotRange.Between(SlotGrid.Ceiling(from), SlotGrid.Floor(to));
        var observed = range.Count == 0 ? [] : await new SlotObservationRepository(database).ReadRangeAsync(range, cancellationToken);
        var prices = range.Count == 0 ? [] : await new PriceRepository(database).ReadRangeAsync(range, cancellationToken);
        var priceBySlot = prices.ToDictionary(p => p.SlotStart);
        double realized = 0, noBattery = 0;
        var counted = 0;
        foreach (var slot in observed)
        {
            if (!priceBySlot.TryGetValue(slot.SlotStart, out var price) || slot.LoadKwh is not { } load || slot.PvKwh is not { } pv)
            {
                continue;
            }

            counted++;
            realized += ((slot.ImportKwh ?? 0) * price.ImportPrice) - ((slot.ExportKwh ?? 0) * price.ExportPrice);
            var net = load - pv;
            noBattery += net >= 0 ? net * price.ImportPrice : net * price.ExportPrice;
        }

        return new SimulatedRunSummary((to - from).TotalHours, counted, range.Count, plans, commands, failedCommands, realized, noBattery, errors);
    }

    private async Task BackfillAsync(HomeAssistantConnectionSettings settings, DarkstarDatabase database, TextWriter log, CancellationToken cancellationToken)
    {
        var options = _options.Options;
        await using var client = new HomeAssistantWebSocketClient(settings, TimeProvider.System, _logging.CreateLogger<HomeAssistantWebSocketClient>());
        await client.StartAsync(cancellationToken);
        using var http = new HttpClient();
        var rest = new HomeAssistantRestClient(http, settings, _logging.CreateLogger<HomeAssistantRestClient>());
        using var etl = new SlotEtl(
            new SlotObservationRepository(database),
            new SensorTotalRepository(database),
            new PriceRepository(database),
            new DataQualityRepository(database),
            new EtlSettings { Sensors = SensorRoles.Mapped(options.InputSensors), Limits = EnergyLimits.FromOptions(options), TimeZone = _options.TimeZone },
            Home.Clock,
            _logging.CreateLogger<SlotEtl>());
        var report = await new StatisticsBackfill(client, rest, etl, Home.Clock, _logging.CreateLogger<StatisticsBackfill>()).RunAsync(_options.HistoryDays, null, cancellationToken);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Backfilled {report.SlotsWritten} slots ({InstantText.Format(report.From)} to {InstantText.Format(report.To)})"));
    }
}

/// <summary>The command line's side of <c>serve --simulate</c>: a temporary database unless <c>--db</c>, the plan tables, the summary.</summary>
internal static class SimulatedServe
{
    /// <summary>
    /// <paramref name="options"/> for the home <paramref name="dataset"/> recorded: its location and time zone, its
    /// currency, and the tariff its home.yaml assumes (the options' own where it states none).
    /// </summary>
    internal static DarkstarOptions ForReplayedHome(DarkstarOptions options, HomeDataset dataset)
    {
        var tariff = dataset.Tariff;
        return options with
        {
            Location = options.Location with
            {
                Latitude = dataset.Latitude ?? options.Location.Latitude,
                Longitude = dataset.Longitude ?? options.Location.Longitude,
                TimeZone = dataset.TimeZone.Id,
            },
            Pricing = options.Pricing with
            {
                Currency = dataset.Currency,
                TransferFeePerKwh = tariff?.TransferFeePerKwh ?? options.Pricing.TransferFeePerKwh,
                EnergyTaxPerKwh = tariff?.EnergyTaxPerKwh ?? options.Pricing.EnergyTaxPerKwh,
                VatPercent = tariff?.VatPercent ?? options.Pricing.VatPercent,
                ExportBonusPerKwh = tariff?.ExportBonusPerKwh ?? options.Pricing.ExportBonusPerKwh,
            },
        };
    }

    private const string TemporaryFolderPrefix = "darkstar-serve-";

    internal static async Task<int> RunAsync(
        CliContext context,
        DarkstarOptions options,
        string? databasePath,
        TimeZoneInfo zone,
        HomeSite site,
        ServeCommand.ServeArguments arguments,
        TimeSpan? runFor,
        LogLevel logLevel,
        bool json,
        CancellationToken cancellationToken)
    {
        using var logging = CliLogging.Create(options.LogLevel);
        // The folders of earlier runs killed before they could remove their own.
        OwnedTemporaryFolder.RemoveStale(TemporaryFolderPrefix);
        var temporary = databasePath is null ? OwnedTemporaryFolder.Create(TemporaryFolderPrefix) : null;
        var path = databasePath ?? Path.Combine(temporary!.FullName, "darkstar.db");
        try
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var service = await SimulatedService.StartAsync(
                new SimulatedServiceOptions
                {
                    Options = options,
                    DatabasePath = path,
                    TimeZone = zone,
                    Site = site,
                    Speed = arguments.Speed,
                    HomeFolder = arguments.Home?.FullName,
                    Start = arguments.Home is null ? SlotGrid.Floor(context.Clock.GetUtcNow()) : null,
                    HistoryDays = arguments.HistoryDays,
                    HealthPort = arguments.HealthPort ?? 0,
                    LogLevel = logLevel,
                    PlanListeners = [new PlanTablePrinter(context.Output, zone)],
                },
                logging,
                context.Error,
                cancellationToken);
            await context.Error.WriteLineAsync($"Darkstar serves the simulated home; health at {service.HealthUri}");
            try
            {
                await service.RunUntilAsync(runFor is { } span ? service.Started + span : DateTimeOffset.MaxValue, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop and report what ran.
            }

            var summary = await service.StopAsync(CancellationToken.None);
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Simulated {summary.SimulatedHours:0.0} h: {summary.SlotsObserved} of {summary.SlotsExpected} slots observed, {summary.Plans} plans, " +
                $"{summary.Commands} commands ({summary.FailedCommands} failed, {summary.Flaps} flaps), cost {summary.RealizedCost:0.00} {options.Pricing.Currency} " +
                $"(without the battery {summary.NoBatteryCost:0.00}), {summary.Errors} errors."));
            if (json)
            {
                JsonReport.Write(context.Output, new
                {
                    simulated_hours = Math.Round(summary.SimulatedHours, 2),
                    slots_observed = summary.SlotsObserved,
                    plans = summary.Plans,
                    commands = summary.Commands,
                    flaps = summary.Flaps,
                    failed_commands = summary.FailedCommands,
                    realized_cost = Math.Round(summary.RealizedCost, 3),
                    no_battery_cost = Math.Round(summary.NoBatteryCost, 3),
                    errors = summary.Errors,
                });
            }

            return summary.Errors == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM before the service ran: nothing to sum up, but a stop asked for is a clean one.
            await context.Error.WriteLineAsync("serve --simulate: stopped while starting.");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is SqliteException or DatabaseCorruptException)
        {
            await context.Error.WriteLineAsync($"serve --simulate: {DatabaseFaults.Describe(e, path)}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is HomeAssistantException or SchemaVersionTooNewException or InvalidOperationException or IOException)
        {
            await context.Error.WriteLineAsync($"serve --simulate: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            temporary?.Delete(recursive: true);
        }
    }
}

/// <summary>Counts log events at error level and above: the run summary's errors.</summary>
public sealed class ErrorCountingLoggerProvider : ILoggerProvider
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ILogger CreateLogger(string categoryName) => new Counter(this);

    public void Dispose()
    {
        // Nothing held.
    }

    private sealed class Counter(ErrorCountingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Interlocked.Increment(ref owner._count);
            }
        }
    }
}

/// <summary>After every plan: a short table of its next hours (local time, action, SoC, grid, price).</summary>
public sealed class PlanTablePrinter(TextWriter output, TimeZoneInfo zone) : IPlanListener
{
    /// <summary>Slots shown: the next two hours.</summary>
    public const int SlotsShown = 8;

    private readonly object _writing = new();

    public void PlanMade(PlanOutcome outcome, string reason)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var plan = outcome.Plan;
        lock (_writing)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Plan {plan.Id} ({reason}) at {TimeZoneInfo.ConvertTime(plan.CreatedAt, zone):yyyy-MM-dd HH:mm}: {plan.SlotCount} slots, {outcome.Schedule.StatusText}, {outcome.Schedule.SolveMs:0} ms, cost {outcome.Schedule.Costs.EnergyCost:0.00}"));
            output.WriteLine($"  {"time",-5} {"action",-9} {"SoC %",6} {"import",7} {"export",7} {"price",7}");
            foreach (var slot in outcome.Schedule.Slots.Take(SlotsShown))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {TimeZoneInfo.ConvertTime(slot.Start, zone):HH:mm} {slot.Action.ToString().ToLowerInvariant(),-9} {slot.SocEndPercent,6:0.0} {slot.ImportKwh,7:0.000} {slot.ExportKwh,7:0.000} {slot.ImportPrice,7:0.000}"));
            }
        }
    }
}
