using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Microsoft.Extensions.Logging;

namespace Darkstar.Storage;

/// <summary>
/// The daily clean-up (<see cref="DatabaseRetention"/>): at start and an hour after local midnight, after the Oracle and
/// the live episodes have read yesterday.
/// </summary>
public sealed class RetentionLoop(DatabaseRetention retention, TimeZoneInfo zone, LoopContext context, ILogger<RetentionLoop> logger)
    : DailyAfterMidnightLoop(LoopName, TimeSpan.FromHours(1), zone, context, logger)
{
    /// <summary>The name <c>/health</c> shows the loop under.</summary>
    public const string LoopName = "retention";

    protected override string Activity => "cleaning up the database";

    protected override async Task<RoundOutcome> RoundForAsync(DateOnly yesterday, CancellationToken cancellationToken)
    {
        var removed = await retention.ApplyAsync(Clock.GetUtcNow(), cancellationToken);
        Logger.LogInformation("Retention up to {Day}: {Removed}", DayText.Format(yesterday), removed.Describe());
        return RoundOutcome.Succeeded;
    }
}
