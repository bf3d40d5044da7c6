namespace Darkstar.Core.Solar;

/// <summary>What a day's observed radiation is taken to be once checked against the day's sunshine hours.</summary>
public readonly record struct CheckedRadiation(double? MeanWm2, bool Replaced);

/// <summary>
/// Checks a station's daily mean global radiation against its own sunshine hours. A sunny day whose radiation is far
/// below what its sunshine implies (a dropped digit in the source: 339 read as 39) or a day above the top of the
/// atmosphere is not physical; the sunshine estimate (Ångström–Prescott) stands in for it. An overcast day is never
/// second-guessed: with little sunshine, low radiation is what one expects.
/// </summary>
public static class DailyRadiation
{
    /// <summary>Sunshine at or above this share of the day length makes a day sunny enough to check.</summary>
    public const double SunnyShare = 0.25;

    /// <summary>A sunny day's radiation below this share of its sunshine estimate is not believed.</summary>
    public const double ImplausibleShare = 0.5;

    public static CheckedRadiation Check(DateOnly day, double latitude, double? radiationWm2, double? sunshineHours)
    {
        var (extraterrestrial, dayLength) = SolarPosition.Extraterrestrial(day, latitude);
        var estimate = sunshineHours is { } sunshine ? SolarPosition.RadiationFromSunshine(day, latitude, sunshine) : null;
        if (radiationWm2 is not { } measured)
        {
            return new CheckedRadiation(estimate, estimate is not null);
        }

        var aboveAtmosphere = extraterrestrial > 0 && measured > extraterrestrial;
        var sunnyButDark = estimate is { } expected && sunshineHours >= SunnyShare * dayLength && measured < ImplausibleShare * expected;
        return (aboveAtmosphere || sunnyButDark) && estimate is not null
            ? new CheckedRadiation(estimate, true)
            : new CheckedRadiation(measured, false);
    }

    /// <summary>Cloud cover in percent that a day's sunshine hours imply: the share of the day the sun was hidden.</summary>
    public static double? CloudCoverFromSunshine(DateOnly day, double latitude, double? sunshineHours)
    {
        var (_, dayLength) = SolarPosition.Extraterrestrial(day, latitude);
        return sunshineHours is { } sunshine && dayLength > 0 ? 100 * (1 - Math.Clamp(sunshine / dayLength, 0, 1)) : null;
    }
}
