namespace Darkstar.HomeAssistant;

/// <summary>Why a WebSocket connection to Home Assistant ended.</summary>
public enum DisconnectReason
{
    /// <summary>Home Assistant closed the socket (restart, shutdown).</summary>
    ClosedByServer,

    /// <summary>The network failed: refused, reset, or the socket broke.</summary>
    NetworkError,

    /// <summary>No pong came back within the pong timeout: the connection is dead even if the socket looks open.</summary>
    PingTimeout,

    /// <summary>Home Assistant refused the access token. The client stops reconnecting.</summary>
    AuthInvalid,

    /// <summary>Home Assistant sent something that is not the protocol.</summary>
    ProtocolError,

    /// <summary>The client was stopped or disposed.</summary>
    Cancelled,
}

/// <summary>Whether the client is now connected, or why it is not.</summary>
public enum ConnectionStatus
{
    Connected,
    Disconnected,

    /// <summary>The client gave up for good (<see cref="DisconnectReason.AuthInvalid"/> or stopped).</summary>
    Stopped,
}

/// <summary>A change of the client's connection, reported on <see cref="HomeAssistantWebSocketClient.ConnectionChanges"/>.</summary>
/// <param name="Reason">Why the connection ended; null when <paramref name="Status"/> is <see cref="ConnectionStatus.Connected"/>.</param>
/// <param name="Error">The error that ended it, if any.</param>
/// <param name="HomeAssistantVersion">The version Home Assistant announced in <c>auth_ok</c>, when connected.</param>
public sealed record ConnectionChange(
    ConnectionStatus Status,
    DateTimeOffset At,
    DisconnectReason? Reason = null,
    Exception? Error = null,
    string? HomeAssistantVersion = null);
