namespace Darkstar.Core.Time;

/// <summary>
/// The timers of a clock that moves only when told to (a test's fake clock, the simulated home's stepped
/// clock): they fire, in due order, when the owner moves its time past them. One implementation for both,
/// so the two clocks cannot drift apart in how a periodic timer or a disposed one behaves.
/// </summary>
/// <remarks>
/// Lock order is always this queue, then the owner's clock (its <c>now</c>); the owner must not
/// call into the queue while holding its own lock.
/// </remarks>
public sealed class ManualTimers(Func<DateTimeOffset> now)
{
    private readonly Func<DateTimeOffset> _now = now;
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];

    /// <summary>Timers waiting to fire: a test waits for a loop to have set its timer before it moves the clock.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    /// <summary>When the earliest pending timer falls due; null when none is pending.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count == 0 ? null : _timers.Min(t => t.DueAt);
            }
        }
    }

    public ITimer Create(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Fires every timer due at or before <paramref name="until"/>, earliest first. Before each fires,
    /// <paramref name="moveClockTo"/> sets the owner's time to its due time, so a callback reads the time it was due at.
    /// </summary>
    public void FireDueUntil(DateTimeOffset until, Action<DateTimeOffset> moveClockTo)
    {
        ArgumentNullException.ThrowIfNull(moveClockTo);
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.DueAt <= until).OrderBy(t => t.DueAt).FirstOrDefault();
                if (due is null)
                {
                    return;
                }

                moveClockTo(due.DueAt);
                due.Reschedule(_now());
            }

            due.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimers queue, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (queue._gate)
            {
                queue._timers.Remove(this);
                _period = period;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = queue._now() + dueTime;
                    queue._timers.Add(this);
                }

                return true;
            }
        }

        // Under the queue's lock: a periodic timer is due again one period after it fired.
        public void Reschedule(DateTimeOffset firedAt)
        {
            queue._timers.Remove(this);
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                DueAt = firedAt + _period;
                queue._timers.Add(this);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (queue._gate)
            {
                queue._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
