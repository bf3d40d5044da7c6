using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Mqtt;

public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// Registers Darkstar's presence in Home Assistant over MQTT: the connection to <paramref name="broker"/> (its reconnects
    /// on the system clock), the service that announces the device and takes the controls' commands, and the loop that
    /// publishes the database's figures and the status. Needs storage, the controls, an <see cref="IDarkstarStatusSource"/>
    /// and, to publish Aurora's stored version, an <see cref="IForecastVersionResolver"/>.
    /// </summary>
    public static IServiceCollection AddDarkstarMqtt(
        this IServiceCollection services, MqttConnectionSettings broker, DarkstarMqttSettings settings, DarkstarOptions options, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        services.AddDarkstarLoops();
        services.AddSingleton(sp => new MqttConnection(broker, TimeProvider.System, sp.GetRequiredService<ILogger<MqttConnection>>()));
        services.AddSingleton(settings);
        services.AddSingleton(sp => new DarkstarMqttService(
            sp.GetRequiredService<MqttConnection>(), settings, sp.GetRequiredService<ControlStore>(), sp.GetRequiredService<ServiceTriggers>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DarkstarMqttService>>(), sp.GetService<InstallationIdentity>(),
            sp.GetService<ManualBlockStore>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DarkstarMqttService>());
        services.AddSingleton(sp => new DatabaseStateReader(
            sp.GetRequiredService<DarkstarDatabase>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IForecastVersionResolver>() is { } versions ? versions.ResolveForecastVersionAsync : null, options.WaterHeating.Enabled,
            Core.Domain.PeakFeeSpec.FromOptions(options.PeakFee), [.. options.FlexibleLoads.Select(l => l.Name)]));
        services.AddDarkstarLoop(sp => new MqttPublishLoop(
            sp.GetRequiredService<DarkstarMqttService>(), sp.GetRequiredService<ControlStore>(), sp.GetRequiredService<Core.Domain.IDarkstarStatusSource>(),
            sp.GetRequiredService<DatabaseStateReader>(), zone, sp.GetRequiredService<LoopContext>(), sp.GetRequiredService<ILogger<MqttPublishLoop>>(),
            sp.GetService<Core.Car.CarStatusBoard>()));
        return services;
    }
}
