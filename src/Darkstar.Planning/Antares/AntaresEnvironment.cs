using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;

namespace Darkstar.Planning.Antares;

/// <summary>
/// What an action asks of one slot, kWh: the battery's AC charge and discharge, and the energy to export to the grid
/// (the battery discharges more if PV and the discharge asked do not reach it). A discharge covers the load and the
/// export asked, no more.
/// </summary>
public readonly record struct AntaresAction(double ChargeKwh, double DischargeKwh, double ExportKwh);

/// <summary>
/// What a step did: the action as carried out, what was clipped (empty when nothing), whether the MPC's plan decided,
/// the grid's energy, the SoC after, and the reward's parts in the home's currency.
/// </summary>
public sealed record AntaresStepInfo(
    DateTimeOffset Slot, AntaresAction Applied, IReadOnlyList<string> Clipped, bool FollowedPlan, double ImportKwh, double ExportKwh,
    double SocEndPercent, double ImportCost, double ExportRevenue, double Wear, double TerminalCredit)
{
    /// <summary>The executor's intent the slot ran on: the MPC's plan slot (a null action) or the one asked; null for an action in kWh.</summary>
    public ExecutorIntent? Intent { get; init; }
}

public sealed record AntaresStep(double[] State, double Reward, bool Done, AntaresStepInfo Info);

/// <summary>
/// The Antares environment over one local day (docs/antares.md): <see cref="Reset"/> gives the first state,
/// <see cref="Step"/> carries out one slot against what was measured and returns the next state and the reward,
/// −(import cost − export revenue + wear), the planner's own cost terms, plus at the day's end the credit for the energy
/// the battery gained. A null action follows the MPC: it plans as the closed loop does (every
/// <see cref="ReplanSlots"/> on the day-ahead prices known and the 7-day baseline) and carries the slot out by the
/// executor's rule. Deterministic: the same day and actions give the same rewards to the bit.
/// </summary>
public sealed class AntaresEnvironment(ActualSeries actual, BatterySpec battery, GridSpec grid, TimeZoneInfo zone)
{
    private const double Tolerance = 1e-9;

    private AntaresDay? _day;
    private int _t;
    private double _socKwh;
    private double _startKwh;
    private Schedule? _plan;
    private int _planAt;

    /// <summary>Slots between the MPC's plans when a null action asks for one.</summary>
    public int ReplanSlots { get; init; } = 4;

    public int HorizonSlots { get; init; } = 192;

    public BatterySpec Battery => battery;

    /// <summary>The day being run (after <see cref="Reset"/>).</summary>
    public AntaresDay Day => _day ?? throw new InvalidOperationException("Reset the environment to a day first.");

    public int Position => _t;

    public double SocKwh => _socKwh;

    /// <summary>Plans the MPC solved since the last reset.</summary>
    public int Solves { get; private set; }

    /// <summary>Starts <paramref name="day"/> with the battery at <paramref name="initialSocPercent"/> (its minimum if null); returns the first state.</summary>
    public double[] Reset(DateOnly day, double? initialSocPercent = null) => Reset(DayOf(day), initialSocPercent);

    /// <summary>A day of the environment's series; throws <see cref="ArgumentException"/> saying what it lacks.</summary>
    public AntaresDay DayOf(DateOnly day) => AntaresDay.From(actual, day, zone, battery, grid);

    /// <summary>As the other overload, on a day already read (a policy's evaluation reads each day once).</summary>
    public double[] Reset(AntaresDay day, double? initialSocPercent = null)
    {
        ArgumentNullException.ThrowIfNull(day);
        _day = day;
        _t = 0;
        _socKwh = battery.ToKwh(initialSocPercent ?? battery.MinSocPercent);
        _startKwh = _socKwh;
        _plan = null;
        Solves = 0;
        return AntaresState.Of(day, 0, _socKwh);
    }

    /// <summary>Carries out the slot; null follows the MPC's plan.</summary>
    public AntaresStep Step(AntaresAction? action)
    {
        var t = CurrentSlot();
        var problem = Day.Problem;
        var clipped = new List<string>(0);
        if (action is { } asked)
        {
            var (charge, discharge, exportTarget) = Clip(asked, problem.LoadKwh[t], problem.PvKwh[t], clipped);
            return Carry(charge, discharge, exportTarget, clipped, followedPlan: false, intent: null);
        }

        return Carry(PlannedSlotExecution.Intent(PlannedSlot(), battery), clipped, followedPlan: true);
    }

