namespace Darkstar.Core.Loops;

/// <summary>
/// The rounds of the service's <see cref="ServiceLoop"/>s: how many run now, how many have ended, and whether the service
/// is idle, for tests that drive the service on a stepped clock.
/// <para>
/// Idle means: no round runs, no loop has a round due (its next instant is after the clock's now) and no loop has a
/// wake-up call pending. A loop waiting for another part (<see cref="ServiceLoop"/>'s outside waits: the MQTT service to
/// start, the recorder to read the past) counts as idle. A part that works on the clock without being a loop (the live
/// recorder) takes part through <see cref="IActivityPart"/>. What answers the outside world (the MQTT service's command
/// handling, Home Assistant's client) is not counted here.
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
    private readonly List<IActivityPart> _parts = [];
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
                return Volatile.Read(ref _inProgress) == 0 && _parts.TrueForAll(p => p.IsQuiet(now));
            }
        }
    }

    /// <summary>What keeps the service from being idle: the parts not quiet and the rounds running, for a test's message.</summary>
    public string Describe()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var busy = _parts.Where(p => !p.IsQuiet(now)).Select(p => p.Name).ToList();
            return $"{RoundsInProgress} rounds running; not quiet: {(busy.Count == 0 ? "none" : string.Join(", ", busy))}";
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

    /// <summary>Counts <paramref name="part"/> in <see cref="IsIdle"/> until it is removed.</summary>
    public void Add(IActivityPart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        lock (_gate)
        {
            _parts.Add(part);
        }

        Changed();
    }

    public void Remove(IActivityPart part)
    {
        lock (_gate)
        {
            _parts.Remove(part);
        }

        Changed();
    }

    internal void RoundStarted()
    {
        Interlocked.Increment(ref _inProgress);
        Changed();
    }

    internal void RoundEnded(LoopRound round)
    {
        Interlocked.Increment(ref _done);
        Interlocked.Decrement(ref _inProgress);
        RoundCompleted?.Invoke(round);
        Changed();
    }

    /// <summary>Told after every round of every loop, before waiters look again (<c>bench soak</c> times the loops with it).</summary>
    public event Action<LoopRound>? RoundCompleted;

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

    /// <summary>A part's quietness may have changed: waiters look again.</summary>
    public void Changed()
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

/// <summary>
/// One round of a loop: its name, when it started on the loop's clock, the machine's time it took, and the managed bytes
/// the process allocated meanwhile (the round's own, and other loops' where they overlap).
/// </summary>
public readonly record struct LoopRound(string Loop, DateTimeOffset StartedAt, TimeSpan Duration, long AllocatedBytes = 0);

/// <summary>A part of the service counted in <see cref="LoopActivity.IsIdle"/>: every <see cref="ServiceLoop"/>, the live recorder.</summary>
public interface IActivityPart
{
    /// <summary>The part's name, as <c>/health</c> shows it.</summary>
    string Name { get; }

    /// <summary>
    /// True while the part has nothing to do at <paramref name="now"/>: nothing runs and nothing is due. A part calls
    /// <see cref="LoopActivity.Changed"/> whenever this may have changed.
    /// </summary>
    bool IsQuiet(DateTimeOffset now);
}
