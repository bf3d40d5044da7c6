using Darkstar.Core.Time;

namespace Darkstar.Testing;

/// <summary>
/// A clock for tests that moves only when told to. Timers created through it fire, in due order,
/// when <see cref="Advance"/> moves the clock past their due time, so tests never sleep.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly ManualTimers _timers;
    private DateTimeOffset _now;
    private TimeZoneInfo _localZone;

    public FakeTimeProvider(DateTimeOffset start, TimeZoneInfo? localZone = null)
    {
        _now = start.ToUniversalTime();
        _localZone = localZone ?? TimeZoneInfo.Utc;
        _timers = new ManualTimers(GetUtcNow);
    }

    public FakeTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override TimeZoneInfo LocalTimeZone => _localZone;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void SetLocalTimeZone(TimeZoneInfo zone) => _localZone = zone;

    /// <inheritdoc cref="ManualTimers.Pending"/>
    public int PendingTimers => _timers.Pending;

    /// <summary>
    /// When the earliest pending timer falls due, or null. Timers fire within <see cref="Advance"/>, so a loop that waits
    /// on this clock has not been woken while its timer is still due: a test can see that nothing ran without sleeping.
    /// </summary>
    public DateTimeOffset? NextTimerDue => _timers.NextDue;

    /// <summary>
    /// Moves the clock <paramref name="step"/> at a time, with a few milliseconds of real time between steps for the work
    /// the timers wake (sockets, the thread pool), until <paramref name="work"/> has ended; returns how far it moved.
    /// </summary>
    public async Task<TimeSpan> AdvanceUntilDoneAsync(Task work, TimeSpan step, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var start = GetUtcNow();
        await Eventually.ReachesAsync(
            () =>
            {
                var done = work.IsCompleted;
                if (!done)
                {
                    Advance(step);
                }

                return (Done: done, ClockMovedBy: GetUtcNow() - start);
            },
            seen => seen.Done,
            what + " (while the fake clock advanced)",
            cancellationToken: cancellationToken);
        return GetUtcNow() - start;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        _timers.FireDueUntil(target, MoveForwardTo);
        MoveForwardTo(target);
    }

    /// <summary>Sets the clock to <paramref name="instant"/>, which may not be in the past.</summary>
    public void SetUtcNow(DateTimeOffset instant) => Advance(instant - GetUtcNow());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _timers.Create(callback, state, dueTime, period);

    private void MoveForwardTo(DateTimeOffset instant)
    {
        lock (_gate)
        {
            if (instant > _now)
            {
                _now = instant;
            }
        }
    }
}
