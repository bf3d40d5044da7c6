using System.Net;
using System.Text.Json;
using Darkstar.Cli;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Execution;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Runtime;
using Darkstar.Forecasting.Training;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Learning.Prices;
using Darkstar.Learning.Recording;
using Darkstar.Learning.Weather;
using Darkstar.Mqtt;
using Darkstar.Mqtt.Controls;
using Darkstar.Mqtt.Discovery;
using Darkstar.Planning.Kepler;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Service;

/// <summary>What one run of the service needs from outside: options, where things are, and the clock.</summary>
public sealed record ServeSettings
{
    public required DarkstarOptions Options { get; init; }

    public required string DatabasePath { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    public required HomeSite Site { get; init; }

    public required HomeAssistantConnectionSettings HomeAssistant { get; init; }

    /// <summary>The broker; null runs without MQTT (the status is then only on <c>/health</c> and in the log).</summary>
    public MqttConnectionSettings? Mqtt { get; init; }

    /// <summary>The loops' clock: the system's, or the simulated home's.</summary>
    public required TimeProvider Clock { get; init; }

    public required IPEndPoint HealthEndpoint { get; init; }

    /// <summary>In the add-on: only the Supervisor's ingress proxy and the container itself may connect (<see cref="IngressClients"/>).</summary>
    public bool IngressOnly { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Extra log sinks (the error counter of <c>serve --simulate</c>).</summary>
    public IReadOnlyList<ILoggerProvider> LoggerProviders { get; init; } = [];

    /// <summary>Extra listeners told about every plan (the console table of <c>serve --simulate</c>).</summary>
    public IReadOnlyList<IPlanListener> PlanListeners { get; init; } = [];

    /// <summary>Kepler's MILP solver; null is CBC. The tests hand in one that fails, to see the service's safe mode.</summary>
    public Func<Planning.Solver.LinearModel, Planning.Solver.SolverSettings, Planning.Solver.SolveResult>? Solver { get; init; }
}

/// <summary>
/// Builds the add-on service: a Generic Host with one background service per loop (recorder, forecaster, planner,
/// executor, weekly retraining, weather, MQTT), all on the one injected clock, and <c>/health</c> on Kestrel.
/// </summary>
public static class DarkstarServiceHost
{
    public static WebApplication Build(ServeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Options;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(settings.LogLevel);
        // Kestrel's and the host's own chatter is not the add-on's story.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z' ";
        });
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        foreach (var provider in settings.LoggerProviders)
        {
            builder.Logging.AddProvider(provider);
        }

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(settings.HealthEndpoint, listen =>
        {
            if (settings.IngressOnly)
            {
                listen.AcceptIngressOnly();
            }
        }));
        AddServices(builder.Services, settings);

