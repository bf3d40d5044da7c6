using Darkstar.Testing;

namespace Darkstar.Core.Tests.Time;

public class FakeTimeProviderTests
{
    [Fact]
    public async Task Delay_ClockAdvancedPastDue_Completes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var delay = Task.Delay(TimeSpan.FromMinutes(15), clock, CancellationToken.None);

        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.False(delay.IsCompleted);

        clock.Advance(TimeSpan.FromMinutes(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System);
        Assert.True(delay.IsCompletedSuccessfully);
    }

    [Fact]
    public void CreateTimer_Periodic_FiresOncePerPeriodInOrder()
    {
        var clock = new FakeTimeProvider();
        var fired = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));

        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(4, fired.Count);
        Assert.Equal(clock.GetUtcNow(), fired[^1]);
        Assert.Equal(TimeSpan.FromMinutes(15), fired[1] - fired[0]);
    }

    [Fact]
    public void Dispose_Timer_StopsFiring()
    {
        var clock = new FakeTimeProvider();
        var count = 0;
        var timer = clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));

        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(1, count);
    }

    [Fact]
    public void NextTimerDue_TwoTimers_TheEarliestUntilItFiresThenNone()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        Assert.Null(clock.NextTimerDue);
        using var late = clock.CreateTimer(_ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => { }, null, TimeSpan.FromMinutes(15), Timeout.InfiniteTimeSpan);

        Assert.Equal(start.AddMinutes(15), clock.NextTimerDue);
        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(start.AddMinutes(15), clock.NextTimerDue);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(start.AddHours(1), clock.NextTimerDue);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(clock.NextTimerDue);
    }

    [Fact]
    public async Task AdvanceUntilDoneAsync_WorkWaitingOnTheClock_MovesItInStepsUntilDone()
    {
        var clock = new FakeTimeProvider();
        var work = Task.Delay(TimeSpan.FromSeconds(10), clock, CancellationToken.None);

        var moved = await clock.AdvanceUntilDoneAsync(work, TimeSpan.FromSeconds(1), "the delay");

        Assert.True(work.IsCompletedSuccessfully);
        Assert.InRange(moved, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11));
    }

    [Fact]
    public void Advance_Backwards_Throws()
    {
        var clock = new FakeTimeProvider();

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
    }
}
