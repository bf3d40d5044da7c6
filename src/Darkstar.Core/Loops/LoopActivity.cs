namespace Darkstar.Core.Loops;

/// <summary>
/// The rounds of the service's <see cref="ServiceLoop"/>s: how many run now, how many have ended, and whether the service
/// is idle, for tests that drive the service on a stepped clock.
/// <para>
/// Idle means: no round runs, no loop has a round due (its next instant is after the clock's now) and no loop has a
/// wake-up call pending. A loop waiting for another part (<see cref="ServiceLoop"/>'s outside waits: the MQTT service to
/// start, the recorder to read the past) counts as idle. What is not a <see cref="ServiceLoop"/> (the live recorder, the
/// MQTT service's command handling, Home Assistant's client) is not counted here.
/// </para>
/// <para>
/// How a deterministic test uses it: start the service on a stepped clock; <c>await WaitUntilIdleAsync</c>; advance the
/// clock (by at most the shortest loop period to see every round); <c>await WaitUntilIdleAsync</c> again; assert on what
/// the rounds did (<see cref="RoundsDone"/> counts them). Advancing the clock wakes the loops whose instant it passed: they
/// are not idle from that moment, so a wait that starts after the advance always waits for their rounds.
/// </para>
/// </summary>
public sealed class LoopActivity(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly List<ServiceLoop> _loops = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inProgress;
    private long _done;

    /// <summary>Rounds running now, of every loop.</summary>
    public int RoundsInProgress => Volatile.Read(ref _inProgress);

    /// <summary>Rounds ended since start (succeeded or failed), of every loop.</summary>
    public long RoundsDone => Interlocked.Read(ref _done);

    /// <summary>True when no round runs, none is due and no wake-up call is pending.</summary>
    public bool IsIdle
    {
        get
        {
            var now = clock.GetUtcNow();
            lock (_gate)
            {
                return Volatile.Read(ref _inProgress) == 0 && _loops.TrueForAll(l => l.IsQuiet(now));
            }
        }
    }

    /// <summary>Completes once the service is idle (at once when it is).</summary>
    public async Task WaitUntilIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (IsIdle)
            {
                return;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    internal void Add(ServiceLoop loop)
    {
        lock (_gate)
        {
            _loops.Add(loop);
        }

        Changed();
    }

    internal void Remove(ServiceLoop loop)
    {
        lock (_gate)
        {
            _loops.Remove(loop);
        }

        Changed();
    }

    internal void RoundStarted()
    {
        Interlocked.Increment(ref _inProgress);
        Changed();
    }

    internal void RoundEnded()
    {
        Interlocked.Increment(ref _done);
        Interlocked.Decrement(ref _inProgress);
        Changed();
    }

    /// <summary>A round waits on another part (<see cref="ServiceLoop"/>'s outside wait): not in progress meanwhile.</summary>
    internal void RoundPaused()
    {
        Interlocked.Decrement(ref _inProgress);
        Changed();
    }

    internal void RoundResumed()
    {
        Interlocked.Increment(ref _inProgress);
        Changed();
    }

    internal void Changed()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
