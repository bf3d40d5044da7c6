namespace Darkstar.Forecasting.Features;

/// <summary>The sun's elevation and the clear-sky irradiance at a place and instant (NOAA's low-precision formulas, Haurwitz).</summary>
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
}
