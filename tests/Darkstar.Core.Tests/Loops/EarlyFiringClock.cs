namespace Darkstar.Core.Tests.Loops;

/// <summary>
/// A clock whose timers fire two simulated seconds before their time (as a real timer a millisecond early does on a
/// clock at 2000× real time): each timer moves the clock to its due time less those seconds, then fires at once.
/// </summary>
internal sealed class EarlyFiringClock(DateTimeOffset start) : TimeProvider
{
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(2);
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public int TimersCreated { get; private set; }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            TimersCreated++;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _now += dueTime > Early ? dueTime - Early : dueTime;
            }
        }

        return TimeProvider.System.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
