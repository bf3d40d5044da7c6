using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Learning.Prices;
using Darkstar.Learning.Recording;
using Darkstar.Learning.Weather;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning;

public static class LearningServiceCollectionExtensions
{
    /// <summary>
    /// Registers what turns the home into stored slots, prices and weather: the one ETL, the gap filler, the price reader,
    /// the live recorder and its watch, and the weather loop, on the registered <see cref="TimeProvider"/>. Needs storage
    /// and Home Assistant registered (<c>AddDarkstarStorage</c>, <c>AddDarkstarHomeAssistant</c>).
    /// </summary>
    /// <param name="latitude">The home's position, for its weather.</param>
    public static IServiceCollection AddDarkstarLearning(
        this IServiceCollection services, DarkstarOptions options, TimeZoneInfo zone, double latitude, double longitude)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        services.AddDarkstarLoops();
        services.AddSingleton(sp => new SlotEtl(
            sp.GetRequiredService<SlotObservationRepository>(),
            sp.GetRequiredService<SensorTotalRepository>(),
            sp.GetRequiredService<PriceRepository>(),
            sp.GetRequiredService<DataQualityRepository>(),
            new EtlSettings { Sensors = SensorRoles.Mapped(options.InputSensors), Limits = EnergyLimits.FromOptions(options), TimeZone = zone },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SlotEtl>>()));
        services.AddSingleton(sp => new StatisticsBackfill(
            sp.GetRequiredService<HomeAssistantWebSocketClient>(), sp.GetRequiredService<HomeAssistantRestClient>(), sp.GetRequiredService<SlotEtl>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StatisticsBackfill>>()));
        services.AddSingleton(sp => new PriceUpdater(
            sp.GetRequiredService<HomeAssistantWebSocketClient>(), sp.GetRequiredService<PriceRepository>(), options.Pricing, zone,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PriceUpdater>>()));
        services.AddSingleton<IPriceRefresher>(sp => sp.GetRequiredService<PriceUpdater>());
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
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LiveRecorder>>(),
            sp.GetRequiredService<LoopActivity>()));
        services.AddSingleton<IHomeHistoryReader>(sp => sp.GetRequiredService<LiveRecorder>());
        services.AddSingleton<ILiveSoc>(sp => sp.GetRequiredService<LiveRecorder>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LiveRecorder>());
        services.AddDarkstarLoop<RecorderWatch>();
        services.AddSingleton(sp => new WeatherUpdater(
            new OpenMeteoClient(sp.GetRequiredService<HttpClient>(), OpenMeteoEndpoints.FromOption(options.Forecasting.WeatherUrl)),
            sp.GetRequiredService<WeatherRepository>(),
            new WeatherSettings { Latitude = latitude, Longitude = longitude },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WeatherUpdater>>()));
        services.AddDarkstarLoop<WeatherLoop>();
        return services;
    }
}
