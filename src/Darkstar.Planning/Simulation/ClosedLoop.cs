using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Forecasts;
using Darkstar.Planning.Model;
using Darkstar.Planning.Solver;

namespace Darkstar.Planning.Simulation;

/// <summary>What actually happened, per slot of <see cref="Range"/>: load and PV in kWh (null where not observed) and prices.</summary>
public sealed record ActualSeries(SlotRange Range, double?[] Load, double?[] Pv, double?[] ImportPrice, double?[] ExportPrice)
{
    public int PositionOf(long slotIndex) => (int)(slotIndex - Range.FirstIndex);

    /// <summary>
    /// What a forecast may learn from, per slot: the measured values only, never one spread across a gap
    /// (<see cref="SlotMeasurement.Of"/>); null when <see cref="Load"/> and <see cref="Pv"/> are all measured.
    /// </summary>
    public MeasuredSlot[]? Measurements { get; init; }

    /// <summary>What was measured in slot <paramref name="slotIndex"/>; nothing outside the range.</summary>
    public MeasuredSlot Measured(long slotIndex)
    {
        var i = PositionOf(slotIndex);
        if (i < 0 || i >= Range.Count)
        {
            return MeasuredSlot.Nothing;
        }

        return Measurements is { } measurements ? measurements[i] : new MeasuredSlot(Load[i], Pv[i]);
    }
}

/// <summary>The forecast the closed loop's planner sees.</summary>
public enum ClosedLoopForecast
{
    /// <summary>The actual load and PV: measures the planner alone.</summary>
    Perfect,

    /// <summary>The 7-day baseline (<see cref="PlanningForecast.Baseline"/>) of what was measured before each plan.</summary>
    Baseline,

    /// <summary>What <see cref="ClosedLoopSettings.ForecastSource"/> issues at each plan time (e.g. Aurora, walk-forward).</summary>
    Supplied,
}

/// <summary>A forecast issued at a plan time, for the closed loop: it may read only what was known before <c>planTime</c>.</summary>
public interface IPlanningForecastSource
{
    /// <summary>Load and PV for every slot of <paramref name="horizon"/>, issued at <paramref name="planTime"/> (the horizon's start).</summary>
    PlanningForecast Forecast(DateTimeOffset planTime, SlotRange horizon);
}

/// <summary>
/// The executor itself in the closed loop: it carries out one slot of a plan tick by tick against the actual load and PV,
/// commanding a model of the inverter as the service commands the real one, and counts what it commands. Darkstar.Execution
/// owns the rule, so the caller supplies it.
/// </summary>
public interface IClosedLoopExecutor
{
    /// <summary>
    /// Runs slot <paramref name="position"/> of <paramref name="plan"/> (made at <paramref name="planTime"/>) from
    /// <paramref name="socKwh"/> against the slot's actual <paramref name="loadKwh"/> and <paramref name="pvKwh"/>, spread
    /// evenly over it; returns the battery's AC charge and discharge over the slot, kWh.
    /// </summary>
    (double ChargeKwh, double DischargeKwh) ExecuteSlot(Schedule plan, DateTimeOffset planTime, int position, double socKwh, double loadKwh, double pvKwh);
}

/// <summary>How a planned slot is carried out against what actually happens.</summary>
public enum ClosedLoopExecution
{
    /// <summary>The battery charges or discharges the planned energy (within its limits); the grid takes the rest.</summary>
    PlannedPower,

    /// <summary>
    /// The planned action picks the inverter's mode, as the executor's work modes do: charge and export run at the
    /// planned energy (charge also takes any larger PV surplus), hold never discharges but stores PV surplus, and
    /// discharge and idle run self-consumption (cover the actual net load, store the actual surplus).
    /// </summary>
    ActionModes,

    /// <summary>
    /// What the executor commands (ExecutionPolicy, by <see cref="SlotExecution"/>), the battery absorbing the forecast
    /// error: a slot that charges from the grid charges at the planned power up to the slot's target SoC; a slot that
    /// exports from the battery discharges at the planned power down to its target SoC; a slot that exports PV while the
    /// battery has room charges at most the planned energy from PV; every other slot runs self-consumption (store the
    /// actual surplus, cover the actual net load at full power), never below the plan's target SoC where the plan
    /// keeps energy back for later (it imports while the battery holds more than its minimum): there it holds.
    /// </summary>
    Executor,
}

