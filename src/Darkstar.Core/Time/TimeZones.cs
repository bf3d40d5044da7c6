namespace Darkstar.Core.Time;

/// <summary>Finds IANA time zones by id with a message a user can act on.</summary>
public static class TimeZones
{
    public static bool TryFind(string? ianaId, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(ianaId))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(ianaId);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }

    public static TimeZoneInfo Find(string ianaId) =>
        TryFind(ianaId, out var zone)
            ? zone
            : throw new ArgumentException($"'{ianaId}' is not a known IANA time zone (for example Europe/Stockholm).", nameof(ianaId));
}
