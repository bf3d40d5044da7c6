namespace Darkstar.Core.Domain;

/// <summary>
/// When tomorrow's day-ahead prices become known. Nord Pool and EPEX publish them shortly before 13:00 CET; the hour
/// they are published and the hour their absence becomes worth a warning are two different hours.
/// </summary>
public static class DayAheadPrices
{
    /// <summary>
    /// From this local hour on, tomorrow's prices are known: the simulated home shows them and the benchmarks plan
    /// with them.
    /// </summary>
    public const int PublishedLocalHour = 13;

    /// <summary>
    /// From this local hour on, tomorrow's prices not yet fetched are late: an hour after <see cref="PublishedLocalHour"/>,
    /// so a publication a little behind time, or a fetch that has not come round yet, is not reported.
    /// </summary>
    public const int LateLocalHour = PublishedLocalHour + 1;
}
