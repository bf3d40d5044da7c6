using Darkstar.Core.Time;

namespace Darkstar.Simulation.Clock;

/// <summary>How the simulated home's clock moves.</summary>
public enum SimulationClockMode
{
    /// <summary>The machine's time.</summary>
    RealTime,

    /// <summary>From a chosen start, <see cref="SimulationClock.Speed"/> simulated seconds per real second.</summary>
    Accelerated,

    /// <summary>Still until a test calls <see cref="SimulationClock.AdvanceAsync"/>.</summary>
    Stepped,
}

/// <summary>
/// The simulated home's own clock. In stepped mode it moves only through <see cref="AdvanceAsync"/>,
/// which walks the way in physics ticks (one simulated minute) and lets the home run each tick and
/// fires its own timers in due order, so a test is deterministic and never sleeps.
/// </summary>
public sealed class SimulationClock : TimeProvider
{
    /// <summary>The physics step: every counter and power sensor moves once per simulated minute.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private readonly TimeProvider _real;
    private readonly DateTimeOffset _origin;
    private readonly long _realOriginTimestamp;
    private readonly ManualTimers _steppedTimers;
    private int _advancing;
    private DateTimeOffset _steppedNow;
    private TimeZoneInfo _localZone = TimeZoneInfo.Utc;
    private Func<DateTimeOffset, CancellationToken, ValueTask>? _tick;

    private SimulationClock(SimulationClockMode mode, DateTimeOffset origin, double speed, TimeProvider real)
    {
        Mode = mode;
        Speed = speed;
        _real = real;
        _origin = origin.ToUniversalTime();
        _steppedNow = _origin;
        _realOriginTimestamp = real.GetTimestamp();
        _steppedTimers = new ManualTimers(GetUtcNow);
    }

    public SimulationClockMode Mode { get; }

    /// <summary>Simulated seconds per real second (1 in real time, 0 when stepped).</summary>
    public double Speed { get; }

    public override TimeZoneInfo LocalTimeZone => _localZone;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public static SimulationClock RealTime(TimeProvider? real = null)
    {
        var system = real ?? System;
        return new SimulationClock(SimulationClockMode.RealTime, system.GetUtcNow(), 1, system);
    }

    public static SimulationClock Accelerated(DateTimeOffset start, double speed, TimeProvider? real = null)
    {
        if (!(speed > 0) || double.IsInfinity(speed))
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "The speed is simulated seconds per real second and must be positive.");
        }

        return new SimulationClock(SimulationClockMode.Accelerated, start, speed, real ?? System);
    }

    public static SimulationClock Stepped(DateTimeOffset start) =>
        new(SimulationClockMode.Stepped, start, 0, System);

    public override DateTimeOffset GetUtcNow()
    {
        if (Mode == SimulationClockMode.Stepped)
        {
            lock (_gate)
            {
                return _steppedNow;
            }
        }

        var elapsed = _real.GetElapsedTime(_realOriginTimestamp);
        return _origin + TimeSpan.FromTicks((long)(elapsed.Ticks * Speed));
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void SetLocalTimeZone(TimeZoneInfo zone) => _localZone = zone ?? throw new ArgumentNullException(nameof(zone));

    /// <summary>
    /// Moves a stepped clock forward by <paramref name="delta"/>, one tick at a time: at every step the
    /// timers that fall due fire and the home runs its physics up to the new instant.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan delta, CancellationToken cancellationToken)
    {
        if (Mode != SimulationClockMode.Stepped)
        {
            throw new InvalidOperationException($"Only a stepped clock can be advanced; this one runs in {Mode} mode.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        if (Interlocked.Exchange(ref _advancing, 1) == 1)
        {
            throw new InvalidOperationException("The clock is being advanced already; await one AdvanceAsync before the next.");
        }

        try
        {
            var target = GetUtcNow() + delta;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                DateTimeOffset next;
                lock (_gate)
                {
                    if (_steppedNow >= target)
                    {
                        return;
                    }

                    var boundary = NextTickBoundary(_steppedNow);
                    next = boundary < target ? boundary : target;
                }

                _steppedTimers.FireDueUntil(next, MoveSteppedForwardTo);
                lock (_gate)
                {
                    _steppedNow = next;
                }

                if (_tick is { } tick)
                {
                    await tick(next, cancellationToken);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _advancing, 0);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        switch (Mode)
        {
            case SimulationClockMode.Stepped:
                return _steppedTimers.Create(callback, state, dueTime, period);
            case SimulationClockMode.Accelerated:
                return new ScaledTimer(_real.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan), Speed, dueTime, period);
            default:
                return _real.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>The home hands its physics step to the clock, so advancing the clock runs the home.</summary>
    internal void AttachTick(Func<DateTimeOffset, CancellationToken, ValueTask> tick) => _tick = tick;

    internal static DateTimeOffset NextTickBoundary(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks;
        var step = TickInterval.Ticks;
        return new DateTimeOffset(((ticks / step) + 1) * step, TimeSpan.Zero);
    }

    private void MoveSteppedForwardTo(DateTimeOffset instant)
    {
        lock (_gate)
        {
            if (instant > _steppedNow)
            {
                _steppedNow = instant;
            }
        }
    }

    /// <summary>A real timer whose due time and period are simulated time, divided by the speed.</summary>
    private sealed class ScaledTimer : ITimer
    {
        private readonly ITimer _inner;
        private readonly double _speed;

        public ScaledTimer(ITimer inner, double speed, TimeSpan dueTime, TimeSpan period)
        {
            _inner = inner;
            _speed = speed;
            Change(dueTime, period);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => _inner.Change(Scale(dueTime), Scale(period));

        public void Dispose() => _inner.Dispose();

        public ValueTask DisposeAsync() => _inner.DisposeAsync();

        private TimeSpan Scale(TimeSpan span) =>
            span == Timeout.InfiniteTimeSpan ? span : TimeSpan.FromTicks((long)(span.Ticks / _speed));
    }
}
