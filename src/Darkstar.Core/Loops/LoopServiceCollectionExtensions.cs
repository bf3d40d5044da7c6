using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Darkstar.Core.Loops;

public static class LoopServiceCollectionExtensions
{
    /// <summary>
    /// Registers what every loop shares (once, however many parts ask): <see cref="ServiceHealth"/>,
    /// <see cref="LoopActivity"/>, <see cref="ServiceTriggers"/> and the <see cref="LoopContext"/>, on the registered
    /// <see cref="TimeProvider"/> (the system's unless the host registered another first).
    /// </summary>
    public static IServiceCollection AddDarkstarLoops(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServiceHealth>();
        services.TryAddSingleton<LoopActivity>();
        services.TryAddSingleton<ServiceTriggers>();
        services.TryAddSingleton<LoopContext>();
        return services;
    }

    /// <summary>Registers <typeparamref name="TLoop"/> as a singleton (so others can read it) and as a hosted service.</summary>
    public static IServiceCollection AddDarkstarLoop<TLoop>(this IServiceCollection services)
        where TLoop : ServiceLoop
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDarkstarLoops();
        services.AddSingleton<TLoop>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TLoop>());
        return services;
    }

    /// <inheritdoc cref="AddDarkstarLoop{TLoop}(IServiceCollection)"/>
    public static IServiceCollection AddDarkstarLoop<TLoop>(this IServiceCollection services, Func<IServiceProvider, TLoop> create)
        where TLoop : ServiceLoop
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(create);
        services.AddDarkstarLoops();
        services.AddSingleton(create);
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TLoop>());
        return services;
    }
}
