using Darkstar.Core.Time;

namespace Darkstar.Core.Tests.Time;

public class SlotGridTests
{
    private static readonly TimeZoneInfo Stockholm = TimeZones.Find("Europe/Stockholm");

    [Theory]
    [InlineData("2026-03-29", 92)]
    [InlineData("2026-10-25", 100)]
    [InlineData("2026-03-28", 96)]
    [InlineData("2026-06-21", 96)]
    [InlineData("2026-10-26", 96)]
    public void LocalDay_Stockholm_HasSlotsOfTheDay(string day, int expectedSlots)
    {
        var range = SlotGrid.LocalDay(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), Stockholm);

        Assert.Equal(expectedSlots, range.Count);
        Assert.Equal(expectedSlots, range.ToList().Count);
    }

    [Fact]
    public void LocalDay_SpringForward_StartsAndEndsAtLocalMidnight()
    {
        var range = SlotGrid.LocalDay(new DateOnly(2026, 3, 29), Stockholm);

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), range.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), range.End);
    }

    [Fact]
    public void LocalDay_FallBack_CoversTheRepeatedHourOnce()
    {
        var range = SlotGrid.LocalDay(new DateOnly(2026, 10, 25), Stockholm);

        Assert.Equal(new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero), range.Start);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 23, 0, 0, TimeSpan.Zero), range.End);
        Assert.Equal(range.Count, range.Distinct().Count());
    }

    [Fact]
    public void LocalDay_ConsecutiveDays_TileWithoutGapOrOverlap()
    {
        var day = new DateOnly(2026, 1, 1);
        var previous = SlotGrid.LocalDay(day, Stockholm);
        for (var i = 1; i < 365; i++)
        {
            var next = SlotGrid.LocalDay(day.AddDays(i), Stockholm);
            Assert.Equal(previous.EndIndex, next.FirstIndex);
            previous = next;
        }
    }

    [Fact]
    public void LocalDay_MidnightSkippedByDst_StartsAtFirstValidTime()
    {
        // Chile springs forward at local midnight: 2026-09-06 00:00 does not exist in Santiago.
        var santiago = TimeZones.Find("America/Santiago");
        var day = new DateOnly(2026, 9, 6);

        var range = SlotGrid.LocalDay(day, santiago);

        Assert.Equal(92, range.Count);
        Assert.Equal(day, SlotGrid.LocalDateOf(range.Start, santiago));
        Assert.Equal(day.AddDays(-1), SlotGrid.LocalDateOf(range.Start.AddMinutes(-1), santiago));
    }

    [Fact]
    public void LocalDay_QuarterHourOffsetZone_Has96AlignedSlots()
    {
        var kathmandu = TimeZones.Find("Asia/Kathmandu");

        var range = SlotGrid.LocalDay(new DateOnly(2026, 5, 1), kathmandu);

        Assert.Equal(96, range.Count);
        Assert.Equal(new DateTimeOffset(2026, 4, 30, 18, 15, 0, TimeSpan.Zero), range.Start);
    }

    [Fact]
    public void IndexOf_StartOf_RoundTripsAlignedInstants()
    {
        var instant = new DateTimeOffset(2026, 11, 21, 9, 45, 0, TimeSpan.Zero);

        var index = SlotGrid.IndexOf(instant);

        Assert.Equal(instant, SlotGrid.StartOf(index));
        Assert.Equal(index + 1, SlotGrid.IndexOf(instant.AddMinutes(15)));
    }

    [Fact]
    public void IndexOf_InstantInsideSlot_ReturnsContainingSlot()
    {
        var start = new DateTimeOffset(2026, 11, 21, 9, 45, 0, TimeSpan.Zero);

        Assert.Equal(SlotGrid.IndexOf(start), SlotGrid.IndexOf(start.AddMinutes(14).AddSeconds(59)));
        Assert.Equal(start, SlotGrid.Floor(start.AddMinutes(7)));
    }

    [Fact]
    public void IndexOf_BeforeEpoch_FloorsTowardsEarlierSlot()
    {
        var instant = DateTimeOffset.UnixEpoch.AddMinutes(-1);

        Assert.Equal(-1, SlotGrid.IndexOf(instant));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMinutes(-15), SlotGrid.Floor(instant));
    }

    [Fact]
    public void Floor_NonUtcOffset_ReturnsUtcQuarterHour()
    {
        var local = new DateTimeOffset(2026, 7, 1, 12, 7, 30, TimeSpan.FromHours(2));

        var floor = SlotGrid.Floor(local);

        Assert.Equal(TimeSpan.Zero, floor.Offset);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), floor);
    }

    [Fact]
    public void Ceiling_AlignedInstant_ReturnsItself()
    {
        var aligned = new DateTimeOffset(2026, 7, 1, 10, 15, 0, TimeSpan.Zero);

        Assert.Equal(aligned, SlotGrid.Ceiling(aligned));
        Assert.Equal(aligned.AddMinutes(15), SlotGrid.Ceiling(aligned.AddTicks(1)));
    }

    [Fact]
    public void Horizon_48HoursFromMidSlot_Has193SlotsFromCurrentSlot()
    {
        var now = new DateTimeOffset(2026, 7, 1, 10, 7, 0, TimeSpan.Zero);

        var horizon = SlotGrid.Horizon(now, TimeSpan.FromHours(48));

        Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), horizon.Start);
        Assert.Equal(new DateTimeOffset(2026, 7, 3, 10, 15, 0, TimeSpan.Zero), horizon.End);
        Assert.Equal(193, horizon.Count);
    }

    [Fact]
    public void Horizon_48HoursFromBoundary_Has192Slots()
    {
        var now = new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(192, SlotGrid.Horizon(now, TimeSpan.FromHours(48)).Count);
    }

    [Fact]
    public void Horizon_NegativeLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SlotGrid.Horizon(DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(-1)));
    }

    [Fact]
    public void LocalDateOf_JustBeforeAndAfterLocalMidnight_ReturnsLocalDays()
    {
        var start = SlotGrid.StartOfLocalDay(new DateOnly(2026, 11, 21), Stockholm);

        Assert.Equal(new DateOnly(2026, 11, 21), SlotGrid.LocalDateOf(start, Stockholm));
        Assert.Equal(new DateOnly(2026, 11, 20), SlotGrid.LocalDateOf(start.AddTicks(-1), Stockholm));
    }
}
