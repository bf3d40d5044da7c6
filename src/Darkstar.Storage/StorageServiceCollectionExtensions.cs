using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Darkstar.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the database at <paramref name="databasePath"/>, the migrator, the statistics, every repository, and the
    /// <c>user_settings</c> table as the controls' <see cref="IUserSettingsStore"/>, as singletons.
    /// </summary>
    public static IServiceCollection AddDarkstarStorage(this IServiceCollection services, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new DarkstarDatabase(databasePath, sp.GetService<ILogger<DarkstarDatabase>>()));
        services.AddSingleton(sp => new SchemaMigrator(
            sp.GetRequiredService<DarkstarDatabase>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<SchemaMigrator>>()));
        services.AddSingleton<DatabaseStatistics>();
        services.AddSingleton<SensorTotalRepository>();
        services.AddSingleton<SlotObservationRepository>();
        services.AddSingleton<PriceRepository>();
        services.AddSingleton<WeatherRepository>();
        services.AddSingleton<DataQualityRepository>();
        services.AddSingleton<SlotForecastRepository>();
        services.AddSingleton<ModelRunRepository>();
        services.AddSingleton<PlanRepository>();
        services.AddSingleton<ExecutionLogRepository>();
        services.AddSingleton<OracleResultRepository>();
        services.AddSingleton<TrainingEpisodeRepository>();
        services.AddSingleton<AntaresTrainingRunRepository>();
        services.AddSingleton<UserSettingRepository>();
        services.AddSingleton<InstallationIdentity>();
        services.TryAddSingleton<IUserSettingsStore>(sp => new DatabaseUserSettingsStore(sp.GetRequiredService<UserSettingRepository>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Registers the daily clean-up of the database (<see cref="RetentionLoop"/>) with the <c>retention</c> options.</summary>
    public static IServiceCollection AddDarkstarRetention(this IServiceCollection services, RetentionOptions options, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        services.AddSingleton(sp => new DatabaseRetention(sp.GetRequiredService<DarkstarDatabase>(), RetentionHorizons.From(options), zone));
        services.AddDarkstarLoop(sp => new RetentionLoop(
            sp.GetRequiredService<DatabaseRetention>(), zone, sp.GetRequiredService<LoopContext>(), sp.GetRequiredService<ILogger<RetentionLoop>>()));
        return services;
    }
}
