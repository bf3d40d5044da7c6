using Polly;
using Polly.Retry;

namespace Darkstar.HomeAssistant.WebSockets;

/// <summary>
/// The reconnect schedule: exponential from <see cref="HomeAssistantConnectionSettings.ReconnectMinDelay"/>
/// up to <see cref="HomeAssistantConnectionSettings.ReconnectMaxDelay"/>, with jitter, retrying for ever
/// except when the token was refused. One execution is one "connect until connected", so the schedule starts
/// over after every successful connection.
/// </summary>
internal static class ReconnectBackoff
{
    public static ResiliencePipeline Create(
        HomeAssistantConnectionSettings settings,
        TimeProvider timeProvider,
        Func<OnRetryArguments<object>, ValueTask>? onRetry)
    {
        var retry = new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = settings.ReconnectJitter,
            Delay = settings.ReconnectMinDelay,
            MaxDelay = settings.ReconnectMaxDelay,
            MaxRetryAttempts = int.MaxValue,
            OnRetry = onRetry,
        };
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddRetry(retry).Build();
    }

    /// <summary>Everything but a refused token, bad settings and cancellation is worth another attempt.</summary>
    public static bool IsTransient(Exception error) =>
        error is not (HomeAssistantAuthenticationException or HomeAssistantConfigurationException or OperationCanceledException);
}
