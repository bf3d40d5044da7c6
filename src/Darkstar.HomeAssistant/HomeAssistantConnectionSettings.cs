using Darkstar.Core.Options;

namespace Darkstar.HomeAssistant;

/// <summary>Inside the add-on (the Supervisor's proxy) or standalone (a URL and a long-lived token).</summary>
public enum HomeAssistantConnectionMode
{
    AddOn,
    Standalone,
}

/// <summary>
/// Where Home Assistant is and how to authenticate, plus the client's timing. Build it once at start-up
/// with <see cref="FromOptions"/>; <see cref="ToString"/> masks the token so the record can be logged.
/// </summary>
public sealed record HomeAssistantConnectionSettings
{
    public required HomeAssistantConnectionMode Mode { get; init; }

    /// <summary>The REST API root, ending in <c>/api/</c>.</summary>
    public required Uri RestBaseUri { get; init; }

    /// <summary>The WebSocket endpoint (<c>ws://.../api/websocket</c>, or <c>ws://supervisor/core/websocket</c>).</summary>
    public required Uri WebSocketUri { get; init; }

    /// <summary>The access token. Never logged: <see cref="ToString"/> prints it masked.</summary>
    public required string AccessToken { get; init; }

    /// <summary>How long a WebSocket command may wait for its result.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the handshake (<c>auth_required</c> to <c>auth_ok</c>) may take.</summary>
    public TimeSpan AuthTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a ping goes out on an idle connection.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A pong later than this marks the connection dead.</summary>
    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first reconnect delay; it doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Null: a refused token stops the client (a command, where the user reads the message at once). Otherwise the wait
    /// before asking again after a refusal, doubling up to 30 minutes: the service stays up, reporting the refusal
    /// (<see cref="WebSockets.HomeAssistantWebSocketClient.Refusal"/>), until the token is accepted.
    /// </summary>
    public TimeSpan? RefusedTokenRetryDelay { get; init; }

    /// <summary>Randomises reconnect delays so that many clients do not reconnect in step after a restart.</summary>
    public bool ReconnectJitter { get; init; } = true;

    /// <summary>The Supervisor as an add-on reaches it.</summary>
    public static readonly Uri SupervisorUri = new("http://supervisor/");

    /// <summary>
    /// The settings for the add-on: Home Assistant through the Supervisor's proxy. <paramref name="supervisor"/>
    /// is <see cref="SupervisorUri"/> in the add-on; tests point it at the simulated home, which serves the same paths.
    /// </summary>
    public static HomeAssistantConnectionSettings ForAddOn(string supervisorToken, Uri? supervisor = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(supervisorToken);
        var root = supervisor ?? SupervisorUri;
        var core = new Uri(root, "core/");
        var webSocket = new UriBuilder(new Uri(core, "websocket"))
        {
            Scheme = root.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        return new HomeAssistantConnectionSettings
        {
            Mode = HomeAssistantConnectionMode.AddOn,
            RestBaseUri = new Uri(core, "api/"),
            WebSocketUri = webSocket.Uri,
            AccessToken = supervisorToken,
        };
    }

    /// <summary>The settings for a Home Assistant at <paramref name="baseUrl"/> (e.g. <c>http://homeassistant.local:8123</c>).</summary>
    public static HomeAssistantConnectionSettings ForStandalone(Uri baseUrl, string accessToken)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new HomeAssistantConfigurationException($"home_assistant.url must be an http:// or https:// URL, not '{baseUrl}'.");
        }

        // A trailing slash keeps a path prefix (a reverse proxy's sub-path) when the API paths are appended.
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        var webSocket = new UriBuilder(new Uri(root, "api/websocket"))
        {
            Scheme = root.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        return new HomeAssistantConnectionSettings
        {
            Mode = HomeAssistantConnectionMode.Standalone,
            RestBaseUri = new Uri(root, "api/"),
            WebSocketUri = webSocket.Uri,
            AccessToken = accessToken,
        };
    }

    /// <summary>
    /// Chooses the mode from the options: a configured <c>home_assistant.url</c> means standalone with
    /// <c>home_assistant.token</c>; no URL means the add-on, with <paramref name="supervisorToken"/>
    /// (the value of <c>SUPERVISOR_TOKEN</c>, read by the caller at start-up) and <paramref name="supervisor"/> as in <see cref="ForAddOn"/>.
    /// </summary>
    public static HomeAssistantConnectionSettings FromOptions(HomeAssistantOptions options, string? supervisorToken, Uri? supervisor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Url))
        {
            if (!Uri.TryCreate(options.Url.Trim(), UriKind.Absolute, out var url))
            {
                throw new HomeAssistantConfigurationException($"home_assistant.url '{options.Url}' is not an absolute URL such as http://homeassistant.local:8123.");
            }

            if (string.IsNullOrWhiteSpace(options.Token))
            {
                throw new HomeAssistantConfigurationException(
                    "home_assistant.token is not set: create a long-lived access token in your Home Assistant profile (Security) and set home_assistant.token.");
            }

            return ForStandalone(url, options.Token.Trim());
        }

        if (!string.IsNullOrWhiteSpace(supervisorToken))
        {
            return ForAddOn(supervisorToken.Trim(), supervisor);
        }

        throw new HomeAssistantConfigurationException(
            $"home_assistant.url is not set and {OptionsContext.SupervisorTokenVariable} is absent: outside the add-on, set home_assistant.url and home_assistant.token.");
    }

    public override string ToString() =>
        $"{Mode} Home Assistant (REST {RestBaseUri}, WebSocket {WebSocketUri}, token ****)";
}