/// <summary>When prices become known: the horizon a plan made at a given slot can see, as an end slot index.</summary>
public static class PriceAvailability
{
    /// <summary>
    /// Day-ahead markets publish tomorrow's prices around noon: from <paramref name="publishedAtLocalHour"/> local time
    /// on, prices are known to the end of tomorrow; before it, to the end of today.
    /// </summary>
    public static Func<long, long> DayAhead(TimeZoneInfo zone, int publishedAtLocalHour = DayAheadPrices.PublishedLocalHour)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return slotIndex =>
        {
            var instant = SlotGrid.StartOf(slotIndex);
            var local = TimeZoneInfo.ConvertTime(instant, zone);
            var today = DateOnly.FromDateTime(local.DateTime);
            var lastKnownDay = local.Hour >= publishedAtLocalHour ? today.AddDays(1) : today;
            return SlotGrid.IndexOf(SlotGrid.StartOfLocalDay(lastKnownDay.AddDays(1), zone));
        };
    }
}

public sealed record ClosedLoopSettings
{
    public required BatterySpec Battery { get; init; }

    public required GridSpec Grid { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>The slots the closed loop is costed over; the series must cover them (and, for forecasts, the days before).</summary>
    public required SlotRange Period { get; init; }

    public int ReplanSlots { get; init; } = 4;

    public int HorizonSlots { get; init; } = 192;

    public required double InitialSocPercent { get; init; }

    /// <summary>What a kWh left in the battery at the end is worth, the same for every strategy.</summary>
    public required double FinalCreditPerKwh { get; init; }

    /// <summary>
    /// Plans that reach the period's end stop there and value the energy left at <see cref="FinalCreditPerKwh"/>, as the
    /// Oracle does: the MPC and the Oracle are judged on the same terms. Off, the MPC plans past the period as if it went on.
    /// </summary>
    public bool PlanToPeriodEnd { get; init; }

    public ClosedLoopForecast Forecast { get; init; } = ClosedLoopForecast.Perfect;

    public ClosedLoopExecution Execution { get; init; } = ClosedLoopExecution.Executor;

    /// <summary>The forecast when <see cref="Forecast"/> is <see cref="ClosedLoopForecast.Supplied"/>.</summary>
    public IPlanningForecastSource? ForecastSource { get; init; }

    /// <summary>The S-index margin the MPC plans with; null plans at p50.</summary>
    public SIndexOptions? SIndex { get; init; }

    /// <summary>
    /// The share of the p50→p90 load and p50→p10 PV spread the cautious plan that confirms battery export is made on
    /// (<see cref="CautiousExport"/>); 0 exports as the p50 plan says.
    /// </summary>
    public double ExportCaution { get; init; }

    /// <summary>
    /// With <see cref="ClosedLoopExecution.Executor"/>, the executor's own rule ticking against an inverter model; null
    /// runs each slot by the slot-level reading of that rule (<see cref="SlotExecution"/>) instead.
    /// </summary>
    public IClosedLoopExecutor? Executor { get; init; }

    /// <summary>Manual slot actions every plan takes as constraints (<see cref="ForcedSlot"/>), by slot start.</summary>
    public IReadOnlyDictionary<DateTimeOffset, ForcedSlot> Forced { get; init; } = new Dictionary<DateTimeOffset, ForcedSlot>();

    /// <summary>Maps a plan's slot index to the end of the prices known then; null sees the whole series.</summary>
    public Func<long, long>? PriceHorizon { get; init; }

    /// <summary>
    /// The grid's peak fee every plan (and the Oracle) takes into account, each plan from the peak the executed slots reached
    /// so far in the period; null plans without it.
    /// </summary>
    public PeakFeeSpec? PeakFee { get; init; }

    /// <summary>The electric car the loop charges beside the battery (the Oracle knows all its stays); null: no car.</summary>
    public ClosedLoopCar? Car { get; init; }
}

/// <summary>
/// One slot the MPC carried out: the SoC it started from, what the plan in force said (charge, discharge and export,
/// kWh), what the battery and the grid did against the actual load and PV, and the slot's realised cost
/// (import cost − export revenue + wear).
/// </summary>
public sealed record ClosedLoopSlot(
    DateTimeOffset Start, double SocStartKwh, double LoadKwh, double PvKwh, double PlannedChargeKwh, double PlannedDischargeKwh, double PlannedExportKwh,
    double ChargeKwh, double DischargeKwh, double ImportKwh, double ExportKwh, double ImportPrice, double ExportPrice, double Cost)
{
    /// <summary>The car's charging in the slot, kWh (grid side; in <see cref="ImportKwh"/>, not in <see cref="LoadKwh"/>).</summary>
    public double CarKwh { get; init; }
}

/// <summary>A strategy's realised cost over the period: import cost − export revenue + cycle cost − credit for energy gained.</summary>
public sealed record StrategyCost(double ImportCost, double ExportRevenue, double CycleCost, double StartKwh, double EndKwh, double CreditPerKwh, double ShedKwh)
{
    public double Cost => ImportCost - ExportRevenue + CycleCost - ((EndKwh - StartKwh) * CreditPerKwh);
}

public sealed record ClosedLoopResult(
    StrategyCost NoBattery,
    StrategyCost SelfConsumption,
    StrategyCost Mpc,
    StrategyCost Oracle,
    IReadOnlyList<double> SolveMs,
    int Plans,
    int FallbackPlans,
    string OracleStatus)
{
    /// <summary>The MPC's slots as they were carried out, in order: what the replay reports per day and records as episodes.</summary>
    public IReadOnlyList<ClosedLoopSlot> MpcSlots { get; init; } = [];

    /// <summary>With a car: how it did under the MPC and under the Oracle.</summary>
    public ClosedLoopCarOutcome? MpcCar { get; init; }

    public ClosedLoopCarOutcome? OracleCar { get; init; }

    /// <summary>The baselines' and the Oracle's schedules over the period, slot by slot (their per-slot costs).</summary>
    public Schedule? NoBatterySchedule { get; init; }

    public Schedule? SelfConsumptionSchedule { get; init; }

    public Schedule? OracleSchedule { get; init; }

    /// <summary>(no battery − MPC) / (no battery − Oracle): the share of the possible saving the MPC captured.</summary>
    public double CapturedSaving => NoBattery.Cost - Oracle.Cost is var possible && Math.Abs(possible) > 1e-9
        ? (NoBattery.Cost - Mpc.Cost) / possible
        : double.NaN;

    /// <summary>
    /// (self-consumption − MPC) / (self-consumption − Oracle): the share of what planning can add over the rule any inverter
    /// runs alone that the MPC captured; NaN when the Oracle saves nothing over that rule.
    /// </summary>
    public double GainCapture => SelfConsumption.Cost - Oracle.Cost is var possible && Math.Abs(possible) > 1e-9
        ? (SelfConsumption.Cost - Mpc.Cost) / possible
        : double.NaN;
}

/// <summary>
/// Runs the receding-horizon planner against what actually happened: at each re-plan it plans from the simulated
/// SoC with the chosen forecast, the next slots execute against actual load and PV (the battery follows the plan
/// within its limits, the grid takes the rest), and costs accrue at the actual prices. The same period is costed
/// with no battery, with the self-consumption rule and with the Oracle (the model on the actuals, all at once).
/// </summary>
public static class ClosedLoop
{
    public static ClosedLoopResult Run(ActualSeries actual, ClosedLoopSettings settings, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(settings);
        var period = settings.Period;
        var first = actual.PositionOf(period.FirstIndex);
        if (first < 0 || first + period.Count > actual.Range.Count)
        {
            throw new ArgumentException($"The actual series ({actual.Range}) does not cover the period ({period}).", nameof(actual));
        }

        var whole = WholeProblem(actual, settings, first);
        var startKwh = settings.Battery.ToKwh(settings.InitialSocPercent);

        // The baselines charge the car as a charger alone does: at full power from its arrival (and so does everyone under that rule).
        var onArrival = settings.Car?.OnArrivalKwh(period);
        var withoutPlanning = onArrival is null
            ? whole
            : whole with { LaterCarStays = [], LoadKwh = [.. whole.LoadKwh.Zip(onArrival, (load, charging) => load + charging)] };
        var noBatterySchedule = Baselines.NoBattery(withoutPlanning);
        var selfConsumptionSchedule = Baselines.SelfConsumption(withoutPlanning);
        var noBattery = Realised(noBatterySchedule, BatterySpec.None, 0, settings.FinalCreditPerKwh);
        var selfConsumption = Realised(selfConsumptionSchedule, settings.Battery, startKwh, settings.FinalCreditPerKwh);
        var oracleOnArrival = settings.Car is { Charging: ClosedLoopCarCharging.OnArrival };
        var oracleProblem = oracleOnArrival ? withoutPlanning : whole;
        var oracleSchedule = KeplerModel.Solve(oracleProblem, KeplerModel.SettingsFor(oracleProblem) with { TimeLimitSeconds = 600 });
        var oracle = Realised(oracleSchedule, settings.Battery, startKwh, settings.FinalCreditPerKwh);

        var (mpc, solveMs, plans, fallbacks, trace) = RunMpc(actual, whole, settings, progress, cancellationToken);
        return new ClosedLoopResult(noBattery, selfConsumption, mpc, oracle, solveMs, plans, fallbacks, oracleSchedule.StatusText)
        {
            MpcSlots = trace,
            NoBatterySchedule = noBatterySchedule,
            SelfConsumptionSchedule = selfConsumptionSchedule,
            OracleSchedule = oracleSchedule,
            MpcCar = settings.Car?.Outcome(trace.Select(s => (s.Start, s.CarKwh))),
            OracleCar = settings.Car?.Outcome(oracleSchedule.Slots.Select((s, t) => (period[t], oracleOnArrival ? onArrival![t] : s.CarKwh))),
        };
    }

