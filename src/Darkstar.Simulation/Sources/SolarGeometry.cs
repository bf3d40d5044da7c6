namespace Darkstar.Simulation.Sources;

/// <summary>The sun's elevation and clear-sky irradiance at a place and instant (NOAA's simple formulas).</summary>
public static class SolarGeometry
{
    /// <summary>Solar elevation above the horizon in degrees.</summary>
    public static double ElevationDegrees(DateTimeOffset instant, double latitude, double longitude)
    {
        var utc = instant.UtcDateTime;
        var dayOfYear = utc.DayOfYear;
        var hours = utc.TimeOfDay.TotalHours;
        var gamma = 2 * Math.PI / 365 * (dayOfYear - 1 + ((hours - 12) / 24));
        var declination = 0.006918 - (0.399912 * Math.Cos(gamma)) + (0.070257 * Math.Sin(gamma))
            - (0.006758 * Math.Cos(2 * gamma)) + (0.000907 * Math.Sin(2 * gamma))
            - (0.002697 * Math.Cos(3 * gamma)) + (0.00148 * Math.Sin(3 * gamma));
        var equationOfTime = 229.18 * (0.000075 + (0.001868 * Math.Cos(gamma)) - (0.032077 * Math.Sin(gamma))
            - (0.014615 * Math.Cos(2 * gamma)) - (0.040849 * Math.Sin(2 * gamma)));
        var trueSolarMinutes = (hours * 60) + equationOfTime + (4 * longitude);
        var hourAngle = ((trueSolarMinutes / 4) - 180) * Math.PI / 180;
        var phi = latitude * Math.PI / 180;
        var cosZenith = (Math.Sin(phi) * Math.Sin(declination)) + (Math.Cos(phi) * Math.Cos(declination) * Math.Cos(hourAngle));
        return 90 - (Math.Acos(Math.Clamp(cosZenith, -1, 1)) * 180 / Math.PI);
    }

    /// <summary>Clear-sky global horizontal irradiance in W/m² (Haurwitz's model).</summary>
    public static double ClearSkyIrradiance(DateTimeOffset instant, double latitude, double longitude)
    {
        var elevation = ElevationDegrees(instant, latitude, longitude);
        if (elevation <= 0)
        {
            return 0;
        }

        var cosZenith = Math.Sin(elevation * Math.PI / 180);
        return 1098 * cosZenith * Math.Exp(-0.057 / cosZenith);
    }

    /// <summary>Irradiance through clouds (Kasten and Czeplak): cloud cover as a fraction in [0, 1].</summary>
    public static double CloudyIrradiance(double clearSky, double cloudFraction) =>
        clearSky * (1 - (0.75 * Math.Pow(Math.Clamp(cloudFraction, 0, 1), 3.4)));
}
