using Darkstar.Core.Solar;

namespace Darkstar.Core.Tests.Solar;

public sealed class DailyRadiationTests
{
    private const double Konstanz = 47.66;

    [Fact]
    public void Check_SunnySummerDayWithDroppedDigit_UsesTheSunshineEstimate()
    {
        var result = DailyRadiation.Check(new DateOnly(2016, 6, 22), Konstanz, 39, 14.4);

        Assert.True(result.Replaced);
        Assert.InRange(result.MeanWm2!.Value, 300, 380);
    }

    [Fact]
    public void Check_OvercastWinterDayWithLowRadiation_KeepsTheMeasurement()
    {
        var result = DailyRadiation.Check(new DateOnly(2016, 1, 9), Konstanz, 12, 0);

        Assert.False(result.Replaced);
        Assert.Equal(12, result.MeanWm2);
    }

    [Fact]
    public void Check_PlausibleSunnyDay_KeepsTheMeasurement()
    {
        var result = DailyRadiation.Check(new DateOnly(2016, 6, 27), Konstanz, 292, 9.4);

        Assert.False(result.Replaced);
        Assert.Equal(292, result.MeanWm2);
    }

    [Fact]
    public void Check_RadiationAboveTheTopOfTheAtmosphere_IsReplaced()
    {
        var (extraterrestrial, _) = SolarPosition.Extraterrestrial(new DateOnly(2016, 12, 21), Konstanz);

        var result = DailyRadiation.Check(new DateOnly(2016, 12, 21), Konstanz, extraterrestrial + 50, 2);

        Assert.True(result.Replaced);
        Assert.True(result.MeanWm2 < extraterrestrial);
    }

    [Fact]
    public void Check_NoRadiationButSunshine_EstimatesFromSunshine()
    {
        var result = DailyRadiation.Check(new DateOnly(2016, 3, 20), Konstanz, null, 6);

        Assert.True(result.Replaced);
        Assert.NotNull(result.MeanWm2);
    }

    [Fact]
    public void Extraterrestrial_Equinox_DayLengthIsTwelveHours()
    {
        var (mean, dayLength) = SolarPosition.Extraterrestrial(new DateOnly(2016, 3, 20), Konstanz);

        Assert.InRange(dayLength, 11.8, 12.3);
        // 1367 W/m² · cos(47.66°) / π at the equinox, about 293 W/m².
        Assert.InRange(mean, 280, 305);
    }

    [Fact]
    public void CloudCoverFromSunshine_AllDaySun_IsClear()
    {
        var (_, dayLength) = SolarPosition.Extraterrestrial(new DateOnly(2016, 6, 21), Konstanz);

        Assert.Equal(0, DailyRadiation.CloudCoverFromSunshine(new DateOnly(2016, 6, 21), Konstanz, dayLength)!.Value, 6);
        Assert.Equal(100, DailyRadiation.CloudCoverFromSunshine(new DateOnly(2016, 6, 21), Konstanz, 0)!.Value, 6);
    }
}
