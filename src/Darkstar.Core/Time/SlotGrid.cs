namespace Darkstar.Core.Time;

/// <summary>
/// The 15-minute slot grid. Slots are aligned to the quarter hour in UTC and numbered from the Unix
/// epoch, so a slot index names the same instant on every machine and in every time zone.
/// </summary>
public static class SlotGrid
{
    public const int MinutesPerSlot = 15;
    public const int SlotsPerHour = 60 / MinutesPerSlot;

    /// <summary>The slots of 24 hours: a UTC day, or a day's lag on the grid. A local day has 92 or 100 on DST days (<see cref="LocalDay"/>).</summary>
    public const int SlotsPerUtcDay = 24 * SlotsPerHour;

    public static readonly TimeSpan SlotLength = TimeSpan.FromMinutes(MinutesPerSlot);

    private const long TicksPerSlot = TimeSpan.TicksPerMinute * MinutesPerSlot;
    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>The index of the slot that contains <paramref name="instant"/>.</summary>
    public static long IndexOf(DateTimeOffset instant) =>
        FloorDiv(instant.UtcTicks - EpochTicks, TicksPerSlot);

    /// <summary>The UTC start of slot <paramref name="index"/>.</summary>
    public static DateTimeOffset StartOf(long index) =>
        new(EpochTicks + (index * TicksPerSlot), TimeSpan.Zero);

    /// <summary>The start of the slot that contains <paramref name="instant"/>, in UTC.</summary>
    public static DateTimeOffset Floor(DateTimeOffset instant) => StartOf(IndexOf(instant));

    /// <summary>The first slot boundary at or after <paramref name="instant"/>, in UTC.</summary>
    public static DateTimeOffset Ceiling(DateTimeOffset instant) =>
        IsAligned(instant) ? instant.ToUniversalTime() : StartOf(IndexOf(instant) + 1);

    public static bool IsAligned(DateTimeOffset instant) =>
        (instant.UtcTicks - EpochTicks) % TicksPerSlot == 0;

    /// <summary>The slots of the local day <paramref name="day"/> in <paramref name="zone"/>: 96, or 92 and 100 on DST days.</summary>
    public static SlotRange LocalDay(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var first = IndexOf(StartOfLocalDay(day, zone));
        var next = IndexOf(StartOfLocalDay(day.AddDays(1), zone));
        return new SlotRange(first, checked((int)(next - first)));
    }

    /// <summary>The local calendar day in <paramref name="zone"/> that <paramref name="instant"/> falls on.</summary>
    public static DateOnly LocalDateOf(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    /// <summary>
    /// The slots from the one containing <paramref name="from"/> that cover <paramref name="length"/>:
    /// a 48-hour horizon started mid-slot still includes the current slot and ends on a boundary.
    /// </summary>
    public static SlotRange Horizon(DateTimeOffset from, TimeSpan length)
    {
        if (length < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A horizon cannot be negative.");
        }

        var first = IndexOf(from);
        var end = IndexOf(Ceiling(from + length));
        return new SlotRange(first, checked((int)Math.Max(end - first, 0)));
    }

    /// <summary>
    /// The first instant of a local day. Midnight can be skipped (spring forward at 00:00) or occur
    /// twice (fall back at 00:00); the day starts at its first valid, earliest local midnight.
    /// </summary>
    public static DateTimeOffset StartOfLocalDay(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(MinutesPerSlot);
        }

        var offset = zone.IsAmbiguousTime(local)
            ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.GetUtcOffset(local);
        var start = new DateTimeOffset(local, offset).ToUniversalTime();
        // Every zone in use today has an offset in whole quarter hours; historical oddities round up.
        return Ceiling(start);
    }

    private static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }
}