    /// <summary>
    /// The MPC alone over the period, without the baselines and the Oracle: how the same loop does with other settings
    /// (e.g. without the peak fee beside a run with it).
    /// </summary>
    public static (StrategyCost Cost, IReadOnlyList<ClosedLoopSlot> Slots) RunMpcOnly(ActualSeries actual, ClosedLoopSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(settings);
        var whole = WholeProblem(actual, settings, actual.PositionOf(settings.Period.FirstIndex));
        var (cost, _, _, _, trace) = RunMpc(actual, whole, settings, progress: null, cancellationToken);
        return (cost, trace);
    }

    /// <summary>The period's actual load, PV and prices as one problem (the Oracle's, and what each executed slot is costed on).</summary>
    private static PlanningProblem WholeProblem(ActualSeries actual, ClosedLoopSettings settings, int first)
    {
        var period = settings.Period;
        var load = new double[period.Count];
        var pv = new double[period.Count];
        var import = new double[period.Count];
        var export = new double[period.Count];
        for (var i = 0; i < period.Count; i++)
        {
            load[i] = actual.Load[first + i] ?? throw new ArgumentException($"Load is not observed at {period[i]:u}.", nameof(actual));
            pv[i] = actual.Pv[first + i] ?? 0;
            import[i] = actual.ImportPrice[first + i] ?? throw new ArgumentException($"No import price at {period[i]:u}.", nameof(actual));
            export[i] = actual.ExportPrice[first + i] ?? throw new ArgumentException($"No export price at {period[i]:u}.", nameof(actual));
        }

        return new PlanningProblem
        {
            Slots = period,
            LoadKwh = load,
            PvKwh = pv,
            ImportPrice = import,
            ExportPrice = export,
            InitialSocPercent = settings.InitialSocPercent,
            Battery = settings.Battery,
            Grid = settings.Grid,
            TimeZone = settings.TimeZone,
            TerminalValuePerKwh = settings.FinalCreditPerKwh,
            PeakFee = settings.PeakFee,
            // The Oracle charges the car as it plans: every stay at once, with hindsight.
            LaterCarStays = settings.Car is { Charging: ClosedLoopCarCharging.Planned } car ? car.StaysOf(period) : [],
        };
    }

