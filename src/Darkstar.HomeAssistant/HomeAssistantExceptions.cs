using System.Net;
using System.Net.WebSockets;

namespace Darkstar.HomeAssistant;

// Messages never carry the access token: they name the endpoint, the command or the entity instead.

/// <summary>The base of every error the Home Assistant client raises.</summary>
public class HomeAssistantException : Exception
{
    public HomeAssistantException()
    {
    }

    public HomeAssistantException(string message)
        : base(message)
    {
    }

    public HomeAssistantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The connection settings are incomplete: the message names the option to set.</summary>
public sealed class HomeAssistantConfigurationException : HomeAssistantException
{
    public HomeAssistantConfigurationException()
    {
    }

    public HomeAssistantConfigurationException(string message)
        : base(message)
    {
    }

    public HomeAssistantConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Home Assistant refused the access token (WebSocket <c>auth_invalid</c>, HTTP 401/403). Retrying cannot help.</summary>
public sealed class HomeAssistantAuthenticationException : HomeAssistantException
{
    public HomeAssistantAuthenticationException()
    {
    }

    public HomeAssistantAuthenticationException(string message)
        : base(message)
    {
    }

    public HomeAssistantAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static HomeAssistantAuthenticationException For(HomeAssistantConnectionMode mode, string? detail)
    {
        var advice = mode == HomeAssistantConnectionMode.AddOn
            ? "Home Assistant refused the Supervisor token: check that the add-on has homeassistant_api enabled and restart it"
            : "Home Assistant refused the access token: create a long-lived access token in your Home Assistant profile (Security) and set home_assistant.token";
        return new HomeAssistantAuthenticationException(string.IsNullOrWhiteSpace(detail) ? $"{advice}." : $"{advice} ({detail}).");
    }
}

/// <summary>An entity, service or path that Home Assistant does not know.</summary>
public sealed class HomeAssistantNotFoundException : HomeAssistantException
{
    public HomeAssistantNotFoundException()
    {
    }

    public HomeAssistantNotFoundException(string message)
        : base(message)
    {
    }

    public HomeAssistantNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Home Assistant answered a WebSocket command with <c>success: false</c>.</summary>
public sealed class HomeAssistantCommandException : HomeAssistantException
{
    public HomeAssistantCommandException()
    {
    }

    public HomeAssistantCommandException(string message)
        : base(message)
    {
    }

    public HomeAssistantCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HomeAssistantCommandException(string commandType, string code, string errorMessage)
        : base($"Home Assistant refused the command {commandType}: {errorMessage} (code {code}).")
    {
        CommandType = commandType;
        Code = code;
        ErrorMessage = errorMessage;
    }

    public string? CommandType { get; }

    /// <summary>Home Assistant's error code, e.g. <c>not_found</c>, <c>invalid_format</c>, <c>unknown_command</c>.</summary>
    public string? Code { get; }

    public string? ErrorMessage { get; }
}

/// <summary>A REST call answered with an unexpected HTTP status.</summary>
public sealed class HomeAssistantHttpException : HomeAssistantException
{
    public HomeAssistantHttpException()
    {
    }

    public HomeAssistantHttpException(string message)
        : base(message)
    {
    }

    public HomeAssistantHttpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HomeAssistantHttpException(string message, HttpStatusCode statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public HttpStatusCode? StatusCode { get; }
}

/// <summary>No answer within the allowed time: a command result, a pong, or an HTTP response.</summary>
public sealed class HomeAssistantTimeoutException : HomeAssistantException
{
    public HomeAssistantTimeoutException()
    {
    }

    public HomeAssistantTimeoutException(string message)
        : base(message)
    {
    }

    public HomeAssistantTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Home Assistant could not be reached, or the connection was lost before the answer came.</summary>
public sealed class HomeAssistantConnectionLostException : HomeAssistantException
{
    public HomeAssistantConnectionLostException()
    {
    }

    public HomeAssistantConnectionLostException(string message)
        : base(message)
    {
    }

    public HomeAssistantConnectionLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HomeAssistantConnectionLostException(string message, DisconnectReason reason, Exception? innerException = null)
        : base(message, innerException!)
    {
        Reason = reason;
    }

    public DisconnectReason? Reason { get; }

    internal WebSocketCloseStatus? CloseStatus { get; init; }
}

/// <summary>Home Assistant sent something that is not the protocol: malformed JSON or a missing field.</summary>
public sealed class HomeAssistantProtocolException : HomeAssistantException
{
    public HomeAssistantProtocolException()
    {
    }

    public HomeAssistantProtocolException(string message)
        : base(message)
    {
    }

    public HomeAssistantProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
