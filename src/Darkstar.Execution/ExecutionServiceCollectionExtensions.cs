using Darkstar.Core.Car;
using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Darkstar.Execution;

public static class ExecutionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the executor and its once-a-minute loop, reading what users set from the <see cref="ControlStore"/>. The
    /// host registers what it needs besides storage and the controls: <see cref="DarkstarOptions"/>, a started
    /// <see cref="HomeAssistantWebSocketClient"/> (or an <see cref="IHomeAssistantGateway"/> of its own) and an
    /// <see cref="IExecutorStatusReporter"/>.
    /// </summary>
    public static IServiceCollection AddDarkstarExecutor(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDarkstarLoops();
        services.TryAddSingleton<IHomeAssistantGateway>(sp => new WebSocketHomeAssistantGateway(sp.GetRequiredService<HomeAssistantWebSocketClient>()));
        services.TryAddSingleton<IExecutorSettingsSource>(sp => new ControlStoreExecutorSettings(sp.GetRequiredService<ControlStore>()));
        services.AddSingleton(sp => new ExecutorTick(
            sp.GetRequiredService<DarkstarOptions>(),
            sp.GetRequiredService<PlanRepository>(),
            sp.GetRequiredService<ExecutionLogRepository>(),
            sp.GetRequiredService<IHomeAssistantGateway>(),
            sp.GetRequiredService<IExecutorSettingsSource>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ExecutorTick>>()));
        services.AddDarkstarLoop<ExecutorService>();
        services.TryAddSingleton<ICarReader>(sp => new Car.CarStateReader(sp.GetRequiredService<IHomeAssistantGateway>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
