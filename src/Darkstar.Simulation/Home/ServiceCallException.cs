namespace Darkstar.Simulation.Home;

/// <summary>
/// A service call Home Assistant would refuse, with the error code its WebSocket API answers
/// (<c>not_found</c>, <c>service_validation_error</c>, <c>invalid_format</c>, <c>home_assistant_error</c>).
/// </summary>
public sealed class ServiceCallException : Exception
{
    public ServiceCallException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public ServiceCallException()
        : this("home_assistant_error", "The service call failed.")
    {
    }

    public ServiceCallException(string message)
        : this("home_assistant_error", message)
    {
    }

    public ServiceCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "home_assistant_error";
    }

    public string Code { get; } = "home_assistant_error";
}

/// <summary>What a service call changed, and its response when the caller asked for one.</summary>
public sealed record ServiceCallResult(StateContext Context, IReadOnlyList<EntityState> ChangedStates, System.Text.Json.Nodes.JsonNode? Response);
