using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Darkstar.Core.Loops;

/// <summary>
/// A host lifetime that leaves the process's signals alone. The executable handles SIGTERM and Ctrl+C in one place (it
/// cancels the running command's token); the default console lifetime of each web host inside it (the service's, the
/// simulated home's) registered handlers of its own, which could run after their host was disposed and crash the
/// stopping process with an <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class SignalFreeHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Wires <see cref="SignalFreeHostLifetime"/>.</summary>
public static class SignalFreeHostLifetimeExtensions
{
    /// <summary>The host stops when its owner stops it, never on a signal of its own.</summary>
    public static IServiceCollection AddSignalFreeHostLifetime(this IServiceCollection services) =>
        services.AddSingleton<IHostLifetime, SignalFreeHostLifetime>();
}
