namespace Darkstar.Mqtt;

/// <summary>
/// Where the broker is, who Darkstar is to it, and the connection's timing. <see cref="ToString"/> masks the
/// password, so the record can be logged.
/// </summary>
public sealed record MqttConnectionSettings
{
    /// <summary>Where Debian keeps the system's CA certificates (used with TLS when no CA file is given).</summary>
    public const string SystemCaPath = "/etc/ssl/certs";

    public required string Host { get; init; }

    public int Port { get; init; } = 1883;

    public string? Username { get; init; }

    /// <summary>Never logged: <see cref="ToString"/> prints it masked.</summary>
    public string? Password { get; init; }

    public bool UseTls { get; init; }

    /// <summary>The CA certificate file that signs the broker's certificate; null means the system's CAs.</summary>
    public string? CaFile { get; init; }

    public string ClientId { get; init; } = "darkstar";

    /// <summary>Where <c>online</c> goes on every connect and the broker's last will puts <c>offline</c>.</summary>
    public required string AvailabilityTopic { get; init; }

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first reconnect pause; it doubles per failed attempt up to <see cref="ReconnectMaxDelay"/> (whole seconds).</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() =>
        $"MQTT broker {Host}:{Port}{(UseTls ? " (TLS)" : "")} as client '{ClientId}'" +
        (Username is null ? " (anonymous)" : $" user '{Username}', password ****");
}
