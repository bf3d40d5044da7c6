using Darkstar.Core.Time;
using Microsoft.Extensions.Logging;

namespace Darkstar.Core.Loops;

/// <summary>
/// A loop that works on yesterday once a day, a fixed time after local midnight (when yesterday's last slot is recorded
/// and judged), and at start: the Oracle, the live episodes.
/// </summary>
public abstract class DailyAfterMidnightLoop(string name, TimeSpan afterMidnight, TimeZoneInfo zone, LoopContext context, ILogger logger)
    : ServiceLoop(name, context, logger)
{
    /// <summary>The home's time zone, in which the days are local.</summary>
    protected TimeZoneInfo Zone => zone;

    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) =>
        SlotGrid.StartOfLocalDay(SlotGrid.LocalDateOf(roundStarted, zone).AddDays(1), zone) + afterMidnight;

    protected sealed override Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken) =>
        RoundForAsync(SlotGrid.LocalDateOf(Clock.GetUtcNow(), zone).AddDays(-1), cancellationToken);

    /// <summary>One round on <paramref name="yesterday"/>, the local day before now.</summary>
    protected abstract Task<RoundOutcome> RoundForAsync(DateOnly yesterday, CancellationToken cancellationToken);
}
