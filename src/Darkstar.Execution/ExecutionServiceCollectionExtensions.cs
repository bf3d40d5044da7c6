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
    /// Registers the executor and its once-a-minute service. The host registers what it needs besides storage:
    /// <see cref="DarkstarOptions"/>, a started <see cref="HomeAssistantWebSocketClient"/> (or an
    /// <see cref="IHomeAssistantGateway"/> of its own), an <see cref="IExecutorSettingsSource"/> and an
    /// <see cref="IExecutorStatusReporter"/>.
    /// </summary>
    public static IServiceCollection AddDarkstarExecutor(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHomeAssistantGateway>(sp => new WebSocketHomeAssistantGateway(sp.GetRequiredService<HomeAssistantWebSocketClient>()));
        services.AddSingleton(sp => new ExecutorTick(
            sp.GetRequiredService<DarkstarOptions>(),
            sp.GetRequiredService<PlanRepository>(),
            sp.GetRequiredService<ExecutionLogRepository>(),
            sp.GetRequiredService<IHomeAssistantGateway>(),
            sp.GetRequiredService<IExecutorSettingsSource>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ExecutorTick>>()));
        services.AddHostedService<ExecutorService>();
        return services;
    }
}
