using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Learning.Prices;
using Darkstar.Planning.Kepler;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Darkstar.Service;

/// <summary>Told about every new plan: the MQTT publishing, and in <c>serve --simulate</c> the console table.</summary>
public interface IPlanListener
{
    void PlanMade(PlanOutcome outcome, string reason);
}

/// <summary>
/// Plans with <see cref="KeplerPlanner"/> at start, every <c>planner.replan_minutes</c> on the quarter-hour grid, and at
/// once when asked (new prices, a SoC far off the plan, the re-plan button, a changed control). Every plan uses the
/// options as the user's controls amend them.
/// </summary>
public sealed class PlannerLoop(
    KeplerPlanner planner,
    PriceUpdater prices,
    DarkstarOptions options,
    PlannerControls controls,
    TimeZoneInfo zone,
    ServiceTriggers triggers,
    ServiceHealth health,
    IEnumerable<IPlanListener> listeners,
    TimeProvider clock,
    ILogger<PlannerLoop> logger) : BackgroundService
{
    private int _plans;

    /// <summary>Plans stored since start.</summary>
    public int Plans => Volatile.Read(ref _plans);

    /// <summary>The next regular re-plan strictly after <paramref name="now"/>: a multiple of the interval since midnight UTC.</summary>
    public static DateTimeOffset NextReplan(DateTimeOffset now, int replanMinutes)
    {
        var interval = TimeSpan.FromMinutes(Math.Max(replanMinutes, SlotGrid.MinutesPerSlot));
        var ticks = (now.UtcTicks / interval.Ticks + 1) * interval.Ticks;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.Register(ServiceLoops.Planner);
        var reason = "start";
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = clock.GetUtcNow();
                await PlanOnceAsync(reason, stoppingToken);
                // Due at the first interval boundary after this plan's start, not after its end: a plan that ran past the
                // boundary (a slow solve, a busy machine, an accelerated clock) is followed by one plan at once, so that no
                // interval goes without a plan and the executor never runs on a plan two intervals old.
                var due = NextReplan(started, options.Planner.ReplanMinutes);
                reason = await triggers.Replan.WaitUntilAsync(due, clock, stoppingToken) ?? "schedule";
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    internal async Task PlanOnceAsync(string reason, CancellationToken cancellationToken)
    {
        try
        {
            PlanOutcome outcome;
            try
            {
                outcome = await planner.PlanAsync(controls.Apply(options), zone, cancellationToken);
            }
            catch (PlanningInputException) when (Plans == 0)
            {
                // At start the recorder may not have read the prices yet: read them now rather than wait a whole interval.
                var horizon = await prices.UpdateAsync(cancellationToken);
                logger.LogInformation("Read prices for the first plan: {Slots} slots", horizon.SlotsWritten);
                outcome = await planner.PlanAsync(controls.Apply(options), zone, cancellationToken);
            }

            Interlocked.Increment(ref _plans);
            if (outcome.Schedule.Fallback)
            {
                health.Failed(ServiceLoops.Planner, "the solver failed: the plan is the self-consumption rule", counts: false);
            }
            else
            {
                health.Succeeded(ServiceLoops.Planner);
            }

            logger.LogInformation("Planned ({Reason}): plan {Id}, {Slots} slots, {Status}", reason, outcome.Plan.Id, outcome.Plan.SlotCount, outcome.Schedule.StatusText);
            foreach (var listener in listeners)
            {
                listener.PlanMade(outcome, reason);
            }
        }
        catch (PlanningInputException e)
        {
            // Missing input (no price for the current slot yet) is a state the next prices end, not a fault of the service.
            logger.LogWarning("No plan ({Reason}): {Problem}", reason, e.Message);
            health.Failed(ServiceLoops.Planner, e.Message, counts: false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Planning failed ({Reason})", reason);
            health.Failed(ServiceLoops.Planner, $"planning failed: {e.Message}");
        }
    }
}
