using System.Net;
using System.Text.Json;
using Darkstar.Cli;
using Darkstar.Core.Controls;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Execution;
using Darkstar.Forecasting;
using Darkstar.Forecasting.Inputs;
using Darkstar.HomeAssistant;
using Darkstar.Lab;
using Darkstar.Learning;
using Darkstar.Mqtt;
using Darkstar.Mqtt.Discovery;
using Darkstar.Planning;
using Darkstar.Planning.Kepler;
using Darkstar.Storage;
using Darkstar.Web;
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
/// Builds the add-on service: a Generic Host composed of the parts (each library's <c>AddDarkstar…</c> registers what it
/// owns, its loops included), all on the one injected clock, and <c>/health</c> on Kestrel.
/// </summary>
public static class DarkstarServiceHost
{
    /// <summary>The service stays up when Home Assistant refuses the token, asking again after this, then less often.</summary>
    public static readonly TimeSpan RefusedTokenRetryDelay = TimeSpan.FromMinutes(1);

    public static WebApplication Build(ServeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSignalFreeHostLifetime();
        builder.Services.AddOpenApi();
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

        var recentLog = new RecentLog(settings.Clock);
        builder.Logging.AddProvider(recentLog);
        builder.Services.AddSingleton(recentLog);

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
        app.MapDarkstarApi();
        app.UseDarkstarPages();
        return app;
    }

    /// <summary>
    /// The parts, in the order their loops start: storage and the controls first (what users set is loaded before any loop
    /// reads it), Home Assistant's connection (the executor's first tick needs it), then the recorder, so the planner's
    /// first plan finds the latest slots.
    /// </summary>
    private static void AddServices(IServiceCollection services, ServeSettings settings)
    {
        var options = settings.Options;
        services.AddSingleton(settings.Clock);
        services.AddSingleton(options);
        services.AddSingleton(settings.TimeZone);
        services.AddSingleton(settings.Site);
        foreach (var listener in settings.PlanListeners)
        {
            services.AddSingleton(listener);
        }

        services.AddSingleton<StatusBoard>();
        services.AddSingleton<IExecutorStatusReporter>(sp => sp.GetRequiredService<StatusBoard>());
        services.AddSingleton<IDarkstarStatusSource>(sp => sp.GetRequiredService<StatusBoard>());
        services.AddSingleton<WebEvents>();
        // The web UI's Lab: replays and export studies in the background, one at a time.
        services.AddSingleton<LabRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<LabRunner>());
        services.AddSingleton<IPlanListener>(sp => sp.GetRequiredService<WebEvents>());
        services.AddSingleton<IForecastListener>(sp => sp.GetRequiredService<WebEvents>());
        services.AddSingleton(sp => new WebReader(
            sp.GetRequiredService<DarkstarDatabase>(), settings.Clock, settings.TimeZone, options, sp.GetRequiredService<ControlStore>(),
            sp.GetService<IForecastVersionResolver>(), sp.GetService<Core.Car.CarStatusBoard>()));
        services
            .AddDarkstarStorage(settings.DatabasePath)
            .AddDarkstarRetention(options.Retention, settings.TimeZone)
            .AddDarkstarControls(options)
            .AddDarkstarManualBlocks(options)
            .AddDarkstarHomeAssistant(settings.HomeAssistant with { RefusedTokenRetryDelay = settings.HomeAssistant.RefusedTokenRetryDelay ?? RefusedTokenRetryDelay })
            .AddDarkstarLearning(options, settings.TimeZone, settings.Site.Latitude, settings.Site.Longitude)
            .AddDarkstarForecasting(options, settings.Site, settings.DatabasePath)
            .AddDarkstarPlanning(options, settings.TimeZone, settings.Solver)
            .AddDarkstarExecutor();
        if (options.Planner.AntaresShadow)
        {
            services.AddDarkstarLoop(sp => new AntaresShadowLoop(
                sp.GetRequiredService<DarkstarDatabase>(), options, settings.TimeZone, sp.GetRequiredService<LoopContext>(), sp.GetRequiredService<ILogger<AntaresShadowLoop>>()));
        }
        if (settings.Mqtt is { } broker)
        {
            var mqtt = new DarkstarMqttSettings
            {
                Topics = new DarkstarTopics(options.Mqtt.DiscoveryPrefix, options.Mqtt.TopicBase),
                Currency = options.Pricing.Currency,
                SoftwareVersion = VersionCommand.Version,
                FlexibleLoads = [.. options.FlexibleLoads.Select(l => l.Name)],
            };
            services.AddDarkstarMqtt(broker, mqtt, options, settings.TimeZone);
            // Publishing does not know planning: a new plan asks it to publish again.
            services.AddSingleton<IPlanListener>(sp => new PlanListener((_, _) => sp.GetRequiredService<MqttPublishLoop>().RequestPublish("new plan")));
        }
    }
}
