using Darkstar.Core.Car;
using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Planning.Kepler;
using Darkstar.Planning.Solver;
using Darkstar.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Darkstar.Planning;

public static class PlanningServiceCollectionExtensions
{
    /// <summary>
    /// Registers Kepler for the service: the planner and its loop (every plan with the options as the
    /// <see cref="ControlStore"/> amends them, told to every registered <see cref="IPlanListener"/>), and the Oracle and its
    /// daily loop, on the registered <see cref="TimeProvider"/>. Needs storage, the controls, an
    /// <see cref="IPriceRefresher"/> (<c>AddDarkstarLearning</c>) and, to plan on Aurora's stored version, an
    /// <see cref="IForecastVersionResolver"/> (<c>AddDarkstarForecasting</c>); the car is planned when an <see cref="ICarReader"/>
    /// (<c>AddDarkstarExecutor</c>) is registered, its status left in the <see cref="CarStatusBoard"/>.
    /// </summary>
    /// <param name="solver">Kepler's MILP solver; null is CBC.</param>
    public static IServiceCollection AddDarkstarPlanning(
        this IServiceCollection services, DarkstarOptions options, TimeZoneInfo zone, Func<LinearModel, SolverSettings, SolveResult>? solver = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        services.AddDarkstarLoops();
        services.TryAddSingleton<CarStatusBoard>();
        services.AddSingleton(sp => new KeplerPlanner(
            sp.GetRequiredService<DarkstarDatabase>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KeplerPlanner>>(), solver,
            sp.GetService<IForecastVersionResolver>() is { } versions ? versions.ResolveForecastVersionAsync : null,
            sp.GetService<ILiveSoc>(),
            sp.GetService<ManualBlockStore>(),
            sp.GetService<ICarReader>() is { } car
                ? new CarPlanning(car, sp.GetRequiredService<CarStatusBoard>(), sp.GetRequiredService<ILogger<KeplerPlanner>>())
                : null));
        services.AddDarkstarLoop(sp => new PlannerLoop(
            sp.GetRequiredService<KeplerPlanner>(),
            sp.GetRequiredService<IPriceRefresher>(),
            options,
            sp.GetRequiredService<ControlStore>(),
            zone,
            sp.GetRequiredService<ServiceTriggers>(),
            sp.GetServices<IPlanListener>(),
            sp.GetRequiredService<LoopContext>(),
            sp.GetRequiredService<ILogger<PlannerLoop>>(),
            sp.GetService<ManualBlockStore>()));
        services.AddSingleton(sp => new OracleRunner(sp.GetRequiredService<DarkstarDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddDarkstarLoop(sp => new OracleLoop(
            sp.GetRequiredService<OracleRunner>(), sp.GetRequiredService<Storage.Repositories.OracleResultRepository>(), options, zone,
            sp.GetRequiredService<LoopContext>(), sp.GetRequiredService<ILogger<OracleLoop>>()));
        services.AddDarkstarLoop(sp => new Antares.LiveEpisodeLoop(
            sp.GetRequiredService<DarkstarDatabase>(), options, zone, sp.GetRequiredService<LoopContext>(), sp.GetRequiredService<ILogger<Antares.LiveEpisodeLoop>>()));
        return services;
    }
}