    /// <summary>
    /// Carries out the slot as the executor runs <paramref name="intent"/>, the way it runs a plan's slot: against the
    /// slot's measured load and PV, within the battery's limits (a target or floor outside its SoC limits, and negative
    /// or non-finite energy, are clipped and named).
    /// </summary>
    public AntaresStep Step(ExecutorIntent intent)
    {
        _ = CurrentSlot();
        var clipped = new List<string>(0);
        if (!double.IsFinite(intent.ChargeKwh) || !double.IsFinite(intent.DischargeKwh) || intent.ChargeKwh < 0 || intent.DischargeKwh < 0)
        {
            clipped.Add("negative or not a number: taken as 0");
            intent = intent with
            {
                ChargeKwh = double.IsFinite(intent.ChargeKwh) ? Math.Max(0, intent.ChargeKwh) : 0,
                DischargeKwh = double.IsFinite(intent.DischargeKwh) ? Math.Max(0, intent.DischargeKwh) : 0,
            };
        }

        var target = ClampSoc(intent.TargetSocPercent, "target SoC", clipped);
        var floor = ClampSoc(intent.FloorSocPercent, "floor SoC", clipped);
        return Carry(intent with { TargetSocPercent = target, FloorSocPercent = floor }, clipped, followedPlan: false);
    }

    private double ClampSoc(double percent, string what, List<string> clipped)
    {
        if (double.IsFinite(percent) && percent >= battery.MinSocPercent - Tolerance && percent <= battery.MaxSocPercent + Tolerance)
        {
            return Math.Clamp(percent, battery.MinSocPercent, battery.MaxSocPercent);
        }

        clipped.Add($"{what} outside the battery's SoC limits");
        return double.IsFinite(percent) ? Math.Clamp(percent, battery.MinSocPercent, battery.MaxSocPercent) : battery.MinSocPercent;
    }

    /// <summary>The slot now; throws when the day is done.</summary>
    private int CurrentSlot()
    {
        var day = Day;
        return _t < day.Slots.Count ? _t : throw new InvalidOperationException($"{DayText.Format(day.Day)} is done; reset to another day.");
    }

    private AntaresStep Carry(ExecutorIntent intent, List<string> clipped, bool followedPlan)
    {
        var problem = Day.Problem;
        var (charge, discharge) = ClosedLoop.ExecuteIntent(intent, battery, _socKwh, Math.Max(0, problem.LoadKwh[_t]) - Math.Max(0, problem.PvKwh[_t]));
        return Carry(charge, discharge, 0, clipped, followedPlan, intent);
    }

    private AntaresStep Carry(double charge, double discharge, double exportTarget, List<string> clipped, bool followedPlan, ExecutorIntent? intent)
    {
        var day = Day;
        var problem = day.Problem;
        var load = problem.LoadKwh[_t];
        var pv = problem.PvKwh[_t];
        var step = Baselines.GridTakesTheRest(problem, _t, load, pv, _socKwh, charge, discharge);
        var importCost = step.Import * problem.ImportPrice[_t];
        var exportRevenue = step.Export * problem.ExportPrice[_t];
        var wear = (step.Charge + step.Discharge) * battery.CycleCostPerKwh;
        var slot = day.Slots[_t];
        _socKwh = step.SocEndKwh;
        _t++;
        var done = _t == day.Slots.Count;
        var credit = done ? (_socKwh - _startKwh) * problem.TerminalValuePerKwh!.Value : 0;
        var state = done ? AntaresState.Of(day, _t - 1, _socKwh) : AntaresState.Of(day, _t, _socKwh);
        var info = new AntaresStepInfo(
            slot, new AntaresAction(step.Charge, step.Discharge, Math.Max(exportTarget, step.Export)), clipped, followedPlan, step.Import, step.Export,
            battery.ToPercent(_socKwh), importCost, exportRevenue, wear, credit)
        {
            Intent = intent,
        };
        return new AntaresStep(state, -(importCost - exportRevenue + wear) + credit, done, info);
    }

