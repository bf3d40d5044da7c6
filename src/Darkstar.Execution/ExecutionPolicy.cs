using System.Globalization;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Execution;

/// <summary>Everything one decision depends on, gathered by the tick.</summary>
public sealed record ExecutorInputs
{
    public required DateTimeOffset Now { get; init; }

    public required ExecutorRuntimeSettings Settings { get; init; }

    public required bool HomeAssistantConnected { get; init; }

    /// <summary>The latest plan; null when there is none.</summary>
    public Plan? Plan { get; init; }

    /// <summary>The latest plan's slot that contains <see cref="Now"/>; null when it has none.</summary>
    public SlotPlan? CurrentSlot { get; init; }
    /// <summary>The battery's SoC as Home Assistant reports it now; null when unknown or unavailable.</summary>
    public double? MeasuredSocPercent { get; init; }
}

/// <summary>What the executor should do this tick: the mode, the action, and the state every entity should be in.</summary>
public sealed record ExecutorDecision
{
    public required DarkstarStatus Health { get; init; }

    public string? Reason { get; init; }

    public required ExecutionMode Mode { get; init; }

    public PlannedAction? PlannedAction { get; init; }

    public CommandedAction? CommandedAction { get; init; }

    public required ManualOverride Override { get; init; }

    public long? PlanId { get; init; }

    /// <summary>When the plan followed was made; null when no plan is followed.</summary>
    public DateTimeOffset? PlanCreatedAt { get; init; }

    /// <summary>The battery's SoC the decision was made on, percent; null when unknown.</summary>
    public double? MeasuredSocPercent { get; init; }

    /// <summary>The entities to bring to a state, in the order to command them. Empty when nothing may be commanded.</summary>
    public required IReadOnlyList<EntityTarget> Targets { get; init; }

    /// <summary>Where a limit changed what the plan or the override asked for (action substituted, value clamped).</summary>
    public required IReadOnlyList<string> LimitNotes { get; init; }
}

/// <summary>
/// The executor's rules, as a pure function of the options and one tick's inputs: which mode it is in,
/// what the battery is told to do, and the wanted state of each configured entity, never outside the
/// options' SoC and power limits.
/// </summary>
public static class ExecutionPolicy
{
    /// <summary>A plan older than this is not followed: safe mode.</summary>
    public static readonly TimeSpan MaxPlanAge = TimeSpan.FromMinutes(30);

    /// <summary>Below this much energy in a slot (kWh) a flow counts as none: solver noise is not a plan.</summary>
    public const double EnergyEpsilonKwh = 0.001;

    // A limit exceeded by less than this is float noise from the solver: it is clamped silently.
    private const double PowerNoteToleranceKw = 0.001;
    private const double SocNoteTolerancePercent = 0.01;

    private static readonly double SlotHours = SlotGrid.SlotLength.TotalHours;

    /// <summary>The slot of <paramref name="slots"/> that contains <paramref name="now"/>, or null.</summary>
    public static SlotPlan? SlotContaining(IReadOnlyList<SlotPlan> slots, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(slots);
        return slots.FirstOrDefault(s => s.SlotStart <= now && now < s.SlotStart + SlotGrid.SlotLength);
    }

    /// <summary>Why the plan cannot be followed now, or null when it can.</summary>
    public static string? PlanProblem(Plan? plan, SlotPlan? currentSlot, DateTimeOffset now)
    {
        if (plan is null)
        {
            return "No plan yet";
        }

        // A fallback plan is the self-consumption rule's, which safe mode follows anyway.
        if (!plan.SolverStatus.HasSolution())
        {
            return $"The last solve failed (solver status '{SolveStatusText.Of(plan.SolverStatus)}')";
        }

        var age = now - plan.CreatedAt;
        if (age > MaxPlanAge)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The plan is {Math.Floor(age.TotalMinutes):0} minutes old (more than {MaxPlanAge.TotalMinutes:0})");
        }

