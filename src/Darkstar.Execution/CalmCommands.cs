using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.Execution;

/// <summary>
/// Which of a decision's targets the executor pursues this tick, so that a command changes only when the plan's intent
/// changes (every command is a register write on the inverter):
/// <list type="bullet">
/// <item>hysteresis: a SoC target or power limit within <c>executor.soc_target_hysteresis_percent</c> or
/// <c>power_limit_hysteresis_kw</c> of the entity's value is left as it is;</item>
/// <item>dwell: within a slot, a work mode stays <c>executor.work_mode_min_dwell_minutes</c> before it changes again, and
/// the battery's other targets wait with it (a move into hold keeps energy and acts at once; a new slot may change it at once);</item>
/// <item>confirmation: a change the decision starts asking for in the middle of a slot and plan is sent only when the next
/// tick asks for it too, so that no command is one the next tick undoes;</item>
/// <item>a hold stays: once the battery holds at the plan's floor, a little sun lifting the SoC above it, or a new plan made
/// in the slot that still keeps the energy, does not switch back to self-consumption within the slot (the house would
/// take it back minutes later, and the inverter would be told hold, self-consumption, hold); the next slot, or a new plan
/// that discharges in it, decides afresh;</item>
/// <item>the slot's own plan: at a slot's start where the planner re-plans, a plan made before the slot is about to be
/// replaced, and what it planned for this slot is a guess on a SoC that has since moved; nothing changes on it for the
/// first minutes (<see cref="SlotSettlingTime"/>) unless the slot's own plan has come, so that the inverter is not told one
/// mode at the boundary and the other back a minute later.</item>
/// </list>
/// With a peak fee, a grid-charging power limit above the planned power is always lowered, whatever the hysteresis: the
/// import stays at the planned peak (the executor's cap on import, through the power-limit mapping).
/// Safe mode, the executor switched off, the user's override and a decision a limit changed (SoC at its minimum or
/// maximum, a value clamped) are commanded at once. One instance per executor: it remembers the last work-mode change and
/// what the previous tick asked for.
/// </summary>
public sealed class CalmCommands
{
    /// <summary>A SoC within this of a discharge's target has reached it (the inverter's reading and its stop are not exact).</summary>
    private const double SocTargetReachedPercent = 1;

    /// <summary>The start of a slot, while the slot's own plan (made a moment after the boundary) may still arrive and change
    /// the charger or a load's switch.</summary>
    public static readonly TimeSpan SlotSettlingTime = TimeSpan.FromMinutes(2);

    private readonly ExecutorOptions _options;
    private readonly bool _capGridChargePower;
    private readonly int? _replanMinutes;
    private (string Option, DateTimeOffset At)? _workModeChange;
    private (DateTimeOffset Slot, long? PlanId, Dictionary<string, string> Wanted)? _previousTick;
    private (DateTimeOffset Slot, long? PlanId)? _holding;
    private readonly Dictionary<string, DateTimeOffset> _changedInSlot = new(StringComparer.Ordinal);

    /// <param name="options">The executor's options: hysteresis and dwell.</param>
    /// <param name="capGridChargePower">A peak fee applies: a grid-charging limit above the planned power is always lowered.</param>
    /// <param name="replanMinutes">The planner's regular re-plan interval (<c>planner.replan_minutes</c>); null when no
    /// plan comes on a schedule (the benchmark plans each slot before it runs it): nothing waits for the slot's own plan.</param>
    public CalmCommands(ExecutorOptions options, bool capGridChargePower = false, int? replanMinutes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _capGridChargePower = capGridChargePower;
        _replanMinutes = replanMinutes;
    }

    /// <summary>
    /// The rules for the executor <paramref name="options"/> describe: with a peak fee, the charge power is capped; with
    /// <paramref name="replanOnSchedule"/> (the service), a slot's start waits for the plan the planner makes at it.
    /// </summary>
    public static CalmCommands For(DarkstarOptions options, bool replanOnSchedule = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CalmCommands(
            options.Executor, Core.Domain.PeakFeeSpec.FromOptions(options.PeakFee) is not null, replanOnSchedule ? options.Planner.ReplanMinutes : null);
    }

