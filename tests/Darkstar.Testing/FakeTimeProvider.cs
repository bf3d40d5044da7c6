namespace Darkstar.Testing;

/// <summary>
/// A clock for tests that moves only when told to. Timers created through it fire, in due order,
/// when <see cref="Advance"/> moves the clock past their due time, so tests never sleep.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private TimeZoneInfo _localZone;

    public FakeTimeProvider(DateTimeOffset start, TimeZoneInfo? localZone = null)
    {
        _now = start.ToUniversalTime();
        _localZone = localZone ?? TimeZoneInfo.Utc;
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

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (true)
        {
            FakeTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.DueAt <= target).OrderBy(t => t.DueAt).FirstOrDefault();
                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.DueAt > _now ? due.DueAt : _now;
                due.Reschedule(_now);
            }

            due.Fire();
        }
    }

    /// <summary>Sets the clock to <paramref name="instant"/>, which may not be in the past.</summary>
    public void SetUtcNow(DateTimeOffset instant) => Advance(instant - GetUtcNow());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                _period = period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                DueAt = owner._now + dueTime;
                owner._timers.Add(this);
                return true;
            }
        }

        // Called under the owner's lock when the timer falls due.
        public void Reschedule(DateTimeOffset now)
        {
            owner._timers.Remove(this);
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                DueAt = now + _period;
                owner._timers.Add(this);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
