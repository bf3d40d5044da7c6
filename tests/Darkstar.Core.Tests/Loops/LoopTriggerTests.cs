using Darkstar.Core.Loops;

namespace Darkstar.Core.Tests.Loops;

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
}
