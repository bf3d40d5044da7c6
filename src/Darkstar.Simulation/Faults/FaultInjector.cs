using Darkstar.Simulation.Home;

namespace Darkstar.Simulation.Faults;

/// <summary>
/// The ways a test can make the simulated home misbehave, as a real Home Assistant sometimes does:
/// connections dropped, tokens refused, slow or failing responses, sensors unavailable, reset or
/// switched to another unit, tomorrow's prices late.
/// </summary>
public sealed class FaultInjector
{
    private readonly HomeSimulation _home;
    private readonly TimeProvider _clock;
    private int _failuresLeft;
    private long _responseDelayTicks;
    private bool _refuseWebSockets;

    internal FaultInjector(HomeSimulation home, TimeProvider clock)
    {
        _home = home;
        _clock = clock;
    }

    /// <summary>Raised by <see cref="DropWebSockets"/>: every open WebSocket session aborts its connection.</summary>
    internal event Action? WebSocketsDropped;

    /// <summary>When set, every token is refused: WebSocket auth answers <c>auth_invalid</c>, REST 401.</summary>
    public bool RefuseAuth { get; set; }

    /// <summary>
    /// When set, the WebSocket API answers 503 Service Unavailable: with <see cref="DropWebSockets"/>, a client stays
    /// disconnected for as long as a test likes while the home goes on.
    /// </summary>
    public bool RefuseWebSockets
    {
        get => Volatile.Read(ref _refuseWebSockets);
        set => Volatile.Write(ref _refuseWebSockets, value);
    }

    /// <summary>Real time every HTTP response and every WebSocket reply waits before it is sent.</summary>
    public TimeSpan ResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _responseDelayTicks));
        set => Interlocked.Exchange(ref _responseDelayTicks, value.Ticks);
    }

    /// <summary>Answers the next <paramref name="count"/> HTTP requests with 500 Internal Server Error.</summary>
    public void FailNextResponses(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Exchange(ref _failuresLeft, count);
    }

    /// <summary>
    /// The next <paramref name="count"/> service calls (REST or WebSocket) fail with <c>home_assistant_error</c>,
    /// as an inverter integration does when the device does not answer, and change nothing.
    /// </summary>
    public void FailNextServiceCalls(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _home.FailNextServiceCalls(count);
    }

    /// <summary>Aborts every open WebSocket connection, as a restart of Home Assistant would.</summary>
    public void DropWebSockets() => WebSocketsDropped?.Invoke();

    /// <summary>Reports <paramref name="entityId"/> as <c>unavailable</c> until <see cref="MakeAvailable"/>.</summary>
    public void MakeUnavailable(string entityId) => _home.SetUnavailable(entityId, true, _clock.GetUtcNow());

    public void MakeAvailable(string entityId) => _home.SetUnavailable(entityId, false, _clock.GetUtcNow());

    /// <summary>The counter starts again from 0 (a replaced meter, an inverter reset); the home's energy goes on.</summary>
    public void ResetCounter(string entityId) => _home.ResetCounter(entityId, _clock.GetUtcNow());

    /// <summary>Reports an energy counter in another unit from now on (Wh, kWh or MWh).</summary>
    public void SetEnergyUnit(string entityId, string unit) => _home.SetEnergyUnit(entityId, unit, _clock.GetUtcNow());

    /// <summary>Tomorrow's prices stay unpublished (the sensor's <c>tomorrow_valid</c> false) until set back.</summary>
    public void WithholdTomorrowPrices(bool withhold) => _home.WithholdTomorrowPrices(withhold, _clock.GetUtcNow());

    internal bool TryConsumeFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref _failuresLeft);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _failuresLeft, left - 1, left) == left)
            {
                return true;
            }
        }
    }
}
