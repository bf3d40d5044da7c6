using Darkstar.Core.Time;

namespace Darkstar.Core.Tests.Time;

public class InstantTextTests
{
    [Fact]
    public void Format_OffsetInstant_WritesUtcWithZ()
    {
        var instant = new DateTimeOffset(2026, 3, 29, 3, 15, 0, TimeSpan.FromHours(2));

        Assert.Equal("2026-03-29T01:15:00Z", InstantText.Format(instant));
    }

    [Fact]
    public void Format_SubSecond_DropsFraction()
    {
        var instant = new DateTimeOffset(2026, 3, 29, 1, 15, 7, 999, TimeSpan.Zero);

        Assert.Equal("2026-03-29T01:15:07Z", InstantText.Format(instant));
    }

    [Theory]
    [InlineData("2026-03-29T01:15:00Z")]
    [InlineData("2026-03-29T03:15:00+02:00")]
    [InlineData("2026-03-28T20:15:00-05:00")]
    [InlineData("2026-03-29T01:15:00.000Z")]
    public void Parse_WithZoneOrOffset_ReturnsSameUtcInstant(string text)
    {
        var instant = InstantText.Parse(text);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 15, 0, TimeSpan.Zero), instant);
        Assert.Equal(TimeSpan.Zero, instant.Offset);
    }

    [Theory]
    [InlineData("2026-03-29T01:15:00")]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-13-29T01:15:00Z")]
    public void TryParse_WithoutZoneOrMalformed_ReturnsFalse(string text)
    {
        Assert.False(InstantText.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => InstantText.Parse(text));
        Assert.Contains("ISO-8601", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-01-01 12:00:00")]
    [InlineData("2026-01-01T12:00:00+01:00")]
    [InlineData("2026-01-01T12:00:00.123Z")]
    [InlineData("")]
    public void ParseExact_OtherThanStoredForm_Throws(string text)
    {
        Assert.Throws<FormatException>(() => InstantText.ParseExact(text));
    }

    [Fact]
    public void ParseExact_StoredForm_IsUtc()
    {
        var instant = InstantText.ParseExact("2026-10-25T00:45:00Z");

        Assert.Equal(TimeSpan.Zero, instant.Offset);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 45, 0, TimeSpan.Zero), instant);
    }

    [Fact]
    public void Truncate_SubSecond_MatchesWhatReadsBack()
    {
        var instant = new DateTimeOffset(2026, 1, 1, 12, 0, 5, TimeSpan.Zero).AddTicks(9_999_999);

        Assert.Equal(InstantText.ParseExact(InstantText.Format(instant)), InstantText.Truncate(instant));
    }

    [Theory]
    [InlineData("2026-10-25", true)]
    [InlineData("2026-02-30", false)]
    [InlineData("25.10.2026", false)]
    public void DayText_TryParse_AcceptsOnlyIsoDays(string text, bool valid)
    {
        Assert.Equal(valid, DayText.TryParse(text, out var day));
        if (valid)
        {
            Assert.Equal(text, DayText.Format(day));
        }
    }
}
