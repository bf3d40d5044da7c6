using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Core.Loops;

/// <summary>What every loop of the service shares: where it reports, where its activity is counted, and its clock.</summary>
public sealed record LoopContext(ServiceHealth Health, LoopActivity Activity, TimeProvider Clock)
{
    /// <summary>A context of its own on <paramref name="clock"/>: for a loop run outside the service (a test, a command).</summary>
    public static LoopContext For(TimeProvider clock) => new(new ServiceHealth(clock), new LoopActivity(clock), clock);
}

/// <summary>What a round that ended without an exception tells <see cref="ServiceHealth"/>.</summary>
public readonly record struct RoundOutcome
{
    private RoundOutcome(bool report, string? problem)
    {
        Reports = report;
        Problem = problem;
    }

    /// <summary>The round did its job.</summary>
    public static RoundOutcome Succeeded { get; } = new(true, null);

    /// <summary>The round reported its health itself, or has nothing to report.</summary>
    public static RoundOutcome Unreported { get; } = new(false, null);

    /// <summary>True when the base reports <see cref="Problem"/> (or success when it is null).</summary>
    public bool Reports { get; }

    public string? Problem { get; }

    /// <summary>
    /// The round could not do its job for a reason that passes by itself (no prices yet, Open-Meteo away): the service is
    /// degraded until a round succeeds, but it is not counted as a failure.
    /// </summary>
    public static RoundOutcome Degraded(string problem) => new(true, problem ?? throw new ArgumentNullException(nameof(problem)));
}

/// <summary>
/// The one shape of the service's background loops: a round at start, then a round whenever the loop's schedule
/// (<see cref="NextDue"/>) or its <see cref="Trigger"/> says, on the injected clock.
/// <list type="bullet">
/// <item>Health: the loop is registered in <see cref="ServiceHealth"/> under its <see cref="Name"/> at start; each round's
/// outcome is reported there. A round that throws is logged (once while the same failure repeats) and reported as
/// "<see cref="Activity"/> failed: ..." (a counted failure), and the loop goes on: it tries again after
/// <see cref="FirstRetryDelay"/>, doubling while it fails, or at its schedule when that is sooner. No exception of a round
/// stops the loop or the host.</item>
/// <item>Never early: a round due at an instant runs only once the clock reads it, however early the clock's timer fires.</item>
/// <item>Once when late: the next round is due at the first scheduled instant after the start of the round that just ran.
/// A round that ran past that instant (a slow solve, a busy machine, an accelerated clock) is followed by one round at once,
/// and the schedule then resumes: there is never a burst of catch-up rounds.</item>
/// <item>Cancellation: the host's stopping token ends the wait or the round; stopping is not an error.</item>
/// <item>Activity: each loop tells the service's one <see cref="LoopActivity"/> when a round starts and ends, and until when it
/// waits: tests on a stepped clock advance the clock and then await <see cref="LoopActivity.WaitUntilIdleAsync"/>.</item>
/// </list>
/// </summary>
public abstract class ServiceLoop : BackgroundService, IActivityPart
{
    /// <summary>The reason of the first round.</summary>
    public const string StartReason = "start";

    /// <summary>The reason of a round the schedule woke (rather than the trigger).</summary>
    public const string ScheduleReason = "schedule";

    private readonly LoopContext _context;
    private readonly Lock _gate = new();
    private bool _busy;
    private DateTimeOffset? _waitingUntil;
    private volatile bool _inRound;
    private string? _failure;
    private int _failuresInARow;

    /// <summary>The first retry after a round that threw; it doubles with each further failure up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait before a failing round is tried again (sooner when the schedule says).</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(30);