        return currentSlot is null ? $"The plan has no slot for {InstantText.Format(SlotGrid.Floor(now))}" : null;
    }

    public static ExecutorDecision Decide(DarkstarOptions options, ExecutorInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputs);
        var settings = inputs.Settings;
        var planProblem = PlanProblem(inputs.Plan, inputs.CurrentSlot, inputs.Now);
        var usableSlot = planProblem is null ? inputs.CurrentSlot : null;
        var planId = planProblem is null ? inputs.Plan?.Id : null;
        var planCreatedAt = planProblem is null ? inputs.Plan?.CreatedAt : null;

        if (!inputs.HomeAssistantConnected)
        {
            // Nothing can reach the inverter; it runs on whatever it was last told, and we say so. The client keeps
            // reconnecting by itself, so this is a fallback (degraded), not a failure of the executor.
            return new ExecutorDecision
            {
                Health = DarkstarStatus.Degraded,
                Reason = "Home Assistant connection lost: safe mode, nothing can be commanded until it is back",
                Mode = ExecutionMode.SafeMode,
                PlannedAction = usableSlot?.Action,
                Override = settings.Override,
                PlanId = planId,
                Targets = [],
                LimitNotes = [],
            };
        }

        if (!settings.ExecutorEnabled)
        {
            return new ExecutorDecision
            {
                Health = DarkstarStatus.Ok,
                Reason = "Executor switched off: commanding nothing",
                Mode = ExecutionMode.Disabled,
                PlannedAction = usableSlot?.Action,
                Override = settings.Override,
                PlanId = planId,
                Targets = [],
                LimitNotes = [],
            };
        }

        var limits = Limits.From(options, settings);
        var notes = new List<string>(limits.Notes);
        Intent intent;
        ExecutionMode mode;
        if (settings.Override != ManualOverride.Auto)
        {
            mode = ExecutionMode.ManualOverride;
            intent = OverrideIntent(settings.Override, limits);
        }
        else if (usableSlot is not null)
        {
            mode = ExecutionMode.FollowingPlan;
            intent = PlanIntent(usableSlot, inputs.MeasuredSocPercent, limits, PeakFeeSpec.FromOptions(options.PeakFee) is not null);
        }
        else
        {
            mode = ExecutionMode.SafeMode;
            intent = Intent.SelfConsumption;
        }

        var action = mode == ExecutionMode.SafeMode ? CommandedAction.SelfConsumption : ApplySafety(intent.Action, inputs.MeasuredSocPercent, limits, notes);
        var targets = BuildTargets(options, limits, intent, action, mode, usableSlot, notes);

        var reasons = new List<string>();
        var health = DarkstarStatus.Ok;
        if (planProblem is not null)
        {
            health = DarkstarStatus.Degraded;
            reasons.Add(mode == ExecutionMode.SafeMode
                ? $"{planProblem}: safe mode (self-consumption)"
                : $"{planProblem}; following the manual override");
        }

        if (mode == ExecutionMode.ManualOverride && planProblem is null)
        {
            reasons.Add($"Manual override {ManualOverrideText.ToText(settings.Override)}");
        }

        if (notes.Count > 0)
        {
            health = DarkstarStatus.Degraded;
            reasons.AddRange(notes);
        }

        if (settings.ShadowMode)
        {
            reasons.Add("Shadow mode: logging what it would command, commanding nothing");
        }

        return new ExecutorDecision
        {
            Health = health,
            Reason = reasons.Count == 0 ? null : string.Join("; ", reasons),
            Mode = mode,
            PlannedAction = usableSlot?.Action,
            CommandedAction = action,
            Override = settings.Override,
            PlanId = planId,
            PlanCreatedAt = planCreatedAt,
            MeasuredSocPercent = inputs.MeasuredSocPercent,
            Targets = targets,
            LimitNotes = notes,
        };
    }

    /// <summary>What the battery is asked for before the SoC rules: the action and its powers and SoC target.</summary>
    private sealed record Intent(CommandedAction Action, double? ChargeKw, double? DischargeKw, double? SocTargetPercent, bool GridCharging)
    {
        /// <summary>True when a user's manual block asks for this: a hold is then the inverter's hold, which keeps the PV surplus out too.</summary>
        public bool ManualBlock { get; init; }

        public static Intent SelfConsumption { get; } = new(CommandedAction.SelfConsumption, null, null, null, false);
    }

    /// <summary>
    /// The plan's slot as <see cref="SlotExecution"/> reads it (the rule the benchmark's closed loop simulates): grid
    /// charging and export from the battery at the planned power to the slot's target SoC; PV that the plan sells
    /// while the battery has room at a price that beats storing it, with charging limited to the planned energy; everything else self-consumption, so
    /// the battery absorbs the forecast error, holding where the plan keeps energy for later and the SoC is at the
    /// plan's target for the slot (the tick runs every minute, so it holds from the moment the SoC gets there).
    /// </summary>
    private static Intent PlanIntent(SlotPlan slot, double? socPercent, Limits limits, bool underPeakFee = false)
    {
        if (slot.ManualBlock is { } block && BlockIntent(block, slot, limits) is { } manual)
        {
            return manual with { ManualBlock = true };
        }

        switch (SlotExecution.Of(slot.Action, slot.ChargeKwh, slot.DischargeKwh, slot.ImportKwh, slot.ExportKwh, slot.SocEndPercent, limits.MaxSocPercent))
        {
            case SlotMode.GridCharge:
                return new Intent(CommandedAction.Charge, slot.ChargeKwh / SlotHours, null, slot.SocEndPercent, true);
            case SlotMode.Export:
                // Under a peak fee the house's import counts. The inverter's SoC target is a whole percent: rounded up, it
                // stops the export above the plan's end SoC, where an export mode covers no load and the house imports what
                // the plan had the battery give (July's peak). Rounded down, the battery gives at most a percent more.
                return new Intent(
                    CommandedAction.Export, null, slot.DischargeKwh / SlotHours, underPeakFee ? Math.Floor(slot.SocEndPercent + 1e-6) : slot.SocEndPercent, false);
            case SlotMode.PvExport:
                return new Intent(CommandedAction.Charge, slot.ChargeKwh / SlotHours, null, slot.SocEndPercent, false);
        }

        if (slot.Action == Core.Domain.PlannedAction.Discharge)
        {
            // The SoC rules (ApplySafety) hold a discharge at or below the minimum, or when the SoC is unknown.
            if (socPercent is not { } soc || soc <= limits.MinSocPercent)
            {
                return new Intent(CommandedAction.Discharge, null, null, null, false);
            }
        }

        var floor = SlotExecution.FloorPercent(slot.Action, slot.ImportKwh, slot.SocEndPercent, limits.MinSocPercent, limits.MaxSocPercent);
        // A slot the plan holds or idles in plans no discharge: a SoC a few tenths above its floor (the reading's rounding,
        // a plan made on a SoC a moment older) holds too, rather than discharge for a minute down to the floor and hold again.
        var holdAt = slot.Action is Core.Domain.PlannedAction.Hold or Core.Domain.PlannedAction.Idle ? floor + SlotExecution.SocTolerancePercent : floor;
        return floor > limits.MinSocPercent && socPercent is { } measured && measured <= holdAt
            ? new Intent(CommandedAction.Hold, null, null, null, false)
            : Intent.SelfConsumption;
    }

    /// <summary>
    /// A user's manual block as the plan carries it out, whatever the price: a charge block charges from the grid at the
    /// planned power (and holds where the plan charges later in the block), a discharge block covers the house at full power
    /// without charging (or exports what the plan exports), an export block exports at the planned power, a hold block holds. The SoC rules
    /// (<see cref="ApplySafety"/>) still win. A water heater block leaves the battery to the plan: null.
    /// </summary>
    private static Intent? BlockIntent(BlockAction block, SlotPlan slot, Limits limits)
    {
        var hold = new Intent(CommandedAction.Hold, null, null, null, false);
        return block switch
        {
            BlockAction.Hold => hold,
            BlockAction.Charge => slot.ChargeKwh > EnergyEpsilonKwh
                ? new Intent(CommandedAction.Charge, slot.ChargeKwh / SlotHours, null, slot.SocEndPercent, true)
                : hold,
            BlockAction.Discharge or BlockAction.Export when slot.ExportKwh > EnergyEpsilonKwh && slot.DischargeKwh > EnergyEpsilonKwh =>
                new Intent(CommandedAction.Export, null, slot.DischargeKwh / SlotHours, slot.SocEndPercent, false),
            // Self-consumption that never charges: the battery follows the house's actual load, down to the inverter's floor.
            BlockAction.Discharge => new Intent(CommandedAction.SelfConsumption, 0, limits.MaxDischargeKw, null, false),
            BlockAction.Export => hold,
            _ => null,
        };
    }

    private static Intent OverrideIntent(ManualOverride manual, Limits limits) => manual switch
    {
        ManualOverride.ForceCharge => new Intent(CommandedAction.Charge, limits.MaxChargeKw, null, limits.MaxSocPercent, true),
        ManualOverride.ForceDischarge => new Intent(CommandedAction.Discharge, null, limits.MaxDischargeKw, limits.MinSocPercent, false),
        ManualOverride.ForceExport => new Intent(CommandedAction.Export, null, limits.MaxDischargeKw, limits.MinSocPercent, false),
        ManualOverride.Hold => new Intent(CommandedAction.Hold, null, null, null, false),
        _ => Intent.SelfConsumption,
    };

    /// <summary>The SoC and export rules: no discharge at or below the minimum SoC, no charge at or above the maximum, no export when not allowed.</summary>
    private static CommandedAction ApplySafety(CommandedAction wanted, double? socPercent, Limits limits, List<string> notes)
    {
        var action = wanted;
        if (action == CommandedAction.Export && !limits.ExportAllowed)
        {
            notes.Add("Export is not allowed: self-consumption instead");
            action = CommandedAction.SelfConsumption;
        }

        if (action is CommandedAction.Discharge or CommandedAction.Export)
        {
            if (socPercent is not { } soc)
            {
                notes.Add($"The battery's SoC is unknown, so the minimum SoC cannot be kept: hold instead of {ExecutionText.Of(action)}");
                return CommandedAction.Hold;
            }

            if (soc <= limits.MinSocPercent)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"SoC {soc:0.#} % is at or below the minimum {limits.MinSocPercent:0.#} %: hold instead of {ExecutionText.Of(action)}"));
                return CommandedAction.Hold;
            }
        }

        if (action == CommandedAction.Charge && socPercent is { } measured && measured >= limits.MaxSocPercent)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"SoC {measured:0.#} % is at or above the maximum {limits.MaxSocPercent:0.#} %: hold instead of charge"));
            return CommandedAction.Hold;
        }

        return action;
    }

    private static List<EntityTarget> BuildTargets(
        DarkstarOptions options, Limits limits, Intent intent, CommandedAction action, ExecutionMode mode, SlotPlan? slot, List<string> notes)
    {
        var executor = options.Executor;
        var targets = new List<EntityTarget>();
        // The plan's hold keeps the battery's energy, not the sun's: an inverter's hold (standby) mode exports the PV
        // surplus the battery could store. Where the discharge power can be set, the plan's hold is self-consumption with
        // no discharge, so the surplus is still stored (in May, the hold mode gave away all the planner's gain).
        var holdInSelfConsumption = action == CommandedAction.Hold && mode == ExecutionMode.FollowingPlan && !intent.ManualBlock && executor.MaxDischargePowerEntity is not null;
        if (executor.WorkModeEntity is { } workModeEntity)
        {
            var option = holdInSelfConsumption ? executor.WorkModeSelfConsumption : WorkModeOption(executor, action);
            if (option is null)
            {
                notes.Add($"executor.{WorkModeOptionName(action)} is not set: the work mode is left as it is");
            }
            else
            {
                targets.Add(new SelectOptionTarget(ActuatorRole.WorkMode, workModeEntity, option));
            }
        }

        if (executor.GridChargingEntity is { } gridChargingEntity)
        {
            targets.Add(new SwitchTarget(ActuatorRole.GridCharging, gridChargingEntity, action == CommandedAction.Charge && intent.GridCharging));
        }

        // Charging and discharging are limited to what was asked; every other mode gets the full allowed
        // power back, so that a limit left from an earlier slot does not throttle the inverter's own self-consumption.
        var (chargeKw, dischargeKw) = action switch
        {
            CommandedAction.Charge => (intent.ChargeKw, (double?)null),
            CommandedAction.Discharge or CommandedAction.Export => (null, intent.DischargeKw),
            CommandedAction.Hold when holdInSelfConsumption => (limits.MaxChargeKw, 0),
            CommandedAction.SelfConsumption when intent.ManualBlock => (intent.ChargeKw, intent.DischargeKw),
            _ => (limits.MaxChargeKw, limits.MaxDischargeKw),
        };
        AddPowerTarget(targets, notes, ActuatorRole.MaxChargePower, executor.MaxChargePowerEntity, executor.MaxChargePowerUnit, executor.BatteryVoltage,
            chargeKw, limits.MaxChargeKw, "charge", "battery.max_charge_kw");
        AddPowerTarget(targets, notes, ActuatorRole.MaxDischargePower, executor.MaxDischargePowerEntity, executor.MaxDischargePowerUnit, executor.BatteryVoltage,
            dischargeKw, limits.MaxDischargeKw, "discharge", "battery.max_discharge_kw");

        if (executor.SocTargetEntity is { } socTargetEntity && action is CommandedAction.Charge or CommandedAction.Discharge or CommandedAction.Export &&
            intent.SocTargetPercent is { } wantedSoc)
        {
            var rounded = Math.Round(wantedSoc, 0, MidpointRounding.AwayFromZero);
            var clamped = Math.Clamp(rounded, limits.MinSocPercent, limits.MaxSocPercent);
            string? note = null;
            if (wantedSoc < limits.MinSocPercent - SocNoteTolerancePercent || wantedSoc > limits.MaxSocPercent + SocNoteTolerancePercent)
            {
                note = string.Create(CultureInfo.InvariantCulture,
                    $"SoC target {wantedSoc:0.#} % is outside {limits.MinSocPercent:0.#}–{limits.MaxSocPercent:0.#} %: clamped to {clamped:0.#} %");
                notes.Add(note);
            }

            targets.Add(new NumberValueTarget(ActuatorRole.SocTarget, socTargetEntity, clamped, 1) { ClampNote = note });
        }

        // The inverter's own floor keeps the minimum SoC between ticks and in every mode, safe mode above all: rounded up,
        // so that the entity's whole percent is never below it.
        if (executor.DischargeFloorEntity is { } floorEntity)
        {
            targets.Add(new NumberValueTarget(ActuatorRole.DischargeFloor, floorEntity, Math.Ceiling(limits.MinSocPercent - SocNoteTolerancePercent), 1));
        }

        // The water heater follows the plan only; without a usable plan it is left as it is.
        if (executor.WaterHeaterEntity is { } waterHeaterEntity && options.WaterHeating.Enabled && slot is not null && mode != ExecutionMode.SafeMode)
        {
            targets.Add(waterHeaterEntity.StartsWith("water_heater.", StringComparison.Ordinal)
                ? new WaterHeaterTemperatureTarget(ActuatorRole.WaterHeater, waterHeaterEntity,
                    slot.WaterOn ? executor.WaterHeaterOnTemperature : executor.WaterHeaterOffTemperature)
                : new SwitchTarget(ActuatorRole.WaterHeater, waterHeaterEntity, slot.WaterOn));
        }

        // The car's charger and the flexible loads' switches, like the water heater, follow the plan only.
        if (slot is not null && mode != ExecutionMode.SafeMode)
        {
            targets.AddRange(Car.CarCharging.Targets(options.Car, slot));
            targets.AddRange(FlexibleLoadSwitching.Targets(options.FlexibleLoads, slot));
        }

        return targets;
    }

    private static void AddPowerTarget(
        List<EntityTarget> targets, List<string> notes, ActuatorRole role, string? entityId, PowerUnit unit, double? batteryVoltage,
        double? wantedKw, double limitKw, string what, string limitOption)
    {
        if (entityId is null || wantedKw is not { } wanted)
        {
            return;
        }

        var clampedKw = Math.Clamp(double.IsFinite(wanted) ? wanted : 0, 0, limitKw);
        string? note = null;
        if (!double.IsFinite(wanted) || wanted > limitKw + PowerNoteToleranceKw || wanted < -PowerNoteToleranceKw)
        {
            note = string.Create(CultureInfo.InvariantCulture,
                $"{what} power {wanted:0.###} kW is outside 0–{limitKw:0.###} kW ({limitOption}): clamped to {clampedKw:0.###} kW");
            notes.Add(note);
        }

        double value;
        try
        {
            value = PowerLimitConverter.FromKilowatts(clampedKw, unit, batteryVoltage);
        }
        catch (ArgumentException ex)
        {
            notes.Add($"{entityId} is left as it is: {ex.Message}");
            return;
        }

        targets.Add(new NumberValueTarget(role, entityId, value, PowerLimitConverter.Resolution(unit)) { ClampNote = note });
    }

    private static string? WorkModeOption(ExecutorOptions executor, CommandedAction action) => action switch
    {
        CommandedAction.Charge => executor.WorkModeCharge,
        CommandedAction.Discharge => executor.WorkModeDischarge,
        CommandedAction.Hold => executor.WorkModeHold,
        CommandedAction.Export => executor.WorkModeExport,
        _ => executor.WorkModeSelfConsumption,
    };

    private static string WorkModeOptionName(CommandedAction action) => "work_mode_" + ExecutionText.Of(action);

    /// <summary>The limits in force: the stricter of the options and the user's run-time settings.</summary>
    private sealed record Limits(double MinSocPercent, double MaxSocPercent, double MaxChargeKw, double MaxDischargeKw, bool ExportAllowed, IReadOnlyList<string> Notes)
    {
        public static Limits From(DarkstarOptions options, ExecutorRuntimeSettings settings)
        {
            var notes = new List<string>();
            var min = Math.Max(options.Battery.MinSocPercent, Finite(settings.MinSocPercent, options.Battery.MinSocPercent));
            var max = Math.Min(options.Battery.MaxSocPercent, Finite(settings.MaxSocPercent, options.Battery.MaxSocPercent));
            if (max < min)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"The maximum SoC {max:0.#} % is below the minimum {min:0.#} %: both held at {min:0.#} %"));
                max = min;
            }

            return new Limits(min, max, options.Battery.MaxChargeKw, options.Battery.MaxDischargeKw, options.Grid.ExportAllowed && settings.AllowExport, notes);
        }

        private static double Finite(double value, double fallback) => double.IsFinite(value) ? value : fallback;
    }
}
