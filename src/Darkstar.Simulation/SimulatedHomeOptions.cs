using Darkstar.Simulation.Clock;
using Darkstar.Simulation.Sources;
using Microsoft.Extensions.Logging;

namespace Darkstar.Simulation;

/// <summary>When the WebSocket API sends several messages in one frame, as a JSON array.</summary>
public enum MessageCoalescing
{
    /// <summary>One message per frame, always.</summary>
    Never,

    /// <summary>As Home Assistant: only after the client announced <c>coalesce_messages</c> in <c>supported_features</c>.</summary>
    WhenClientSupports,

    /// <summary>Whenever more than one message is waiting, even for clients that did not ask (tests client robustness).</summary>
    Always,
}

/// <summary>How to build a <see cref="SimulatedHome"/>.</summary>
public sealed class SimulatedHomeOptions
{
    /// <summary>The token of simulated-home.yaml.</summary>
    public const string DefaultToken = "darkstar-simulated-home-token";

    /// <summary>The Home Assistant version the home claims to be.</summary>
    public const string DefaultVersion = "2025.11.1";

    /// <summary>Loopback port; 0 picks a free one (see <see cref="SimulatedHome.Port"/>).</summary>
    public int Port { get; init; }

    public string Token { get; init; } = DefaultToken;

    /// <summary>Seed of the synthetic home: the same seed gives the same PV, load, weather and prices.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A data set folder to replay (konstanz-home's format) instead of the synthetic home.</summary>
    public string? HomeFolder { get; init; }

    /// <summary>A source of one's own; overrides <see cref="Seed"/> and <see cref="HomeFolder"/>.</summary>
    public IHomeSource? Source { get; init; }

    public SimulationClockMode ClockMode { get; init; } = SimulationClockMode.Stepped;

    /// <summary>Simulated seconds per real second in <see cref="SimulationClockMode.Accelerated"/> mode.</summary>
    public double Speed { get; init; } = 60;

    /// <summary>The first simulated instant (stepped and accelerated clocks); default: the source's own choice.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>How much simulated past the home has lived through at start (history and statistics to backfill from).</summary>
    public TimeSpan History { get; init; } = TimeSpan.Zero;

    public MessageCoalescing Coalescing { get; init; } = MessageCoalescing.WhenClientSupports;

    public string Version { get; init; } = DefaultVersion;

    /// <summary>The broker <c>GET /services/mqtt</c> tells the add-on to use.</summary>
    public string MqttHost { get; init; } = "127.0.0.1";

    public int MqttPort { get; init; } = 1883;

    public string MqttUsername { get; init; } = "addons";

    public string MqttPassword { get; init; } = "darkstar-simulated-mqtt-password";

    public ILoggerFactory? LoggerFactory { get; init; }
}