    /// <summary>The action within the battery's and the grid's limits; each limit that cut it is named in <paramref name="clipped"/>.</summary>
    private (double Charge, double Discharge, double Export) Clip(AntaresAction asked, double load, double pv, List<string> clipped)
    {
        var charge = asked.ChargeKwh;
        var discharge = asked.DischargeKwh;
        var export = asked.ExportKwh;
        if (!double.IsFinite(charge) || !double.IsFinite(discharge) || !double.IsFinite(export) || charge < 0 || discharge < 0 || export < 0)
        {
            clipped.Add("negative or not a number: taken as 0");
            charge = double.IsFinite(charge) ? Math.Max(0, charge) : 0;
            discharge = double.IsFinite(discharge) ? Math.Max(0, discharge) : 0;
            export = double.IsFinite(export) ? Math.Max(0, export) : 0;
        }

        if (charge > Tolerance && discharge > Tolerance)
        {
            clipped.Add("charge and discharge together: netted");
            (charge, discharge) = charge >= discharge ? (charge - discharge, 0.0) : (0.0, discharge - charge);
        }

        if (export > grid.MaxExportKwhPerSlot + Tolerance)
        {
            clipped.Add(grid.ExportAllowed ? "export above the grid's limit" : "export not allowed");
            export = grid.MaxExportKwhPerSlot;
        }

        // Export beyond what PV leaves over: the battery discharges the rest (never while it charges).
        var surplus = Math.Max(0, pv) - Math.Max(0, load) - charge;
        if (export > surplus + discharge + Tolerance)
        {
            if (charge > Tolerance)
            {
                clipped.Add("export beyond the PV surplus while charging");
            }
            else
            {
                discharge = export - surplus;
            }
        }

        // The battery covers the load and sends to the grid only what is asked to be exported, as an inverter's
        // discharge does: a discharge beyond both would only export at the export price what was never asked for.
        var deficit = Math.Max(0, load) - Math.Max(0, pv);
        if (discharge > Math.Max(0, deficit) + Math.Max(0, export - Math.Max(0, -deficit)) + Tolerance)
        {
            clipped.Add("discharge beyond the load and the export asked");
            discharge = Math.Max(0, deficit) + Math.Max(0, export - Math.Max(0, -deficit));
        }

        var room = Math.Max(0, (battery.MaxKwh - _socKwh) / battery.ChargeEfficiency);
        var available = Math.Max(0, (_socKwh - battery.MinKwh) * battery.DischargeEfficiency);
        charge = Limit(charge, battery.MaxChargeKwhPerSlot, "charge above the battery's power", clipped);
        charge = Limit(charge, room, "charge above the battery's maximum SoC", clipped);
        discharge = Limit(discharge, battery.MaxDischargeKwhPerSlot, "discharge above the battery's power", clipped);
        discharge = Limit(discharge, available, "discharge below the battery's minimum SoC", clipped);
        return (charge, discharge, export);
    }

    private static double Limit(double value, double limit, string what, List<string> clipped)
    {
        if (value <= limit + Tolerance)
        {
            return Math.Min(value, Math.Max(limit, 0));
        }

        clipped.Add(what);
        return Math.Max(limit, 0);
    }

    /// <summary>The MPC's slot now: a new plan when none is in force or it is <see cref="ReplanSlots"/> old.</summary>
    private ScheduledSlot PlannedSlot()
    {
        var day = Day;
        if (_plan is null || _t - _planAt >= ReplanSlots || _t - _planAt >= _plan.Slots.Count)
        {
            var index = day.Slots.FirstIndex + _t;
            var settings = new ClosedLoopSettings
            {
                Battery = battery,
                Grid = grid,
                TimeZone = zone,
                Period = day.Slots,
                InitialSocPercent = battery.ToPercent(_socKwh),
                FinalCreditPerKwh = day.Problem.TerminalValuePerKwh!.Value,
                Forecast = ClosedLoopForecast.Baseline,
                ReplanSlots = ReplanSlots,
                HorizonSlots = HorizonSlots,
            };
            var end = Math.Min(Math.Min(index + HorizonSlots, actual.Range.EndIndex), PriceAvailability.DayAhead(zone)(index));
            end = Math.Max(end, index + 1);
            var (problem, _) = ClosedLoop.PlanAt(actual, settings, new SlotRange(index, (int)(end - index)), _socKwh);
            _plan = KeplerModel.Solve(problem);
            _planAt = _t;
            Solves++;
        }

        return _plan.Slots[_t - _planAt];
    }
}