    /// <summary>The targets of <paramref name="decision"/> to bring about now, given the entities' <paramref name="states"/>.</summary>
    public IReadOnlyList<EntityTarget> Filter(DateTimeOffset now, ExecutorDecision decision, IReadOnlyDictionary<string, EntityState> states)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(states);
        var slot = SlotGrid.Floor(now);
        var previous = _previousTick;
        _previousTick = (slot, decision.PlanId, decision.Targets.ToDictionary(t => t.EntityId, t => t.ValueText, StringComparer.Ordinal));
        var urgent = decision.Mode is not ExecutionMode.FollowingPlan || decision.LimitNotes.Count > 0;
        var holding = _holding is { } h && h.Slot == slot && (h.PlanId == decision.PlanId || decision.PlannedAction != Core.Domain.PlannedAction.Discharge);
        _holding = decision is { Mode: ExecutionMode.FollowingPlan, CommandedAction: CommandedAction.Hold } ? (slot, decision.PlanId)
            : holding && !urgent && decision.CommandedAction == CommandedAction.SelfConsumption ? _holding
            : null;
        if (urgent)
        {
            Remember(now, decision.Targets, states);
            return decision.Targets;
        }

        if (AwaitsTheSlotsOwnPlan(now, slot, decision))
        {
            // Only what is already as wanted is passed on (the tick skips it): nothing changes on the plan being replaced.
            return [.. decision.Targets.Where(t => t.IsSatisfiedBy(states.GetValueOrDefault(t.EntityId)))];
        }

        if (holding && decision.CommandedAction == CommandedAction.SelfConsumption)
        {
            // Holding in this slot already: the battery's targets stay as they are (see the class).
            var others = decision.Targets.Where(t => !IsBatteryTarget(t)).ToList();
            HoldOncePerSlot(now, others, states);
            Remember(now, others, states);
            return others;
        }

        var targets = decision.Targets.Where(t => !WithinHysteresis(t, states.GetValueOrDefault(t.EntityId), decision.CommandedAction, decision.MeasuredSocPercent)).ToList();
        var sameSlotAndPlan = previous is { } p && p.Slot == slot && p.PlanId == decision.PlanId;
        // A wish that changed since the last tick without a new slot or plan waits a tick: it may be undone by then.
        var unconfirmed = sameSlotAndPlan
            ? targets.Where(t => !t.IsSatisfiedBy(states.GetValueOrDefault(t.EntityId))
                && previous!.Value.Wanted.TryGetValue(t.EntityId, out var wanted) && wanted != t.ValueText).ToList()
            : [];
        targets.RemoveAll(unconfirmed.Contains);
        var mode = decision.Targets.OfType<SelectOptionTarget>().FirstOrDefault(t => t.Role == ActuatorRole.WorkMode);
        if (mode is not null && !mode.IsSatisfiedBy(states.GetValueOrDefault(mode.EntityId)) && (unconfirmed.Contains(mode) || HeldByDwell(now, mode.Option)))
        {
            // The mode stays; its limits, grid charging and target stay with it, or they would run the old mode on the new one's settings.
            targets.RemoveAll(IsBatteryTarget);
        }

