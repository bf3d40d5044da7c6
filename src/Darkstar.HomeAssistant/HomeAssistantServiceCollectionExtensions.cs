using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.HomeAssistant;

public static class HomeAssistantServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one WebSocket client (for the recorder, the price reader, the gap filler and the executor), the REST
    /// client, the HTTP client they and the weather share, and the first connection at start. The client's pings and
    /// reconnects run on the system clock: they are about the network, not the home's day.
    /// </summary>
    public static IServiceCollection AddDarkstarHomeAssistant(this IServiceCollection services, HomeAssistantConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(sp => new HomeAssistantWebSocketClient(settings, TimeProvider.System, sp.GetRequiredService<ILogger<HomeAssistantWebSocketClient>>()));
        services.TryAddSingleton(_ => new HttpClient { Timeout = TimeSpan.FromSeconds(60) });
        services.AddSingleton(sp => new HomeAssistantRestClient(sp.GetRequiredService<HttpClient>(), settings, sp.GetRequiredService<ILogger<HomeAssistantRestClient>>()));
        services.AddHostedService<HomeAssistantStarter>();
        return services;
    }

    /// <summary>
    /// Connects to Home Assistant before the loops start, waiting at most <see cref="FirstConnectionWait"/>: when it is
    /// not there yet the loops start anyway (the executor in safe mode) and the client keeps trying.
    /// </summary>
    private sealed class HomeAssistantStarter(HomeAssistantWebSocketClient client, ILogger<HomeAssistantStarter> logger) : IHostedService
    {
        private static readonly TimeSpan FirstConnectionWait = TimeSpan.FromSeconds(15);

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(FirstConnectionWait);
            try
            {
                await client.StartAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Home Assistant did not answer within {Seconds} s; starting anyway and trying again", FirstConnectionWait.TotalSeconds);
            }
            catch (HomeAssistantException e)
            {
                // A refused token stops the client; the status and the log say so on every executor tick.
                logger.LogError("Home Assistant refused the connection: {Message}", e.Message);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
