namespace Darkstar.Core.Time;

/// <summary>A local date and time of day in the home's zone as an instant, the way every daily time (a window, a departure) is read.</summary>
public static class LocalTime
{
    /// <summary>A local date and time as an instant: a time the clocks skip moves on by the gap, a repeated one is its first.</summary>
    public static DateTimeOffset ToInstant(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(SlotGrid.MinutesPerSlot);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The first instant after <paramref name="now"/> at local time of day <paramref name="time"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset now, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var day = SlotGrid.LocalDateOf(now, zone);
        for (var i = 0; i < 3; i++, day = day.AddDays(1))
        {
            var candidate = ToInstant(day, time, zone);
            if (candidate > now)
            {
                return candidate;
            }
        }

        return now.AddDays(1);
    }
}
