using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Forecasting.Inputs;
using Darkstar.Forecasting.Runtime;
using Darkstar.Forecasting.Training;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting;

public static class ForecastingServiceCollectionExtensions
{
    /// <summary>
    /// Registers Aurora for the service: the history it reads, its model store beside the database (also as the
    /// <see cref="IForecastVersionResolver"/>), the forecasting round and its quarter-hourly loop, and training with its
    /// weekly loop, on the registered <see cref="TimeProvider"/>. Needs storage registered, and an
    /// <see cref="IHomeHistoryReader"/> (the live recorder: <c>AddDarkstarLearning</c>) for training at a first start.
    /// </summary>
    public static IServiceCollection AddDarkstarForecasting(this IServiceCollection services, DarkstarOptions options, HomeSite site, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddDarkstarLoops();
        services.AddSingleton(sp => new HistoryLoader(
            sp.GetRequiredService<SlotObservationRepository>(), sp.GetRequiredService<WeatherRepository>(), options.WaterHeating.Enabled));
        services.AddSingleton(sp => new AuroraModelStore(sp.GetRequiredService<ModelRunRepository>(), AuroraModelStore.FolderBeside(databasePath)));
        services.AddSingleton<IForecastVersionResolver>(sp => sp.GetRequiredService<AuroraModelStore>());
        services.AddSingleton(sp => new ForecastRunner(
            sp.GetRequiredService<HistoryLoader>(), sp.GetRequiredService<SlotForecastRepository>(), sp.GetRequiredService<AuroraModelStore>(),
            site, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ForecastRunner>>()));
        services.AddSingleton(sp => new AuroraTrainingService(
            sp.GetRequiredService<HistoryLoader>(), sp.GetRequiredService<AuroraModelStore>(), site, new AuroraTrainingSettings(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuroraTrainingService>>()));
        services.AddDarkstarLoop<ForecastLoop>();
        services.AddDarkstarLoop(sp => new RetrainLoop(
            sp.GetRequiredService<AuroraTrainingService>(),
            sp.GetRequiredService<IHomeHistoryReader>(),
            options.Forecasting,
            site.TimeZone,
            sp.GetRequiredService<ServiceTriggers>(),
            sp.GetRequiredService<LoopContext>(),
            sp.GetRequiredService<ILogger<RetrainLoop>>()));
        return services;
    }
}
