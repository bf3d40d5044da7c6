using Darkstar.Core.Time;

namespace Darkstar.Core.Tests.Time;

public class ReplanGridTests
{
    [Theory]
    [InlineData("2026-06-10T06:15:00Z", 15, true)]
    [InlineData("2026-06-10T06:15:00Z", 60, false)]
    [InlineData("2026-06-10T07:00:00Z", 60, true)]
    [InlineData("2026-06-10T06:16:00Z", 15, false)]
    // Shorter than a slot is a slot.
    [InlineData("2026-06-10T06:05:00Z", 5, false)]
    public void IsReplanAt_OnMultiplesOfTheIntervalSinceMidnightUtc(string instant, int replanMinutes, bool expected) =>
        Assert.Equal(expected, ReplanGrid.IsReplanAt(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), replanMinutes));

    [Fact]
    public void Next_IsTheFirstReplanStrictlyAfter_AndIsAReplan()
    {
        var onTheHour = new DateTimeOffset(2026, 6, 10, 7, 0, 0, TimeSpan.Zero);

        Assert.Equal(onTheHour, ReplanGrid.Next(onTheHour.AddMinutes(-1), 60));
        Assert.Equal(onTheHour.AddHours(1), ReplanGrid.Next(onTheHour, 60));
        Assert.True(ReplanGrid.IsReplanAt(ReplanGrid.Next(onTheHour.AddMinutes(7), 15), 15));
    }
}
