using Darkstar.Testing;
using Xunit.Sdk;

namespace Darkstar.Core.Tests.Time;

public class EventuallyTests
{
    [Fact]
    public async Task ReachesAsync_ValueComesLater_ReturnsTheFirstAcceptedValue()
    {
        var looks = 0;

        var seen = await Eventually.ReachesAsync(() => ++looks, n => n >= 3, "the third look");

        Assert.Equal(3, seen);
    }

    [Fact]
    public async Task ReachesAsync_NeverAccepted_FailsNamingWhatWasAwaitedAndTheLastValue()
    {
        var failure = await Assert.ThrowsAsync<FailException>(
            () => Eventually.ReachesAsync(() => new List<string> { "a", "b" }, items => items.Count > 2, "a third item", TimeSpan.FromMilliseconds(50)));

        Assert.Contains("a third item", failure.Message, StringComparison.Ordinal);
        Assert.Contains("[\"a\", \"b\"]", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoldsAsync_TestCancelledWhileWaiting_FailsNamingWhatWasAwaited()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var failure = await Assert.ThrowsAsync<FailException>(() => Eventually.HoldsAsync(() => false, "a condition that never holds", cancellationToken: cancelled.Token));

        Assert.Contains("a condition that never holds", failure.Message, StringComparison.Ordinal);
    }
}
