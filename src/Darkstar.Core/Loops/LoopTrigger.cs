using System.Threading.Channels;

namespace Darkstar.Core.Loops;

/// <summary>
/// A wake-up call for a loop (the planner, the retraining, the MQTT publishing): the latest reason wins, and asking again
/// before the loop woke up asks once. A request stays pending until the loop takes it, so that
/// <see cref="LoopActivity"/> never sees a loop idle between its waking and its round.
/// </summary>
public sealed class LoopTrigger
{
    private readonly Channel<string> _requests = Channel.CreateBounded<string>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <summary>Raised after every request, for <see cref="LoopActivity"/>.</summary>
    internal event EventHandler? Requested;

    /// <summary>True while a request waits for its loop.</summary>
    public bool IsPending => _requests.Reader.TryPeek(out _);

    public void Request(string reason)
    {
        _requests.Writer.TryWrite(reason);
        Requested?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Takes the pending request's reason, or null when there is none.</summary>
    public string? Take() => _requests.Reader.TryRead(out var reason) ? reason : null;

    /// <summary>
    /// The reason of the next request, or null once <paramref name="clock"/> reads <paramref name="due"/> without one: at once
    /// when it is past already (a loop that ran late runs again at once, rather than skip to the instant after), and never before
    /// it, however early the clock's timer fires.
    /// </summary>
    public async Task<string?> WaitUntilAsync(DateTimeOffset due, TimeProvider clock, CancellationToken cancellationToken)
    {
        await WakeAsync(due, clock, cancellationToken);
        return Take();
    }

    /// <summary>The reason of the next request, or null once <paramref name="timeout"/> (on <paramref name="clock"/>) has passed without one.</summary>
    public async Task<string?> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        await WakeAsync(clock.GetUtcNow() + timeout, clock, cancellationToken);
        return Take();
    }

    /// <summary>
    /// Returns once a request is pending or <paramref name="clock"/> reads <paramref name="due"/> or later, whichever is
    /// first; takes nothing. <paramref name="armed"/> is called once the clock's timer is set (see <see cref="ClockWait"/>).
    /// </summary>
    public async Task WakeAsync(DateTimeOffset due, TimeProvider clock, CancellationToken cancellationToken, Action? armed = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        while (!IsPending)
        {
            var left = due - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(left, clock, limit.Token);
            var request = _requests.Reader.WaitToReadAsync(limit.Token).AsTask();
            armed?.Invoke();
            await Task.WhenAny(delay, request);
            await limit.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}

/// <summary>Waits on an injected clock until an instant, however early the clock's timer fires.</summary>
public static class ClockWait
{
    /// <summary>
    /// Returns once <paramref name="clock"/> reads <paramref name="due"/> or later (at once when it already does). A timer may fire
    /// a moment before its time (by up to a millisecond of real time, seconds of an accelerated clock): the rest is waited out,
    /// so that a loop woken early does not run its round for the interval that is about to end.
    /// <para>
    /// <paramref name="armed"/> is called each time the clock's timer is set. A loop tells <see cref="LoopActivity"/> it
    /// waits only then: told before, a test could see the service idle and step the clock on before the timer exists, and
    /// the timer, set from the stepped instant, would fire a step late.
    /// </para>
    /// </summary>
    public static async Task UntilAsync(DateTimeOffset due, TimeProvider clock, CancellationToken cancellationToken, Action? armed = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        for (var left = due - clock.GetUtcNow(); left > TimeSpan.Zero; left = due - clock.GetUtcNow())
        {
            var delay = Task.Delay(left, clock, cancellationToken);
            armed?.Invoke();
            await delay;
        }
    }
}

/// <summary>
/// The wake-up calls one part of the service makes to another: a re-plan (new prices, a SoC far off the plan, a changed
/// control, the button) and a retraining (the button). One of each per service.
/// </summary>
public sealed class ServiceTriggers
{
    public LoopTrigger Replan { get; } = new();

    public LoopTrigger Retrain { get; } = new();

    /// <summary>What a button of Darkstar's controls asks for.</summary>
    public void Press(Controls.DarkstarButton button)
    {
        switch (button)
        {
            case Controls.DarkstarButton.Replan:
                Replan.Request("re-plan button");
                break;
            case Controls.DarkstarButton.RetrainAurora:
                Retrain.Request("retrain button");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(button), button, "Not a Darkstar button.");
        }
    }
}