        var app = builder.Build();
        app.MapGet("/health", (HttpContext http) =>
        {
            var board = http.RequestServices.GetRequiredService<StatusBoard>();
            var health = http.RequestServices.GetRequiredService<ServiceHealth>();
            var (status, reason) = board.Current();
            var document = JsonSerializer.Serialize(health.Document(status, reason), JsonReport.Options);
            return Results.Text(document, "application/json", statusCode: status == DarkstarStatus.Error ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        return app;
    }

    private static void AddServices(IServiceCollection services, ServeSettings settings)
    {
        var options = settings.Options;
        var clock = settings.Clock;
        services.AddSingleton(clock);
        services.AddSingleton(options);
        services.AddSingleton(settings.TimeZone);
        services.AddSingleton(settings.Site);
        services.AddDarkstarStorage(settings.DatabasePath);
        services.AddSingleton<UserSettingRepository>();

        // Home Assistant: one client for the recorder, the price reader, the gap filler and the executor. Its pings and
        // reconnects run on the system clock: they are about the network, not the home's day.
        services.AddSingleton(sp => new HomeAssistantWebSocketClient(settings.HomeAssistant, TimeProvider.System, sp.GetRequiredService<ILogger<HomeAssistantWebSocketClient>>()));
        services.AddSingleton(_ => new HttpClient { Timeout = TimeSpan.FromSeconds(60) });
        services.AddSingleton(sp => new HomeAssistantRestClient(sp.GetRequiredService<HttpClient>(), settings.HomeAssistant, sp.GetRequiredService<ILogger<HomeAssistantRestClient>>()));
        services.AddSingleton(sp => new SlotEtl(
            sp.GetRequiredService<SlotObservationRepository>(),
            sp.GetRequiredService<SensorTotalRepository>(),
            sp.GetRequiredService<PriceRepository>(),
            sp.GetRequiredService<DataQualityRepository>(),
            new EtlSettings { Sensors = SensorRoles.Mapped(options.InputSensors), Limits = EnergyLimits.FromOptions(options), TimeZone = settings.TimeZone },
            clock,
            sp.GetRequiredService<ILogger<SlotEtl>>()));
        services.AddSingleton(sp => new StatisticsBackfill(
            sp.GetRequiredService<HomeAssistantWebSocketClient>(), sp.GetRequiredService<HomeAssistantRestClient>(), sp.GetRequiredService<SlotEtl>(), clock,
            sp.GetRequiredService<ILogger<StatisticsBackfill>>()));
        services.AddSingleton(sp => new PriceUpdater(
            sp.GetRequiredService<HomeAssistantWebSocketClient>(), sp.GetRequiredService<PriceRepository>(), options.Pricing, settings.TimeZone, clock,
            sp.GetRequiredService<ILogger<PriceUpdater>>()));
        services.AddSingleton(sp => new LiveRecorder(
            sp.GetRequiredService<HomeAssistantWebSocketClient>(),
            sp.GetRequiredService<SlotEtl>(),
            sp.GetRequiredService<StatisticsBackfill>(),
            sp.GetRequiredService<PriceUpdater>(),
            new LiveRecorderSettings
            {
                NordpoolSensor = options.Pricing.PriceSource == PriceSource.NordpoolSensor ? options.Pricing.NordpoolSensor : null,
                // Training's window begins at a local midnight up to a day before that many days ago: one day more covers it.
                HistoryDays = options.Forecasting.TrainingDays + 1,
            },
            clock,
            sp.GetRequiredService<ILogger<LiveRecorder>>()));

        // Forecasting, training and planning: the engines the CLI commands use, on the service's clock.
        services.AddSingleton(sp => new HistoryLoader(
            sp.GetRequiredService<SlotObservationRepository>(), sp.GetRequiredService<WeatherRepository>(), options.WaterHeating.Enabled));
        services.AddSingleton(sp => new AuroraModelStore(sp.GetRequiredService<ModelRunRepository>(), AuroraModelStore.FolderBeside(settings.DatabasePath)));
        services.AddSingleton(sp => new ForecastRunner(
            sp.GetRequiredService<HistoryLoader>(), sp.GetRequiredService<SlotForecastRepository>(), sp.GetRequiredService<AuroraModelStore>(),
            settings.Site, clock, sp.GetRequiredService<ILogger<ForecastRunner>>()));
        services.AddSingleton(sp => new AuroraTrainingService(
            sp.GetRequiredService<HistoryLoader>(), sp.GetRequiredService<AuroraModelStore>(), settings.Site, new AuroraTrainingSettings(), clock,
            sp.GetRequiredService<ILogger<AuroraTrainingService>>()));
        services.AddSingleton(sp => new KeplerPlanner(
            sp.GetRequiredService<DarkstarDatabase>(), clock, sp.GetRequiredService<ILogger<KeplerPlanner>>(), settings.Solver,
            sp.GetRequiredService<AuroraModelStore>().ResolveForecastVersionAsync));

        // The controls: options first, then what users set (applied once the MQTT service has loaded it).
        var defaults = DarkstarControlValues.FromOptions(options);
        services.AddSingleton(new ExecutorSettingsHolder(ExecutorRuntimeSettings.FromOptions(options)));
        services.AddSingleton<IExecutorSettingsSource>(sp => sp.GetRequiredService<ExecutorSettingsHolder>());
        services.AddSingleton(new PlannerControls(defaults));
        services.AddSingleton<ServiceTriggers>();
        services.AddSingleton<ServiceHealth>();
        services.AddSingleton<ServiceCommandHandler>();
        services.AddSingleton<IDarkstarCommandHandler>(sp => sp.GetRequiredService<ServiceCommandHandler>());
        services.AddSingleton<StatusBoard>();
        services.AddSingleton<IExecutorStatusReporter>(sp => sp.GetRequiredService<StatusBoard>());
        foreach (var listener in settings.PlanListeners)
        {
            services.AddSingleton(listener);
        }

        // The loops, started in this order: Home Assistant's connection first (the executor's first tick needs it), then
        // the recorder, so the planner's first plan finds the latest slots.
        services.AddHostedService<HomeAssistantStarter>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveRecorder>());
        services.AddHostedService<RecorderWatch>();
        services.AddSingleton(sp => new WeatherUpdater(
            new OpenMeteoClient(sp.GetRequiredService<HttpClient>(), OpenMeteoEndpoints.FromOption(options.Forecasting.WeatherUrl)),
            sp.GetRequiredService<WeatherRepository>(),
            new WeatherSettings { Latitude = settings.Site.Latitude, Longitude = settings.Site.Longitude },
            clock,
            sp.GetRequiredService<ILogger<WeatherUpdater>>()));
        services.AddHostedService<WeatherLoop>();
        services.AddHostedService<ForecastLoop>();
        services.AddSingleton<PlannerLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<PlannerLoop>());
        services.AddDarkstarExecutor();
        services.AddSingleton(sp => new RetrainLoop(
            sp.GetRequiredService<AuroraTrainingService>(),
            sp.GetRequiredService<LiveRecorder>().WaitUntilFollowingAsync,
            options.Forecasting, settings.TimeZone, sp.GetRequiredService<ServiceTriggers>(),
            sp.GetRequiredService<ServiceHealth>(), clock, sp.GetRequiredService<ILogger<RetrainLoop>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RetrainLoop>());
        services.AddSingleton(sp => new OracleRunner(sp.GetRequiredService<DarkstarDatabase>(), clock));
        services.AddHostedService<OracleLoop>();

        if (settings.Mqtt is { } broker)
        {
            services.AddSingleton(sp => new MqttConnection(broker, TimeProvider.System, sp.GetRequiredService<ILogger<MqttConnection>>()));
            services.AddSingleton<IUserSettingsStore>(sp => new DatabaseUserSettingsStore(sp.GetRequiredService<UserSettingRepository>(), clock));
            services.AddSingleton(new DarkstarMqttSettings
            {
                Topics = new DarkstarTopics(options.Mqtt.DiscoveryPrefix, options.Mqtt.TopicBase),
                Currency = options.Pricing.Currency,
                SoftwareVersion = VersionCommand.Version,
                Defaults = defaults,
            });
            services.AddSingleton<DarkstarMqttService>();
            services.AddHostedService(sp => sp.GetRequiredService<DarkstarMqttService>());
            services.AddSingleton<MqttPublishLoop>();
            services.AddSingleton<IPlanListener>(sp => sp.GetRequiredService<MqttPublishLoop>());
            services.AddHostedService(sp => sp.GetRequiredService<MqttPublishLoop>());
            services.AddHostedService<StoredControlsApplier>();
        }
    }

    /// <summary>
    /// Connects to Home Assistant before the loops start, waiting at most <see cref="FirstConnectionWait"/>: when it is
    /// not there yet the loops start anyway (the executor in safe mode) and the client keeps trying.
    /// </summary>
    private sealed class HomeAssistantStarter(HomeAssistantWebSocketClient client, ILogger<HomeAssistantStarter> logger) : IHostedService
    {
        private static readonly TimeSpan FirstConnectionWait = TimeSpan.FromSeconds(15);

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(FirstConnectionWait);
            try
            {
                await client.StartAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Home Assistant did not answer within {Seconds} s; starting anyway and trying again", FirstConnectionWait.TotalSeconds);
            }
            catch (HomeAssistantException e)
            {
                // A refused token stops the client; the status and the log say so on every executor tick.
                logger.LogError("Home Assistant refused the connection: {Message}", e.Message);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Once the MQTT service has loaded the values users set (<c>user_settings</c>), they replace the options' defaults.</summary>
    private sealed class StoredControlsApplier(
        DarkstarMqttService mqtt, DarkstarMqttSettings settings, ServiceCommandHandler handler, ServiceTriggers triggers, ILogger<StoredControlsApplier> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                await mqtt.WaitUntilStartedAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var controls = mqtt.Controls;
            handler.ApplyAll(controls);
            logger.LogInformation("Controls in force: executor {Enabled}, shadow mode {Shadow}, override {Override}", controls.ExecutorEnabled, controls.ShadowMode, controls.ManualOverride);
            if (controls != settings.Defaults)
            {
                // The first plan may have been made with the options' values before these were loaded.
                triggers.Replan.Request("stored controls applied");
            }
        }
    }
}
