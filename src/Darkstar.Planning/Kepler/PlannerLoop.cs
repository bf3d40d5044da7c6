using Darkstar.Core.Controls;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Storage;
using Microsoft.Extensions.Logging;

namespace Darkstar.Planning.Kepler;

/// <summary>Told about every new plan: the MQTT publishing, and in <c>serve --simulate</c> the console table.</summary>
public interface IPlanListener
{
    void PlanMade(PlanOutcome outcome, string reason);
}

/// <summary>An <see cref="IPlanListener"/> that calls <paramref name="planMade"/>: for a host wiring a part that does not know planning.</summary>
public sealed class PlanListener(Action<PlanOutcome, string> planMade) : IPlanListener
{
    public void PlanMade(PlanOutcome outcome, string reason) => planMade(outcome, reason);
}

/// <summary>
/// Plans with <see cref="KeplerPlanner"/> at start, every <c>planner.replan_minutes</c> on the quarter-hour grid, and at
/// once when asked (new prices, a SoC far off the plan, the re-plan button, a control the plan depends on changed).
/// Every plan uses the options as the user's controls (<see cref="ControlStore"/>) amend them.
/// </summary>
public sealed class PlannerLoop : ServiceLoop
{
    /// <summary>The name <c>/health</c> shows the planner under.</summary>
    public const string LoopName = "planner";

    private readonly KeplerPlanner _planner;
    private readonly IPriceRefresher _prices;
    private readonly DarkstarOptions _options;
    private readonly ControlStore _controls;
    private readonly TimeZoneInfo _zone;
    private readonly ServiceTriggers _triggers;
    private readonly IReadOnlyList<IPlanListener> _listeners;
    private readonly ManualBlockStore? _blocks;
    private int _plans;

    public PlannerLoop(
        KeplerPlanner planner,
        IPriceRefresher prices,
        DarkstarOptions options,
        ControlStore controls,
        TimeZoneInfo zone,
        ServiceTriggers triggers,
        IEnumerable<IPlanListener> listeners,
        LoopContext context,
        ILogger<PlannerLoop> logger,
        ManualBlockStore? blocks = null)
        : base(LoopName, context, logger)
    {
        _planner = planner ?? throw new ArgumentNullException(nameof(planner));
        _prices = prices ?? throw new ArgumentNullException(nameof(prices));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _controls = controls ?? throw new ArgumentNullException(nameof(controls));
        _zone = zone ?? throw new ArgumentNullException(nameof(zone));
        _triggers = triggers ?? throw new ArgumentNullException(nameof(triggers));
        _listeners = [.. listeners];
        _controls.Changed += OnControlsChanged;
        _blocks = blocks;
        if (_blocks is not null)
        {
            _blocks.Changed += OnBlocksChanged;
        }
    }

    /// <summary>Plans stored since start.</summary>
    public int Plans => Volatile.Read(ref _plans);

    protected override string Activity => "planning";

    protected override LoopTrigger Trigger => _triggers.Replan;

    /// <summary>The next regular re-plan strictly after <paramref name="now"/>: a multiple of the interval since midnight UTC.</summary>
    public static DateTimeOffset NextReplan(DateTimeOffset now, int replanMinutes) => ReplanGrid.Next(now, replanMinutes);

    public override void Dispose()
    {
        _controls.Changed -= OnControlsChanged;
        if (_blocks is not null)
        {
            _blocks.Changed -= OnBlocksChanged;
        }

        base.Dispose();
    }

    /// <summary>
    /// Due at the first interval boundary after this plan's start, not after its end: a plan that ran past the boundary (a
    /// slow solve, a busy machine, an accelerated clock) is followed by one plan at once, so that no interval goes without a
    /// plan and the executor never runs on a plan two intervals old.
    /// </summary>
    protected override DateTimeOffset NextDue(DateTimeOffset roundStarted) => NextReplan(roundStarted, _options.Planner.ReplanMinutes);

    protected override async Task<RoundOutcome> RoundAsync(string reason, CancellationToken cancellationToken)
    {
        PlanOutcome outcome;
        try
        {
            try
            {
                outcome = await _planner.PlanAsync(_controls.Current.ApplyTo(_options), _zone, cancellationToken);
            }
            catch (PlanningInputException) when (Plans == 0)
            {
                // At start the recorder may not have read the prices yet: read them now rather than wait a whole interval.
                var slots = await _prices.RefreshPricesAsync(cancellationToken);
                Logger.LogInformation("Read prices for the first plan: {Slots} slots", slots);
                outcome = await _planner.PlanAsync(_controls.Current.ApplyTo(_options), _zone, cancellationToken);
            }
        }
        catch (PlanningInputException e)
        {
            // Missing input (no price for the current slot yet) is a state the next prices end, not a fault of the service.
            Logger.LogWarning("No plan ({Reason}): {Problem}", reason, e.Message);
            return RoundOutcome.Degraded(e.Message);
        }

        Interlocked.Increment(ref _plans);
        Logger.LogInformation("Planned ({Reason}): plan {Id}, {Slots} slots, {Status}", reason, outcome.Plan.Id, outcome.Plan.SlotCount, outcome.Schedule.StatusText);
        foreach (var listener in _listeners)
        {
            listener.PlanMade(outcome, reason);
        }

        return outcome.Schedule.Fallback ? RoundOutcome.Degraded("the solver failed: the plan is the self-consumption rule") : RoundOutcome.Succeeded;
    }

    // A block that ended constrains nothing any more; the next regular plan leaves it out anyway.
    private void OnBlocksChanged(object? sender, ManualBlocksChange change)
    {
        if (!change.Ended)
        {
            _triggers.Replan.Request("manual blocks changed");
        }
    }

    private void OnControlsChanged(object? sender, ControlsChange change)
    {
        // What users set at start is in force before the first plan; a later change the plan depends on takes effect with a new plan.
        if (!change.Loaded && change.ControlIds.FirstOrDefault(DarkstarControlValues.AmendsPlan) is { } id)
        {
            _triggers.Replan.Request($"{id} changed");
        }
    }
}
