using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Planning.Kepler;

/// <summary>
/// Once a day, half an hour after local midnight (when yesterday's last slot is recorded): the Oracle on yesterday, so
/// the MQTT entities show yesterday's realised cost and the Oracle regret. Also at start, for a yesterday not yet run.
/// </summary>
public sealed class OracleLoop(
    OracleRunner oracle,
    OracleResultRepository results,
    DarkstarOptions options,
    TimeZoneInfo zone,
    LoopContext context,
    ILogger<OracleLoop> logger) : DailyAfterMidnightLoop(LoopName, TimeSpan.FromMinutes(30), zone, context, logger)
{
    /// <summary>The name <c>/health</c> shows the Oracle under.</summary>
    public const string LoopName = "oracle";

    protected override string Activity => "the Oracle";

    protected override async Task<RoundOutcome> RoundForAsync(DateOnly yesterday, CancellationToken cancellationToken)
    {
        if ((await results.ReadRangeAsync(yesterday, yesterday, cancellationToken)).Count > 0)
        {
            return RoundOutcome.Unreported;
        }

        try
        {
            var outcome = await oracle.RunAsync(yesterday, options, Zone, cancellationToken);
            Logger.LogInformation("Oracle for {Day}: {Summary}", yesterday, OracleRunner.Describe(outcome));
        }
        catch (PlanningInputException e)
        {
            // A day without whole data (the first day of a new install) has no Oracle; that is not a fault.
            Logger.LogInformation("No Oracle for {Day}: {Reason}", yesterday, e.Message);
        }

        return RoundOutcome.Succeeded;
    }
}