    private static (StrategyCost Cost, List<double> SolveMs, int Plans, int Fallbacks, List<ClosedLoopSlot> Trace) RunMpc(
        ActualSeries actual, PlanningProblem whole, ClosedLoopSettings settings, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var battery = settings.Battery;
        var period = settings.Period;
        var socKwh = battery.ToKwh(settings.InitialSocPercent);
        var startKwh = socKwh;
        double importCost = 0, exportRevenue = 0, cycleCost = 0, shed = 0;
        var solveMs = new List<double>();
        var trace = new List<ClosedLoopSlot>(period.Count);
        var fallbacks = 0;
        var car = settings.Car;
        var carOnArrival = car is { Charging: ClosedLoopCarCharging.OnArrival } ? car.OnArrivalKwh(period) : null;
        CarStay? carStay = null;
        var carSocKwh = 0.0;
        // The car home in slot t of the period (its SoC set on its arrival); null when away or there is none.
        CarStay? CarHomeAt(int t)
        {
            var stay = car?.StayAt(period[t]);
            if (stay is not null && stay != carStay)
            {
                carSocKwh = car!.CapacityKwh * stay.ArrivalSocPercent / 100;
            }

            carStay = stay;
            return stay;
        }

        for (var k = 0; k < period.Count; k += settings.ReplanSlots)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var planIndex = period.FirstIndex + k;
            var end = Math.Min(planIndex + settings.HorizonSlots, actual.Range.EndIndex);
            if (settings.PriceHorizon is { } known)
            {
                end = Math.Min(end, known(planIndex));
            }

            // The period ends for the MPC as it ends for the Oracle: a plan that sees the period's end plans to it, with
            // the energy left then worth what every strategy is credited for it. Judged on other terms, the Oracle keeps
            // energy for the credit while the MPC spends it on the days after the period, and that difference is the
            // benchmark's boundary, not planning.
            var seesTheEnd = settings.PlanToPeriodEnd && end >= period.EndIndex;
            if (seesTheEnd)
            {
                end = period.EndIndex;
            }

            // Never plan shorter than the slots about to execute.
            end = Math.Max(end, Math.Min(planIndex + settings.ReplanSlots, period.EndIndex));
            var horizon = new SlotRange(planIndex, (int)(end - planIndex));
            var (problem, forecast) = PlanAt(actual, settings, horizon, socKwh);
            if (seesTheEnd)
            {
                problem = problem with { TerminalValuePerKwh = settings.FinalCreditPerKwh };
            }

            if (car is not null)
            {
                problem = WithCar(problem, car, CarHomeAt(k), carSocKwh, carOnArrival, k);
            }

            if (settings.PeakFee is { } fee)
            {
                problem = problem with { PeakSoFar = PeakSoFar.FromRecorded(fee, trace.Select(s => (SlotGrid.IndexOf(s.Start), s.ImportKwh)), planIndex, settings.TimeZone) };
            }

            var schedule = KeplerModel.Solve(problem);
            solveMs.Add(schedule.SolveMs);
            if (forecast is not null && settings.ExportCaution > 0 && !schedule.Fallback)
            {
                var (load, pv) = CautiousExport.Inputs(problem.LoadKwh, problem.PvKwh, forecast, settings.ExportCaution);
                var cautious = KeplerModel.Solve(problem with { LoadKwh = load, PvKwh = pv });
                schedule = CautiousExport.Confirm(schedule, cautious, battery, out _);
            }

            if (schedule.Fallback)
            {
                fallbacks++;
            }

            for (var j = 0; j < settings.ReplanSlots && k + j < period.Count; j++)
            {
                var t = k + j;
                // A meter's negative slot (a counter glitch) is no surplus: the executor's inverter would charge from it.
                var (actualLoad, actualPv) = (Math.Max(0, whole.LoadKwh[t]), Math.Max(0, whole.PvKwh[t]));
                var carKwh = car is null ? 0
                    : carOnArrival is not null ? carOnArrival[t]
                    : CarHomeAt(t) is null ? 0
                    : car.ChargedKwh(schedule.Slots[j].CarKwh, carSocKwh);
                carSocKwh += carKwh * (car?.ChargeEfficiency ?? 0);
                actualLoad += carKwh;
                var actualNetLoad = actualLoad - actualPv;
                var (charge, discharge) = settings.Execution == ClosedLoopExecution.Executor && settings.Executor is { } executor
                    ? executor.ExecuteSlot(schedule, horizon.Start, j, socKwh, actualLoad, actualPv)
                    : Execute(schedule.Slots[j], settings.Execution, battery, socKwh, actualNetLoad);

                var step = Baselines.GridTakesTheRest(whole, t, whole.LoadKwh[t] + carKwh, whole.PvKwh[t], socKwh, charge, discharge);
                var planned = schedule.Slots[j];
                trace.Add(new ClosedLoopSlot(
                    period[t], socKwh, whole.LoadKwh[t], whole.PvKwh[t], planned.ChargeKwh, planned.DischargeKwh, planned.ExportKwh,
                    step.Charge, step.Discharge, step.Import, step.Export, whole.ImportPrice[t], whole.ExportPrice[t],
                    (step.Import * whole.ImportPrice[t]) - (step.Export * whole.ExportPrice[t]) + ((step.Charge + step.Discharge) * battery.CycleCostPerKwh))
                {
                    CarKwh = carKwh,
                });
                socKwh = step.SocEndKwh;
                importCost += step.Import * whole.ImportPrice[t];
                exportRevenue += step.Export * whole.ExportPrice[t];
                cycleCost += (step.Charge + step.Discharge) * battery.CycleCostPerKwh;
                shed += step.Shed;
            }

            progress?.Report((double)Math.Min(k + settings.ReplanSlots, period.Count) / period.Count);
        }

