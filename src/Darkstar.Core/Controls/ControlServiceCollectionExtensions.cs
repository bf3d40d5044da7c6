using Darkstar.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Core.Controls;

public static class ControlServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="ControlStore"/>, starting from <paramref name="options"/>' values, and its loading from
    /// the registered <see cref="IUserSettingsStore"/> when the host starts: register this before the parts that read the
    /// controls, so that their first round runs with what users set.
    /// </summary>
    public static IServiceCollection AddDarkstarControls(this IServiceCollection services, DarkstarOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(sp => new ControlStore(
            DarkstarControlValues.FromOptions(options), sp.GetRequiredService<IUserSettingsStore>(), sp.GetRequiredService<ILogger<ControlStore>>()));
        services.AddHostedService<ControlStoreLoader>();
        return services;
    }

    /// <summary>Loads what users set before the loops start (hosted services start in order of registration).</summary>
    private sealed class ControlStoreLoader(ControlStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.LoadAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
