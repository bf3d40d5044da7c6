using Darkstar.Core.Time;

namespace Darkstar.Core.Tests.Time;

public sealed class HomeTimeZoneTests
{
    [Theory]
    [InlineData("Europe/Berlin", "Europe/Stockholm", "America/New_York", "Europe/Berlin")]
    [InlineData(null, "Europe/Stockholm", "America/New_York", "Europe/Stockholm")]
    [InlineData(null, null, "America/New_York", "America/New_York")]
    [InlineData(" ", "", "Europe/Helsinki", "Europe/Helsinki")]
    public void TryResolve_FirstNamedSourceWins(string? commandLine, string? options, string? homeAssistant, string expected)
    {
        Assert.True(HomeTimeZone.TryResolve(commandLine, options, homeAssistant, out var zone, out _));
        Assert.Equal(expected, zone.Id);
    }

    [Fact]
    public void TryResolve_NoSource_AProblemThatSaysWhereToSetOne()
    {
        Assert.False(HomeTimeZone.TryResolve(null, null, null, out _, out var problem));
        Assert.Contains("location.time_zone", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_UnknownZone_NamesItsSourceAndDoesNotFallBack()
    {
        Assert.False(HomeTimeZone.TryResolve(null, "Mars/Olympus", "Europe/Stockholm", out _, out var problem));
        Assert.Equal("location.time_zone: 'Mars/Olympus' is not a known IANA time zone (for example Europe/Stockholm)", problem);
    }
}
