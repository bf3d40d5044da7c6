namespace Darkstar.Core.Solar;

/// <summary>
/// The sun's position and clear-sky irradiance at a place and instant (NOAA's low-precision formulas, Haurwitz), and the
/// daily sums the weather checks need (FAO-56). One place for the sun: the forecaster, the importer and the simulated
/// home all use it.
/// </summary>
public static class SolarPosition
{
    /// <summary>Solar elevation above the horizon in degrees.</summary>
    public static double ElevationDegrees(DateTimeOffset instant, double latitude, double longitude) =>
        Position(instant, latitude, longitude).Elevation;

    /// <summary>Solar azimuth in degrees clockwise from north (90 east, 180 south, 270 west).</summary>
    public static double AzimuthDegrees(DateTimeOffset instant, double latitude, double longitude) =>
        Position(instant, latitude, longitude).Azimuth;

    private static (double Elevation, double Azimuth) Position(DateTimeOffset instant, double latitude, double longitude)
    {
        var utc = instant.UtcDateTime;
        var hours = utc.TimeOfDay.TotalHours;
        var gamma = 2 * Math.PI / 365 * (utc.DayOfYear - 1 + ((hours - 12) / 24));
        var declination = 0.006918 - (0.399912 * Math.Cos(gamma)) + (0.070257 * Math.Sin(gamma))
            - (0.006758 * Math.Cos(2 * gamma)) + (0.000907 * Math.Sin(2 * gamma))
            - (0.002697 * Math.Cos(3 * gamma)) + (0.00148 * Math.Sin(3 * gamma));
        var equationOfTime = 229.18 * (0.000075 + (0.001868 * Math.Cos(gamma)) - (0.032077 * Math.Sin(gamma))
            - (0.014615 * Math.Cos(2 * gamma)) - (0.040849 * Math.Sin(2 * gamma)));
        var trueSolarMinutes = (hours * 60) + equationOfTime + (4 * longitude);
        var hourAngle = ((trueSolarMinutes / 4) - 180) * Math.PI / 180;
        var phi = latitude * Math.PI / 180;
        var cosZenith = Math.Clamp((Math.Sin(phi) * Math.Sin(declination)) + (Math.Cos(phi) * Math.Cos(declination) * Math.Cos(hourAngle)), -1, 1);
        var zenith = Math.Acos(cosZenith);
        var elevation = 90 - (zenith * 180 / Math.PI);
        // Azimuth from north through east: atan2 of the sun's east and north components.
        var east = -Math.Cos(declination) * Math.Sin(hourAngle);
        var north = (Math.Sin(declination) * Math.Cos(phi)) - (Math.Cos(declination) * Math.Sin(phi) * Math.Cos(hourAngle));
        var azimuth = Math.Atan2(east, north) * 180 / Math.PI;
        return (elevation, azimuth < 0 ? azimuth + 360 : azimuth);
    }

    /// <summary>Clear-sky global horizontal irradiance in W/m² for a solar elevation (Haurwitz's model).</summary>
    public static double ClearSkyIrradiance(double elevationDegrees)
    {
        if (elevationDegrees <= 0)
        {
            return 0;
        }

        var cosZenith = Math.Sin(elevationDegrees * Math.PI / 180);
        return 1098 * cosZenith * Math.Exp(-0.057 / cosZenith);
    }

    /// <summary>Clear-sky global horizontal irradiance in W/m² at an instant and place.</summary>
    public static double ClearSkyIrradiance(DateTimeOffset instant, double latitude, double longitude) =>
        ClearSkyIrradiance(ElevationDegrees(instant, latitude, longitude));

    /// <summary>Irradiance through clouds (Kasten and Czeplak): cloud cover as a fraction in [0, 1].</summary>
    public static double CloudyIrradiance(double clearSky, double cloudFraction) =>
        clearSky * (1 - (0.75 * Math.Pow(Math.Clamp(cloudFraction, 0, 1), 3.4)));

    /// <summary>
    /// The day's extraterrestrial irradiance on a horizontal surface as a 24-hour mean in W/m², and the length of the
    /// day in hours (FAO-56, equations 21 to 25 and 34).
    /// </summary>
    public static (double MeanWm2, double DayLengthHours) Extraterrestrial(DateOnly day, double latitude)
    {
        var j = day.DayOfYear;
        var inverseDistance = 1 + (0.033 * Math.Cos(2 * Math.PI * j / 365));
        var declination = 0.409 * Math.Sin((2 * Math.PI * j / 365) - 1.39);
        var phi = latitude * Math.PI / 180;
        var sunsetAngle = Math.Acos(Math.Clamp(-Math.Tan(phi) * Math.Tan(declination), -1, 1));
        const double SolarConstantWm2 = 1367;
        var mean = SolarConstantWm2 / Math.PI * inverseDistance
            * ((sunsetAngle * Math.Sin(phi) * Math.Sin(declination)) + (Math.Cos(phi) * Math.Cos(declination) * Math.Sin(sunsetAngle)));
        return (Math.Max(mean, 0), 24 / Math.PI * sunsetAngle);
    }

    /// <summary>
    /// The day's mean global irradiance in W/m² that its hours of sunshine imply (Ångström–Prescott with FAO-56's
    /// default coefficients a = 0.25, b = 0.50), or null when the sun does not rise.
    /// </summary>
    public static double? RadiationFromSunshine(DateOnly day, double latitude, double sunshineHours)
    {
        var (mean, dayLength) = Extraterrestrial(day, latitude);
        if (dayLength <= 0 || mean <= 0)
        {
            return null;
        }

        var fraction = Math.Clamp(sunshineHours / dayLength, 0, 1);
        return mean * (0.25 + (0.50 * fraction));
    }
}
