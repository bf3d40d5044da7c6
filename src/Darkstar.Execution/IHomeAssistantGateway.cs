using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.WebSockets;

namespace Darkstar.Execution;

/// <summary>The part of Home Assistant the executor uses: is it there, what are the states, call a service.</summary>
public interface IHomeAssistantGateway
{
    bool IsConnected { get; }

    /// <summary>Every entity's current state.</summary>
    /// <exception cref="HomeAssistantException">Home Assistant could not be asked.</exception>
    Task<IReadOnlyList<EntityState>> GetStatesAsync(CancellationToken cancellationToken);

    /// <exception cref="HomeAssistantException">The call failed or Home Assistant refused it.</exception>
    Task CallServiceAsync(ServiceCall serviceCall, CancellationToken cancellationToken);
}

/// <summary>The gateway over the add-on's one WebSocket connection to Home Assistant.</summary>
public sealed class WebSocketHomeAssistantGateway(HomeAssistantWebSocketClient client) : IHomeAssistantGateway
{
    private readonly HomeAssistantWebSocketClient _client = client ?? throw new ArgumentNullException(nameof(client));

    public bool IsConnected => _client.IsConnected;

    public Task<IReadOnlyList<EntityState>> GetStatesAsync(CancellationToken cancellationToken) => _client.GetStatesAsync(cancellationToken);

    public Task CallServiceAsync(ServiceCall serviceCall, CancellationToken cancellationToken) => _client.CallServiceAsync(serviceCall, cancellationToken);
}
