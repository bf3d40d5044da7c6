namespace Darkstar.Mqtt;

/// <summary>
/// Where the broker is, who Darkstar is to it, and the connection's timing. <see cref="ToString"/> masks the
/// password, so the record can be logged.
/// </summary>
public sealed record MqttConnectionSettings
{
    public required string Host { get; init; }

    public int Port { get; init; } = 1883;

    public string? Username { get; init; }

    /// <summary>Never logged: <see cref="ToString"/> prints it masked.</summary>
    public string? Password { get; init; }

    public bool UseTls { get; init; }

    /// <summary>The CA certificate file (PEM, may hold several, or DER) that signs the broker's certificate; null means the system's CAs.</summary>
    public string? CaFile { get; init; }

    public string ClientId { get; init; } = DefaultClientId;

    /// <summary>
    /// The client id when none is given. The service replaces it with one of its installation
    /// (<see cref="DarkstarMqttService"/>): a broker drops a client when another connects with its id.
    /// </summary>
    public const string DefaultClientId = "darkstar";

    /// <summary>Where <c>online</c> goes on every connect and the broker's last will puts <c>offline</c>.</summary>
    public required string AvailabilityTopic { get; init; }

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause before reconnecting; it doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>. Must be positive.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() =>
        $"MQTT broker {Host}:{Port}{(UseTls ? " (TLS)" : "")} as client '{ClientId}'" +
        (Username is null ? " (anonymous)" : $" user '{Username}', password ****");
}