        HoldOncePerSlot(now, targets, states);
        Remember(now, targets, states);
        return targets;
    }

    /// <summary>
    /// The car's charger and each flexible load's switch change at most once a slot after the slot's first minutes: a plan
    /// made in the middle of a slot may move the car's charging or a load's run between slots of the same price (an hour's
    /// four quarters cost the same), and the car or the load would be switched on and off within minutes. The next slot's
    /// plan makes up for what the slot did not run. A flexible load's switch also waits out the slot's first minutes, for
    /// the slot's own plan: a dishwasher started by the last slot's plan and stopped a minute later by this slot's, which
    /// moved its run, would have started its programme for nothing (the car's charger just stops and resumes).
    /// </summary>
    private void HoldOncePerSlot(DateTimeOffset now, List<EntityTarget> targets, IReadOnlyDictionary<string, EntityState> states)
    {
        var slot = SlotGrid.Floor(now);
        var settling = now - slot < SlotSettlingTime;
        targets.RemoveAll(t => ChangesOncePerSlot(t) && !t.IsSatisfiedBy(states.GetValueOrDefault(t.EntityId))
            && (settling
                ? t.Role == ActuatorRole.FlexibleLoad
                : _changedInSlot.TryGetValue(t.EntityId, out var changed) && changed == slot));
        foreach (var target in targets.Where(t => ChangesOncePerSlot(t) && !t.IsSatisfiedBy(states.GetValueOrDefault(t.EntityId))))
        {
            _changedInSlot[target.EntityId] = slot;
        }
    }

    /// <summary>A slot's first minutes where the planner re-plans, and the plan in hand was made before the slot began.</summary>
    private bool AwaitsTheSlotsOwnPlan(DateTimeOffset now, DateTimeOffset slot, ExecutorDecision decision) =>
        _replanMinutes is { } minutes && decision.PlanCreatedAt is { } made && made < slot && now - slot < SlotSettlingTime
        && ReplanGrid.IsReplanAt(slot, minutes);

    private static bool ChangesOncePerSlot(EntityTarget target) => target.Role is ActuatorRole.CarCharger or ActuatorRole.CarChargingCurrent or ActuatorRole.FlexibleLoad;

    private bool HeldByDwell(DateTimeOffset now, string option)
    {
        // Putting back the mode last commanded (a hand or the inverter changed it) is no change of intent.
        if (_workModeChange is not { } last || _options.WorkModeMinDwellMinutes <= 0 || last.Option == option)
        {
            return false;
        }

        // Holding keeps the energy the plan saves for later: never delayed.
        var intoHold = _options.WorkModeHold is { } hold && option == hold;
        return !intoHold && SlotGrid.Floor(last.At) == SlotGrid.Floor(now) && now - last.At < TimeSpan.FromMinutes(_options.WorkModeMinDwellMinutes);
    }

    private bool WithinHysteresis(EntityTarget target, EntityState? state, CommandedAction? action, double? socPercent)
    {
        if (target is not NumberValueTarget number || state is null || !state.TryGetNumber(out var current) || number.ClampNote is not null)
        {
            return false;
        }

        // A discharge or export stops at the SoC target: one left below the plan's would sell energy the plan keeps for the
        // evening or the night, which is bought back later at the import price. It is always raised; only a target above
        // the plan's (the battery keeps a little more) is left within the hysteresis.
        if (number.Role == ActuatorRole.SocTarget && action is CommandedAction.Discharge or CommandedAction.Export && current < number.Value)
        {
            return false;
        }

        // A lower target where the battery has reached the one set: the inverter stands at it (an export mode covers no
        // load there) while the plan discharges further, and the home imports what the battery was to give. Lowered at
        // once; above the set target the difference does not act yet and the hysteresis keeps the register quiet.
        if (number.Role == ActuatorRole.SocTarget && action is CommandedAction.Discharge or CommandedAction.Export
            && current > number.Value && socPercent is { } soc && soc <= current + SocTargetReachedPercent)
        {
            return false;
        }

        // Under a peak fee, charging from the grid faster than planned raises the import above the planned peak.
        if (_capGridChargePower && number.Role == ActuatorRole.MaxChargePower && action == CommandedAction.Charge && current > number.Value)
        {
            return false;
        }

        var threshold = number.Role switch
        {
            ActuatorRole.SocTarget => _options.SocTargetHysteresisPercent,
            ActuatorRole.MaxChargePower => PowerThreshold(_options.MaxChargePowerUnit),
            ActuatorRole.MaxDischargePower => PowerThreshold(_options.MaxDischargePowerUnit),
            _ => 0,
        };
        return Math.Abs(current - number.Value) < threshold;
    }

    private double PowerThreshold(PowerUnit unit)
    {
        try
        {
            return PowerLimitConverter.FromKilowatts(_options.PowerLimitHysteresisKw, unit, _options.BatteryVoltage);
        }
        catch (ArgumentException)
        {
            // Amperes without a voltage: the target cannot be commanded either; no hysteresis.
            return 0;
        }
    }

    private void Remember(DateTimeOffset now, IEnumerable<EntityTarget> targets, IReadOnlyDictionary<string, EntityState> states)
    {
        if (targets.OfType<SelectOptionTarget>().FirstOrDefault(t => t.Role == ActuatorRole.WorkMode) is { } mode
            && !mode.IsSatisfiedBy(states.GetValueOrDefault(mode.EntityId)))
        {
            _workModeChange = (mode.Option, now);
        }
    }

    private static bool IsBatteryTarget(EntityTarget target) => target.Role is
        ActuatorRole.WorkMode or ActuatorRole.GridCharging or ActuatorRole.MaxChargePower or ActuatorRole.MaxDischargePower or ActuatorRole.SocTarget;
}