        return (new StrategyCost(importCost, exportRevenue, cycleCost, startKwh, socKwh, settings.FinalCreditPerKwh, shed), solveMs, solveMs.Count, fallbacks, trace);
    }

    /// <summary>
    /// The plan at period position <paramref name="k"/> with the car: planned by its departure when it is home (<paramref name="stay"/>),
    /// or, charged on arrival by the charger alone, its known charging added to the load the plan covers.
    /// </summary>
    private static PlanningProblem WithCar(PlanningProblem problem, ClosedLoopCar car, CarStay? stay, double carSocKwh, double[]? onArrival, int k)
    {
        if (onArrival is null)
        {
            return stay is null ? problem : problem with { Car = car.Spec(stay, carSocKwh / car.CapacityKwh * 100) };
        }

        var load = problem.LoadKwh.Select((kwh, i) => k + i < onArrival.Length ? kwh + onArrival[k + i] : kwh).ToArray();
        return problem with { LoadKwh = load };
    }

    /// <summary>The battery energy a planned slot turns into, given the actual net load (load − PV) of the slot.</summary>
    internal static (double Charge, double Discharge) Execute(ScheduledSlot planned, ClosedLoopExecution execution, BatterySpec battery, double socKwh, double actualNetLoad)
    {
        var room = Math.Max(0, (battery.MaxKwh - socKwh) / battery.ChargeEfficiency);
        var available = Math.Max(0, (socKwh - battery.MinKwh) * battery.DischargeEfficiency);
        if (execution == ClosedLoopExecution.Executor)
        {
            return ExecuteAsExecutor(planned, battery, socKwh, actualNetLoad, room, available);
        }

        var plannedNet = planned.ChargeKwh - planned.DischargeKwh;
        var surplus = Math.Max(0, -actualNetLoad);
        var deficit = Math.Max(0, actualNetLoad);
        double wantCharge, wantDischarge;
        if (execution == ClosedLoopExecution.PlannedPower)
        {
            (wantCharge, wantDischarge) = (Math.Max(0, plannedNet), Math.Max(0, -plannedNet));
        }
        else
        {
            (wantCharge, wantDischarge) = planned.Action switch
            {
                PlannedAction.Charge => (Math.Max(Math.Max(0, plannedNet), surplus), 0.0),
                PlannedAction.Export => (0.0, Math.Max(0, -plannedNet)),
                PlannedAction.Hold => (surplus, 0.0),
                _ => (surplus, deficit),
            };
        }

        return wantCharge > 0
            ? (Math.Min(Math.Min(wantCharge, battery.MaxChargeKwhPerSlot), room), 0)
            : (0, Math.Min(Math.Min(wantDischarge, battery.MaxDischargeKwhPerSlot), available));
    }

