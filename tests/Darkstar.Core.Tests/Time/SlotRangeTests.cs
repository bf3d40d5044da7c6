using Darkstar.Core.Time;

namespace Darkstar.Core.Tests.Time;

public class SlotRangeTests
{
    private static readonly DateTimeOffset Noon = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Indexer_Position_ReturnsSlotStart()
    {
        var range = new SlotRange(SlotGrid.IndexOf(Noon), 8);

        Assert.Equal(Noon, range[0]);
        Assert.Equal(Noon.AddMinutes(105), range[7]);
        Assert.Throws<ArgumentOutOfRangeException>(() => range[8]);
    }

    [Fact]
    public void PositionOf_InsideAndOutside_ReturnsPositionOrMinusOne()
    {
        var range = new SlotRange(SlotGrid.IndexOf(Noon), 4);

        Assert.Equal(2, range.PositionOf(Noon.AddMinutes(31)));
        Assert.Equal(-1, range.PositionOf(Noon.AddHours(1)));
        Assert.Equal(-1, range.PositionOf(Noon.AddTicks(-1)));
        Assert.True(range.Contains(Noon.AddMinutes(59)));
    }

    [Fact]
    public void Between_UnalignedBounds_TakesSlotsStartingInside()
    {
        var range = SlotRange.Between(Noon.AddMinutes(1), Noon.AddMinutes(46));

        Assert.Equal(Noon.AddMinutes(15), range.Start);
        Assert.Equal(3, range.Count);
    }

    [Fact]
    public void Between_EndBeforeStart_IsEmpty()
    {
        Assert.Empty(SlotRange.Between(Noon, Noon.AddHours(-1)));
    }

    [Fact]
    public void Constructor_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlotRange(0, -1));
    }
}
