namespace Darkstar.Core.Domain;

/// <summary>
/// Where the home is: what solar geometry and local calendars need, and its name and elevation where they are known
/// (a data set's home, the simulated home).
/// </summary>
public sealed record HomeSite(double Latitude, double Longitude, TimeZoneInfo TimeZone)
{
    /// <summary>The home's name, as Home Assistant's <c>location_name</c> shows it.</summary>
    public string Name { get; init; } = "Home";

    /// <summary>Metres above sea level; 0 where not known.</summary>
    public double Elevation { get; init; }
}