    private static (double Charge, double Discharge) ExecuteAsExecutor(
        ScheduledSlot planned, BatterySpec battery, double socKwh, double actualNetLoad, double room, double available)
    {
        return ExecuteIntent(PlannedSlotExecution.Intent(planned, battery), battery, socKwh, actualNetLoad, room, available);
    }

    /// <summary>The battery energy the executor's rule gives <paramref name="intent"/>, given the actual net load (load − PV) of the slot.</summary>
    internal static (double Charge, double Discharge) ExecuteIntent(ExecutorIntent intent, BatterySpec battery, double socKwh, double actualNetLoad)
    {
        var room = Math.Max(0, (battery.MaxKwh - socKwh) / battery.ChargeEfficiency);
        var available = Math.Max(0, (socKwh - battery.MinKwh) * battery.DischargeEfficiency);
        return ExecuteIntent(intent, battery, socKwh, actualNetLoad, room, available);
    }

    private static (double Charge, double Discharge) ExecuteIntent(
        ExecutorIntent intent, BatterySpec battery, double socKwh, double actualNetLoad, double room, double available)
    {
        var targetKwh = battery.ToKwh(intent.TargetSocPercent);
        switch (intent.Mode)
        {
            case SlotMode.GridCharge:
                // Charge mode, grid charging on: at the planned power, up to the slot's target SoC.
                var toTarget = Math.Max(0, (targetKwh - socKwh) / battery.ChargeEfficiency);
                return (Math.Min(Math.Min(Math.Min(intent.ChargeKwh, battery.MaxChargeKwhPerSlot), room), toTarget), 0);
            case SlotMode.Export:
                // Export mode: at the planned power, down to the slot's target SoC.
                var aboveTarget = Math.Max(0, (socKwh - Math.Max(targetKwh, battery.MinKwh)) * battery.DischargeEfficiency);
                return (0, Math.Min(Math.Min(Math.Min(intent.DischargeKwh, battery.MaxDischargeKwhPerSlot), available), aboveTarget));
            case SlotMode.PvExport:
                // Charge mode without grid charging: PV charges at most the planned energy, the rest is exported.
                return (Math.Min(Math.Min(Math.Min(Math.Max(0, -actualNetLoad), intent.ChargeKwh), battery.MaxChargeKwhPerSlot), room), 0);
            default:
                // Self-consumption: store the actual surplus, cover the actual net load, never below the floor.
                if (actualNetLoad < 0)
                {
                    return (Math.Min(Math.Min(-actualNetLoad, battery.MaxChargeKwhPerSlot), room), 0);
                }

                var floorKwh = Math.Max(battery.MinKwh, battery.ToKwh(intent.FloorSocPercent));
                var aboveFloor = Math.Max(0, (socKwh - floorKwh) * battery.DischargeEfficiency);
                return (0, Math.Min(Math.Min(Math.Min(actualNetLoad, battery.MaxDischargeKwhPerSlot), available), aboveFloor));
        }
    }

