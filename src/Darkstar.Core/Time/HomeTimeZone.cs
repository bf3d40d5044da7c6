namespace Darkstar.Core.Time;

/// <summary>
/// The home's time zone, resolved one way for everything that works in local days: the command line's zone where a
/// command offers one, else the options' <c>location.time_zone</c>, else the zone Home Assistant reports where the
/// command talks to it. Never the machine's zone and never UTC by default: a day cut in the wrong zone is wrong without
/// a sign, so no zone found is an error that says where to set one.
/// </summary>
public static class HomeTimeZone
{
    /// <summary>The problem when no source names a zone.</summary>
    public const string NoneFound = "no time zone for the home's local days: set location.time_zone in the options (an IANA id such as Europe/Stockholm)";

    /// <summary>
    /// The first zone named by <paramref name="commandLine"/>, <paramref name="options"/> and <paramref name="homeAssistant"/>, in
    /// that order; false with a problem a user can act on when that zone is unknown or none is named.
    /// </summary>
    /// <param name="commandLine">The command's own zone option (<c>--time-zone</c>), or null.</param>
    /// <param name="options">The options' <c>location.time_zone</c>.</param>
    /// <param name="homeAssistant">The zone Home Assistant's configuration reports, or null where the command does not ask it.</param>
    public static bool TryResolve(string? commandLine, string? options, string? homeAssistant, out TimeZoneInfo zone, out string problem)
    {
        var (source, id) = !string.IsNullOrWhiteSpace(commandLine) ? ("--time-zone", commandLine)
            : !string.IsNullOrWhiteSpace(options) ? ("location.time_zone", options)
            : !string.IsNullOrWhiteSpace(homeAssistant) ? ("Home Assistant's time zone", homeAssistant)
            : (null, null);
        if (source is null)
        {
            zone = TimeZoneInfo.Utc;
            problem = NoneFound;
            return false;
        }

        if (TimeZones.TryFind(id, out zone))
        {
            problem = string.Empty;
            return true;
        }

        problem = $"{source}: '{id}' is not a known IANA time zone (for example Europe/Stockholm)";
        return false;
    }
}
