using Darkstar.Service;

namespace Darkstar.ServiceTests;

public sealed class LoopTriggerTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 10, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WaitUntilAsync_TimerFiresEarly_ReturnsOnlyOnceTheClockReachesDue()
    {
        var clock = new EarlyFiringClock(Start);
        var due = Start + TimeSpan.FromMinutes(15);

        var reason = await new LoopTrigger().WaitUntilAsync(due, clock, CancellationToken.None);

        Assert.Null(reason);
        Assert.True(clock.GetUtcNow() >= due, $"returned at {clock.GetUtcNow():O}, before {due:O}");
        Assert.True(clock.TimersCreated >= 2, "the early timer was taken for the due instant");
    }

    [Fact]
    public async Task WaitUntilAsync_DueAlreadyPast_ReturnsAtOnceWithoutATimer()
    {
        var clock = new EarlyFiringClock(Start);

        var reason = await new LoopTrigger().WaitUntilAsync(Start - TimeSpan.FromMinutes(20), clock, CancellationToken.None);

        Assert.Null(reason);
        Assert.Equal(0, clock.TimersCreated);
    }

    [Fact]
    public async Task WaitUntilAsync_RequestPending_ReturnsItsReason()
    {
        var trigger = new LoopTrigger();
        trigger.Request("new prices");

        var reason = await trigger.WaitUntilAsync(Start + TimeSpan.FromHours(1), new EarlyFiringClock(Start), CancellationToken.None);

        Assert.Equal("new prices", reason);
    }

    [Fact]
    public async Task ClockWaitUntilAsync_TimerFiresEarly_ReturnsOnlyOnceTheClockReachesDue()
    {
        var clock = new EarlyFiringClock(Start);
        var due = Start + TimeSpan.FromMinutes(15);

        await ClockWait.UntilAsync(due, clock, CancellationToken.None);

        Assert.True(clock.GetUtcNow() >= due);
    }

    /// <summary>
    /// A clock whose timers fire two simulated seconds before their time (as a real timer a millisecond early does on a
    /// clock at 2000× real time): each timer moves the clock to its due time less those seconds, then fires at once.
    /// </summary>
    private sealed class EarlyFiringClock(DateTimeOffset start) : TimeProvider
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
}
