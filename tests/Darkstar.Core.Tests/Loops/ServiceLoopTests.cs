using Darkstar.Core.Loops;
using Darkstar.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Core.Tests.Loops;

public sealed class ServiceLoopTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 10, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ExecuteAsync_RoundThrows_ReportedToHealthAndTheLoopGoesOn()
    {
        using var limit = new CancellationTokenSource(Patience);
        var clock = new FakeTimeProvider(Start);
        var context = LoopContext.For(clock);
        using var loop = new RecordingLoop(context, round => round == 1 ? throw new InvalidOperationException("boom") : null);

        await loop.StartAsync(limit.Token);
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        var afterFailure = context.Health.Loops.Single();
        clock.Advance(ServiceLoop.FirstRetryDelay);
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        await loop.StopAsync(limit.Token);

        Assert.Equal("counting failed: boom", afterFailure.Problem);
        Assert.Equal(1, afterFailure.Failures);
        Assert.Equal(1, context.Health.Failures);
        Assert.Equal(2, loop.Rounds.Count);
        Assert.Null(context.Health.Loops.Single().Problem);
        Assert.NotNull(context.Health.Loops.Single().LastSuccess);
    }

    [Fact]
    public async Task ExecuteAsync_RoundThrowsThreeTimes_LoggedOnceRetriedSoonerWithGrowingWaitsThenTheSchedule()
    {
        using var limit = new CancellationTokenSource(Patience);
        var clock = new FakeTimeProvider(Start);
        var context = LoopContext.For(clock);
        var log = new CollectingLogger<RecordingLoop>();
        using var loop = new RecordingLoop(context, round => round <= 3 ? throw new InvalidOperationException("database is locked") : null, logger: log);

        await loop.StartAsync(limit.Token);
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        foreach (var wait in new[] { 1, 2, 4, 8 })
        {
            clock.Advance(TimeSpan.FromMinutes(wait));
            await context.Activity.WaitUntilIdleAsync(limit.Token);
        }

        await loop.StopAsync(limit.Token);

        // Tried again 1, 2 and 4 minutes after each failure (the schedule's 15 minutes would have lost the quarter hour),
        // then on the schedule again.
        Assert.Equal([Start, Start.AddMinutes(1), Start.AddMinutes(3), Start.AddMinutes(7), Start + Period], loop.Rounds);
        Assert.Single(log.Lines, l => l.StartsWith("Error:", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("counting works again", StringComparison.Ordinal));
        Assert.Null(context.Health.Loops.Single().Problem);
        Assert.Equal(3, context.Health.Failures);
    }

    [Fact]
    public async Task ExecuteAsync_RoundRunsPastSeveralDueInstants_OneRoundAtOnceThenTheSchedule()
    {
        using var limit = new CancellationTokenSource(Patience);
        var clock = new FakeTimeProvider(Start);
        var context = LoopContext.For(clock);
        // The first round takes three and a half periods (a slow solve on a busy machine).
        using var loop = new RecordingLoop(context, round =>
        {
            if (round == 1)
            {
                clock.Advance((3 * Period) + (Period / 2));
            }

            return null;
        });

        await loop.StartAsync(limit.Token);
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        var late = loop.Rounds.ToList();
        clock.Advance(Period / 2);
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        await loop.StopAsync(limit.Token);

        // Round 2 at once (late), not three catch-up rounds; round 3 at the next instant of the schedule.
        Assert.Equal([Start, Start + (3 * Period) + (Period / 2)], late);
        Assert.Equal(Start + (4 * Period), loop.Rounds[2]);
        Assert.Equal(3, loop.Rounds.Count);
        Assert.Equal(3, context.Activity.RoundsDone);
    }

    [Fact]
    public async Task ExecuteAsync_TimersFireEarly_NoRoundBeforeItsInstant()
    {
        using var limit = new CancellationTokenSource(Patience);
        var clock = new EarlyFiringClock(Start);
        var context = LoopContext.For(clock);
        using var loop = new RecordingLoop(context, _ => null);

        await loop.StartAsync(limit.Token);
        while (loop.Rounds.Count < 4)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), limit.Token);
        }

        await loop.StopAsync(limit.Token);

        var rounds = loop.Rounds.ToList();
        for (var i = 1; i < rounds.Count; i++)
        {
            Assert.True(rounds[i] >= Start + (i * Period), $"round {i + 1} ran at {rounds[i]:O}, before {Start + (i * Period):O}");
        }
    }

    [Fact]
    public async Task WaitUntilIdleAsync_TriggerRequested_WaitsForTheRoundItAskedFor()
    {
        using var limit = new CancellationTokenSource(Patience);
        var clock = new FakeTimeProvider(Start);
        var context = LoopContext.For(clock);
        var trigger = new LoopTrigger();
        using var loop = new RecordingLoop(context, _ => null, trigger);
        await loop.StartAsync(limit.Token);
        await context.Activity.WaitUntilIdleAsync(limit.Token);

        trigger.Request("asked");
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        // Read before stopping: the asked round must have run by the time the wait returned, not later.
        List<string> reasons;
        lock (loop.Rounds)
        {
            reasons = [.. loop.Reasons];
        }

        await loop.StopAsync(limit.Token);

        Assert.Equal(["start", "asked"], reasons);
    }

    /// <summary>A loop every <see cref="Period"/> from its start that records when each round ran and why.</summary>
    /// <summary>
    /// Idle means the loop's timer is set: a test that steps the clock the moment the service is idle must wake the loop
    /// at its due instant. Told idle before its timer existed, the loop would set it from the stepped instant, a step
    /// late, and a test waiting for the due instant would wait for ever. The clock here holds the timer's creation until
    /// the test has looked.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IsIdle_WhileTheLoopSetsItsTimer_False(bool withTrigger)
    {
        using var limit = new CancellationTokenSource(Patience);
        var clock = new HeldTimerClock(new FakeTimeProvider(Start));
        var context = LoopContext.For(clock);
        using var loop = new RecordingLoop(context, _ => null, withTrigger ? new LoopTrigger() : null);

        await loop.StartAsync(limit.Token);
        await clock.Creating.WaitAsync(limit.Token);
        var idleWhileSetting = context.Activity.IsIdle;
        clock.Release();
        await context.Activity.WaitUntilIdleAsync(limit.Token);
        var due = clock.Inner.NextTimerDue;
        await loop.StopAsync(limit.Token);

        Assert.False(idleWhileSetting);
        Assert.Equal(Start + Period, due);
    }

    private sealed class RecordingLoop(LoopContext context, Func<int, string?> round, LoopTrigger? trigger = null, ILogger? logger = null)
        : ServiceLoop("counter", context, logger ?? NullLogger.Instance)
    {
        public List<DateTimeOffset> Rounds { get; } = [];

        public List<string> Reasons { get; } = [];

        protected override string Activity => "counting";

        protected override LoopTrigger? Trigger => trigger;

        protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => EveryPeriod(roundStarted, Period);

        protected override Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
        {
            lock (Rounds)
            {
                Rounds.Add(Clock.GetUtcNow());
                Reasons.Add(reason);
            }

            var problem = round(Rounds.Count);
            return Task.FromResult(problem is null ? RoundOutcome.Succeeded : RoundOutcome.Degraded(problem));
        }
    }

    /// <summary>A fake clock whose first timer's creation waits until <see cref="Release"/>.</summary>
    private sealed class HeldTimerClock(FakeTimeProvider inner) : TimeProvider
    {
        private readonly TaskCompletionSource _creating = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FakeTimeProvider Inner => inner;

        /// <summary>Completes when the first timer is being created.</summary>
        public Task Creating => _creating.Task;

        public void Release() => _released.TrySetResult();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (_creating.TrySetResult())
            {
                // The loop's own thread waits here, as a slow timer set-up would keep it.
                _released.Task.Wait(Patience);
            }

            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
