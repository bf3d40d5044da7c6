using Darkstar.Core.Loops;
using Darkstar.Core.Time;
using Microsoft.Extensions.Logging;

namespace Darkstar.Forecasting.Runtime;

/// <summary>
/// One <see cref="ForecastRunner"/> round at start and at every quarter hour; a new round asks for no re-plan (the
/// planner reads the latest issue when it plans). A failed round leaves the planner on older issues until the next.
/// </summary>
public sealed class ForecastLoop(ForecastRunner runner, LoopContext context, ILogger<ForecastLoop> logger, IEnumerable<IForecastListener> listeners)
    : ServiceLoop(LoopName, context, logger)
{
    /// <summary>The name <c>/health</c> shows the forecaster under.</summary>
    public const string LoopName = "forecaster";

    protected override string Activity => "forecasting";

    /// <summary>The quarter hour after the round's start: a round that ran past it runs again at once.</summary>
    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => SlotGrid.StartOf(SlotGrid.IndexOf(roundStarted) + 1);

    protected override async Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
    {
        var round = await runner.RunOnceAsync(cancellationToken);
        Logger.LogDebug("Forecast round at {At}: {Versions}", InstantText.Format(round.IssuedAt), string.Join(", ", round.SlotsByVersion.Keys));
        if (round.SlotsByVersion.Count > 0)
        {
            foreach (var listener in listeners)
            {
                listener.ForecastIssued(round.IssuedAt, [.. round.SlotsByVersion.Keys]);
            }
        }
        return RoundOutcome.Succeeded;
    }
}