    /// <summary>The problem a plan at the horizon's start solves, and the forecast it was made from (null: the actuals).</summary>
    internal static (PlanningProblem Problem, PlanningForecast? Forecast) PlanAt(ActualSeries actual, ClosedLoopSettings settings, SlotRange horizon, double socKwh)
    {
        var count = horizon.Count;
        var import = new double[count];
        var export = new double[count];
        var offset = actual.PositionOf(horizon.FirstIndex);
        for (var i = 0; i < count; i++)
        {
            import[i] = actual.ImportPrice[offset + i] ?? 0;
            export[i] = actual.ExportPrice[offset + i] ?? 0;
        }

        double[] load;
        double[] pv;
        PlanningForecast? forecast = null;
        if (settings.Forecast == ClosedLoopForecast.Perfect)
        {
            load = [.. Enumerable.Range(0, count).Select(i => actual.Load[offset + i] ?? 0)];
            pv = [.. Enumerable.Range(0, count).Select(i => actual.Pv[offset + i] ?? 0)];
        }
        else
        {
            forecast = settings.Forecast == ClosedLoopForecast.Supplied
                ? (settings.ForecastSource ?? throw new InvalidOperationException("A supplied forecast needs ClosedLoopSettings.ForecastSource."))
                    .Forecast(horizon.Start, horizon)
                : PlanningForecast.Baseline(horizon, horizon.Start, settings.TimeZone, actual.Measured);
            (load, pv) = settings.SIndex is { } sIndex
                ? SIndex.Apply(forecast, sIndex, SIndexConditions.Neutral)
                : ([.. forecast.LoadP50], [.. forecast.PvP50]);
        }

        return (new PlanningProblem
        {
            Slots = horizon,
            LoadKwh = load,
            PvKwh = pv,
            ImportPrice = import,
            ExportPrice = export,
            InitialSocPercent = settings.Battery.ToPercent(socKwh),
            Battery = settings.Battery,
            Grid = settings.Grid,
            TimeZone = settings.TimeZone,
            Forced = settings.Forced,
            PeakFee = settings.PeakFee,
        }, forecast);
    }

    private static StrategyCost Realised(Schedule schedule, BatterySpec battery, double startKwh, double credit)
    {
        var endKwh = schedule.Slots.Count > 0 ? battery.ToKwh(schedule.Slots[^1].SocEndPercent) : startKwh;
        return new StrategyCost(
            schedule.Costs.ImportCost, schedule.Costs.ExportRevenue, schedule.Costs.CycleCost, startKwh, endKwh, credit, schedule.ShedKwh);
    }
}
