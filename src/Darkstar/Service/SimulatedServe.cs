using System.Globalization;
using System.Net;
using Darkstar.Cli;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Inputs;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Mqtt;
using Darkstar.Mqtt.Discovery;
using Darkstar.Planning.Kepler;
using Darkstar.Simulation;
using Darkstar.Simulation.Clock;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
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
    int Errors);

/// <summary>
/// <c>serve --simulate</c>: the simulated home in-process on an accelerated clock, a local mosquitto when installed,
/// a backfill of the home's past, then the real service against them until <c>--for</c> simulated time has passed.
/// </summary>
public static class SimulatedServe
{
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
        var temporary = databasePath is null ? Directory.CreateTempSubdirectory("darkstar-serve-") : null;
        var path = databasePath ?? Path.Combine(temporary!.FullName, "darkstar.db");
        LocalMosquitto? broker = null;
        SimulatedHome? home = null;
        try
        {
            broker = await LocalMosquitto.TryStartAsync(cancellationToken);
            await context.Error.WriteLineAsync(broker is null
                ? "MQTT is off: mosquitto is not installed (apt-get install mosquitto turns it on)."
                : $"MQTT broker (mosquitto) on 127.0.0.1:{broker.Port}");
            home = new SimulatedHome(new SimulatedHomeOptions
            {
                ClockMode = SimulationClockMode.Accelerated,
                Speed = arguments.Speed,
                HomeFolder = arguments.Home?.FullName,
                // A replayed home runs from its data set's own dates.
                Start = arguments.Home is null ? SlotGrid.Floor(context.Clock.GetUtcNow()) : null,
                History = TimeSpan.FromDays(arguments.HistoryDays + 1),
                MqttPort = broker?.Port ?? 1883,
            });
            await home.StartAsync(cancellationToken);
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Simulated home at {home.BaseUri}, clock at {InstantText.Format(home.Clock.GetUtcNow())}, {arguments.Speed:0.##}× real time"));
            var homeAssistant = HomeAssistantConnectionSettings.ForStandalone(home.BaseUri, home.Token);
            if (!await ServeCommand.MigrateAsync(path, context, logging, cancellationToken))
            {
                return ExitCodes.Failure;
            }

            await BackfillAsync(homeAssistant, options, path, zone, home.Clock, arguments.HistoryDays, context, logging, cancellationToken);
            var errors = new ErrorCountingLoggerProvider();
            var table = new PlanTablePrinter(context.Output, zone);
            var settings = new ServeSettings
            {
                Options = options,
                DatabasePath = path,
                TimeZone = zone,
                Site = site,
                HomeAssistant = homeAssistant,
                Mqtt = broker is null ? null : new MqttConnectionSettings
                {
                    Host = "127.0.0.1",
                    Port = broker.Port,
                    AvailabilityTopic = new DarkstarTopics(options.Mqtt.DiscoveryPrefix, options.Mqtt.TopicBase).Availability,
                    ReconnectMaxDelay = TimeSpan.FromSeconds(5),
                },
                Clock = home.Clock,
                HealthEndpoint = new IPEndPoint(IPAddress.Loopback, arguments.HealthPort ?? 0),
                LogLevel = logLevel,
                LoggerProviders = [errors],
                PlanListeners = [table],
            };

            var commandsBefore = home.Model.ReceivedServiceCalls.Count;
            var started = home.Clock.GetUtcNow();
            await using var app = DarkstarServiceHost.Build(settings);
            await app.StartAsync(cancellationToken);
            await context.Error.WriteLineAsync($"Darkstar serves the simulated home; health at {ServeCommand.HealthUri(app)}");
            try
            {
                await WaitForAsync(home.Clock, runFor is { } span ? started + span : DateTimeOffset.MaxValue, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop and report what ran.
            }

            var stopped = home.Clock.GetUtcNow();
            await app.StopAsync(CancellationToken.None);
            var health = app.Services.GetRequiredService<ServiceHealth>();
            var board = app.Services.GetRequiredService<StatusBoard>();
            var plans = app.Services.GetRequiredService<PlannerLoop>().Plans;
            var calls = home.Model.ReceivedServiceCalls.Skip(commandsBefore).ToList();
            var database = app.Services.GetRequiredService<DarkstarDatabase>();
            var summary = await SummarizeAsync(
                database, started, stopped, plans, calls.Count, board.CommandsFailed + calls.Count(c => c.Failed), errors.Count + health.Failures, CancellationToken.None);
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Simulated {summary.SimulatedHours:0.0} h: {summary.SlotsObserved} of {summary.SlotsExpected} slots observed, {summary.Plans} plans, " +
                $"{summary.Commands} commands ({summary.FailedCommands} failed), cost {summary.RealizedCost:0.00} {options.Pricing.Currency} " +
                $"(without the battery {summary.NoBatteryCost:0.00}), {summary.Errors} errors."));
            if (json)
            {
                JsonReport.Write(context.Output, new
                {
                    simulated_hours = Math.Round(summary.SimulatedHours, 2),
                    slots_observed = summary.SlotsObserved,
                    plans = summary.Plans,
                    commands = summary.Commands,
                    failed_commands = summary.FailedCommands,
                    realized_cost = Math.Round(summary.RealizedCost, 3),
                    no_battery_cost = Math.Round(summary.NoBatteryCost, 3),
                    errors = summary.Errors,
                });
            }

            return summary.Errors == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (Exception e) when (e is HomeAssistantException or SqliteException or InvalidOperationException)
        {
            await context.Error.WriteLineAsync($"serve --simulate: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            if (home is not null)
            {
                await home.DisposeAsync();
            }

            if (broker is not null)
            {
                await broker.DisposeAsync();
            }

            SqliteConnection.ClearAllPools();
            temporary?.Delete(recursive: true);
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

    private static async Task WaitForAsync(TimeProvider clock, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // Polled on the real clock: the simulated one runs many times faster, and a timer on it would be as good.
        while (clock.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static async Task BackfillAsync(
        HomeAssistantConnectionSettings settings, DarkstarOptions options, string path, TimeZoneInfo zone, TimeProvider clock, int days,
        CliContext context, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        await using var client = new HomeAssistantWebSocketClient(settings, TimeProvider.System, logging.CreateLogger<HomeAssistantWebSocketClient>());
        await client.StartAsync(cancellationToken);
        using var http = new HttpClient();
        var rest = new HomeAssistantRestClient(http, settings, logging.CreateLogger<HomeAssistantRestClient>());
        var database = new DarkstarDatabase(path, logging.CreateLogger<DarkstarDatabase>());
        using var etl = new SlotEtl(
            new SlotObservationRepository(database),
            new SensorTotalRepository(database),
            new PriceRepository(database),
            new DataQualityRepository(database),
            new EtlSettings { Sensors = SensorRoles.Mapped(options.InputSensors), Limits = EnergyLimits.FromOptions(options), TimeZone = zone },
            clock,
            logging.CreateLogger<SlotEtl>());
        var report = await new StatisticsBackfill(client, rest, etl, clock, logging.CreateLogger<StatisticsBackfill>()).RunAsync(days, null, cancellationToken);
        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Backfilled {report.SlotsWritten} slots ({InstantText.Format(report.From)} to {InstantText.Format(report.To)})"));
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