    protected ServiceLoop(string name, LoopContext context, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logger);
        Name = name;
        _context = context;
        Logger = logger;
    }

    /// <summary>The loop's name in <c>/health</c> and the status.</summary>
    public string Name { get; }

    protected TimeProvider Clock => _context.Clock;

    protected ServiceHealth Health => _context.Health;

    protected ILogger Logger { get; }

    /// <summary>The clock when the loop started: the anchor of <see cref="EveryPeriod"/>.</summary>
    protected DateTimeOffset StartedAt { get; private set; }

    /// <summary>What the loop does, for the log and health ("forecasting"): a round that throws is "forecasting failed: ...".</summary>
    protected abstract string Activity { get; }

    /// <summary>Wakes the loop for a round before it is due; null when only the clock does.</summary>
    protected virtual LoopTrigger? Trigger => null;

    /// <summary>True while the loop neither runs a round nor has one due or asked for (see <see cref="LoopActivity"/>).</summary>
    bool IActivityPart.IsQuiet(DateTimeOffset now)
    {
        lock (_gate)
        {
            return !_busy && (_waitingUntil is not { } due || due > now) && Trigger?.IsPending != true;
        }
    }

    /// <summary>Runs one round as the loop does (its outcome or its exception reported to health), counted as activity.</summary>
    public async Task RunRoundAsync(string reason, CancellationToken cancellationToken)
    {
        _context.Activity.RoundStarted();
        // The machine's time, not the loop's clock: a stepped or simulated clock stands still while a round works.
        var startedAt = Clock.GetUtcNow();
        var startedTicks = System.Diagnostics.Stopwatch.GetTimestamp();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        _inRound = true;
        try
        {
            var outcome = await RoundAsync(reason, cancellationToken);
            if (outcome.Reports)
            {
                if (outcome.Problem is { } problem)
                {
                    Health.Failed(Name, problem, counts: false);
                }
                else
                {
                    Health.Succeeded(Name);
                }
            }

            if (_failure is not null)
            {
                Logger.LogInformation("{Loop}: {Activity} works again", Name, Activity);
            }

            _failure = null;
            _failuresInARow = 0;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // One failed round must not stop the next: the loop's work waits until then on what it did last. The same
            // failure again is not logged again: the first line has its cause, and the status shows it while it lasts.
            var problem = $"{Activity} failed: {e.Message}";
            if (problem != _failure)
            {
                Logger.LogError(e, "{Loop}: {Activity} failed ({Reason}); tried again in {Delay}", Name, Activity, reason, RetryDelay(_failuresInARow + 1));
            }
            else
            {
                Logger.LogDebug("{Loop}: {Problem} again ({Reason})", Name, problem, reason);
            }

            _failure = problem;
            _failuresInARow++;
            Health.Failed(Name, problem);
        }
        finally
        {
            _inRound = false;
            _context.Activity.RoundEnded(new LoopRound(Name, startedAt, System.Diagnostics.Stopwatch.GetElapsedTime(startedTicks), GC.GetTotalAllocatedBytes() - allocatedBefore));
        }
    }

    private static TimeSpan RetryDelay(int failuresInARow) =>
        TimeSpan.FromTicks(Math.Min(FirstRetryDelay.Ticks << Math.Min(failuresInARow - 1, 16), MaxRetryDelay.Ticks));

    /// <summary>One round; <paramref name="reason"/> is <see cref="StartReason"/>, <see cref="ScheduleReason"/> or the trigger's.</summary>
    protected abstract Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken);

    /// <summary>The instant the next round is due, given the start of the round that just ran; a past instant runs one at once.</summary>
    protected abstract DateTimeOffset NextDue(DateTimeOffset roundStarted);

    /// <summary>Before the first round (waiting for a part the loop needs); an exception here ends the loop, reported.</summary>
    protected virtual Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The first instant after <paramref name="roundStarted"/> on a grid of <paramref name="period"/> from the loop's start.</summary>
    protected DateTimeOffset EveryPeriod(DateTimeOffset roundStarted, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        var periods = Math.Max(0, (roundStarted - StartedAt).Ticks / period.Ticks) + 1;
        return StartedAt + (period * periods);
    }

    /// <summary>
    /// Waits for something outside the loop (another part starting, the recorder reading the past) as a quiet loop: the
    /// service counts as idle meanwhile, until the clock reads <paramref name="until"/> (when the wait gives up on its own).
    /// </summary>
    protected async Task WaitOutsideAsync(Func<CancellationToken, Task> wait, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wait);
        // Inside a round, the round is not in progress while it waits on another part: else the service is never idle.
        var pausedRound = _inRound;
        if (pausedRound)
        {
            _context.Activity.RoundPaused();
        }

        SetState(busy: false, waitingUntil: until);
        try
        {
            await wait(cancellationToken);
        }
        finally
        {
            if (pausedRound)
            {
                _context.Activity.RoundResumed();
            }

            SetState(busy: true, waitingUntil: null);
        }
    }

    /// <summary>
    /// Registers the loop (health, activity: busy until its first round is done) before the host runs
    /// <see cref="ExecuteAsync"/> in the background, so that neither <c>/health</c> nor <see cref="LoopActivity"/> can miss it.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Health.Register(Name);
        StartedAt = Clock.GetUtcNow();
        SetState(busy: true, waitingUntil: null);
        _context.Activity.Add(this);
        if (Trigger is { } trigger)
        {
            trigger.Requested += OnRequested;
        }

        return base.StartAsync(cancellationToken);
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!await TryStartingAsync(stoppingToken))
            {
                return;
            }

            var reason = StartReason;
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = Clock.GetUtcNow();
                await RunRoundAsync(reason, stoppingToken);
                var due = NextDue(started);
                if (_failuresInARow > 0 && started + RetryDelay(_failuresInARow) is { } retry && retry < due)
                {
                    // A round that threw is tried again sooner than its schedule, waiting longer each time it fails.
                    due = retry;
                }

                // Quiet once the timer is set (ClockWait says why), not before.
                void Armed() => SetState(busy: false, waitingUntil: due);
                if (Trigger is { } wake)
                {
                    await wake.WakeAsync(due, Clock, stoppingToken, Armed);
                }
                else
                {
                    await ClockWait.UntilAsync(due, Clock, stoppingToken, Armed);
                }

                SetState(busy: true, waitingUntil: null);
                reason = Trigger?.Take() ?? ScheduleReason;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (Trigger is { } requested)
            {
                requested.Requested -= OnRequested;
            }

            _context.Activity.Remove(this);
        }
    }

    private async Task<bool> TryStartingAsync(CancellationToken stoppingToken)
    {
        try
        {
            await StartingAsync(stoppingToken);
            return true;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Logger.LogError(e, "{Loop} could not start; it does not run", Name);
            Health.Failed(Name, $"{Activity} did not start: {e.Message}");
            return false;
        }
    }

    private void SetState(bool busy, DateTimeOffset? waitingUntil)
    {
        lock (_gate)
        {
            _busy = busy;
            _waitingUntil = waitingUntil;
        }

        _context.Activity.Changed();
    }

    private void OnRequested(object? sender, EventArgs e) => _context.Activity.Changed();
}
