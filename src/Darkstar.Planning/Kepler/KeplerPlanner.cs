using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Forecasts;
using Darkstar.Planning.Model;
using Darkstar.Planning.Solver;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Planning.Kepler;

/// <summary>The planner cannot start: the input it names is missing. Nothing was written.</summary>
public sealed class PlanningInputException : Exception
{
    public PlanningInputException()
    {
    }

    public PlanningInputException(string message)
        : base(message)
    {
    }

    public PlanningInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A stored plan, its schedule, and what the planner had to assume to make it.</summary>
public sealed record PlanOutcome(Plan Plan, Schedule Schedule, PlanningProblem Problem, IReadOnlyList<string> Notes);

/// <summary>
/// Kepler in the add-on: one plan now, from the database. Prices as far as they are known (the horizon shrinks
/// to them), the active forecast version's latest forecasts (the 7-day baseline of observations where
/// there are none), the S-index margin, the measured SoC and today's water heating; the plan and its slots
/// are written to <c>plans</c> and <c>slot_plans</c>.
/// </summary>
/// <param name="solver">The MILP solver; null is CBC (the service's tests hand in one that fails).</param>
/// <param name="liveSoc">The SoC reported live; without it (the CLI's one plan) the last recorded slot's.</param>
/// <param name="blocks">The user's manual blocks the plan is made around; none without it (the CLI's one plan).</param>
/// <param name="car">The car's entities in Home Assistant and where its status goes; without them the car is not planned.</param>
public sealed partial class KeplerPlanner(
    DarkstarDatabase database,
    TimeProvider clock,
    ILogger<KeplerPlanner> logger,
    Func<LinearModel, SolverSettings, SolveResult>? solver = null,
    Func<ForecastVersion, CancellationToken, Task<string>>? resolveForecastVersion = null,
    ILiveSoc? liveSoc = null,
    ManualBlockStore? blocks = null,
    CarPlanning? car = null)
{
    /// <summary>How long a measured SoC stays the one to plan from.</summary>
    public static readonly TimeSpan SocMaxAge = TimeSpan.FromHours(2);

    private readonly PriceRepository _prices = new(database);
    private readonly SlotForecastRepository _forecasts = new(database);
    private readonly SlotObservationRepository _observations = new(database);
    private readonly WeatherRepository _weather = new(database);
    private readonly PlanRepository _plans = new(database);

    public async Task<PlanOutcome> PlanAsync(DarkstarOptions options, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        var now = clock.GetUtcNow();
        var notes = new List<string>();
        var wanted = SlotGrid.Horizon(now, TimeSpan.FromHours(options.Planner.HorizonHours));

        // Prices: the horizon is the run of priced slots from now; it shrinks when tomorrow's are not out yet.
        var prices = await _prices.ReadRangeAsync(wanted, cancellationToken);
        var byIndex = prices.ToDictionary(p => SlotGrid.IndexOf(p.SlotStart));
        var known = 0;
        while (known < wanted.Count && byIndex.ContainsKey(wanted.FirstIndex + known))
        {
            known++;
        }

        if (known == 0)
        {
            throw new PlanningInputException(
                $"No price is known for the current slot ({InstantText.Format(wanted.Start)}): fetch prices first (pricing.price_source).");
        }

        var horizon = new SlotRange(wanted.FirstIndex, known);
        if (known < wanted.Count)
        {
            notes.Add($"prices are known for {known / (double)SlotGrid.SlotsPerHour:0.##} of {options.Planner.HorizonHours} hours: the horizon ends at {InstantText.Format(horizon.End)}");
        }

        // The days the baseline fallback looks back over, and one more for a local day longer than 24 hours.
        var history = new SlotRange(horizon.FirstIndex - ((SevenDayBaseline.LookbackDays + 1) * SlotGrid.SlotsPerUtcDay), (SevenDayBaseline.LookbackDays + 1) * SlotGrid.SlotsPerUtcDay);
        var observations = await _observations.ReadRangeAsync(history, cancellationToken);
        var observedByIndex = observations.ToDictionary(o => SlotGrid.IndexOf(o.SlotStart));

        var (forecast, version) = await ForecastAsync(options, horizon, now, zone, observedByIndex, notes, cancellationToken);
        var conditions = await ConditionsAsync(horizon, now, observations, cancellationToken);
        var (load, pv) = SIndex.Apply(forecast, options.SIndex, conditions);
        if (options.SIndex.Mode != SIndexMode.Probabilistic)
        {
            notes.Add($"S-index {OptionsText(options.SIndex.Mode)}: load × {SIndex.LoadFactor(options.SIndex, conditions):0.###}");
        }
        else
        {
            notes.Add($"S-index probabilistic: {SIndex.SpreadShare(options.SIndex.RiskAppetite):P0} of the p50→p90 load and p50→p10 PV spread (risk appetite {options.SIndex.RiskAppetite})");
        }

        var battery = BatterySpec.FromOptions(options.Battery);
        var soc = await LiveSocPercentAsync(cancellationToken) ?? MeasuredSoc(observations, now);
        if (soc is null)
        {
            notes.Add($"no SoC measured in the last {SocMaxAge.TotalHours:0} hours: planning from the minimum SoC ({battery.MinSocPercent}%)");
        }

        var problem = new PlanningProblem
        {
            Slots = horizon,
            LoadKwh = load,
            PvKwh = pv,
            ImportPrice = [.. horizon.Select(s => byIndex[SlotGrid.IndexOf(s)].ImportPrice)],
            ExportPrice = [.. horizon.Select(s => byIndex[SlotGrid.IndexOf(s)].ExportPrice)],
            InitialSocPercent = soc ?? battery.MinSocPercent,
            Battery = battery,
            Grid = GridSpec.FromOptions(options.Grid),
            Water = WaterHeatingSpec.FromOptions(options.WaterHeating),
            WaterToday = WaterToday(observedByIndex, now, zone),
            TimeZone = zone,
        };
        problem = await WithFlexibleLoadsAsync(problem, options, now, zone, notes, cancellationToken);
        if (options.Vacation.Enabled)
        {
            problem = VacationPlanning.Apply(problem, options.Vacation, options.WaterHeating);
            notes.Add($"vacation: load × {options.Vacation.LoadFactor:0.##}, water heated once a week on {options.Vacation.LegionellaWeekday}");
        }

        problem = await WithPeakFeeAsync(problem, options, now, zone, notes, cancellationToken);
        var manual = blocks is null ? [] : await blocks.ActiveAsync(cancellationToken);
        if (manual.Count > 0)
        {
            problem = problem with { Forced = ManualBlockSlots.Of(manual, horizon, battery, problem.Grid) };
            notes.Add($"manual blocks: {string.Join(", ", manual.Select(b => b.Describe()))}");
        }

        var carRequest = await WithCarAsync(car, options, horizon, zone, notes, cancellationToken);
        problem = problem with { Car = carRequest?.Car };

        var schedule = await Task.Run(() => KeplerModel.Solve(problem, KeplerModel.SettingsFor(problem), solver ?? CbcSolver.Solve), cancellationToken);
        if (schedule.Fallback)
        {
            logger.LogWarning("Kepler fell back to the self-consumption rule: {Detail}", schedule.Detail);
            notes.Add("the solver gave no solution in time: this plan is the self-consumption rule (fallback)");
        }

        var caution = SIndex.SpreadShare(options.SIndex.RiskAppetite);
        if (!schedule.Fallback && caution > 0)
        {
            var (cautiousLoad, cautiousPv) = CautiousExport.Inputs(load, pv, forecast, caution);
            var cautious = await Task.Run(
                () => KeplerModel.Solve(problem with { LoadKwh = cautiousLoad, PvKwh = cautiousPv }, KeplerModel.SettingsFor(problem), solver ?? CbcSolver.Solve),
                cancellationToken);
            schedule = CautiousExport.Confirm(schedule, cautious, battery, out var heldBack);
            if (heldBack > 0)
            {
                notes.Add($"battery export held back in {heldBack} slots: on a cautious forecast ({caution:P0} of the way to p90 load and p10 PV) the battery would not be refilled");
            }
        }

        schedule = VacationPlanning.WithHeatingAsWater(schedule, problem);
        if (schedule.Peak is { } peak)
        {
            notes.Add($"peak fee: the period's peak so far {peak.FloorKw:0.###} kW, planned {peak.PeakKw:0.###} kW");
        }

        foreach (var block in manual)
        {
            var shortKwh = schedule.Slots.Where(s => block.Covers(s.Start)).Sum(s => s.BlockShortfallKwh);
            if (shortKwh > 0.01)
            {
                var why = BlockShortfallReason(block.Action);
                logger.LogWarning("Manual block {Block} cannot be carried out in full: {Short:0.##} kWh short ({Why})", block.Describe(), shortKwh, why);
                notes.Add($"manual block {block.Describe()} cannot be carried out in full: {shortKwh:0.##} kWh short ({why})");
            }
        }

        if (schedule.UsedSlack)
        {
            notes.Add($"constraints could not all be met: shed {schedule.ShedKwh:0.###} kWh, SoC below minimum {schedule.SocBelowMinimumKwh:0.###} kWh·slots, water heating short {schedule.WaterShortfallKwh:0.###} kWh");
            if (schedule.CarShortfallKwh > 0 || schedule.FlexibleLoadShortfallKwh > 0)
            {
                notes.Add($"the car is short {schedule.CarShortfallKwh:0.###} kWh at its departure, flexible loads {schedule.FlexibleLoadShortfallKwh:0.###} kWh");
            }
        }

        ReportCar(car, options, carRequest, schedule);
        var plan = new Plan
        {
            CreatedAt = InstantText.Truncate(now),
            HorizonStart = horizon.Start,
            HorizonEnd = horizon.End,
            SlotCount = horizon.Count,
            ForecastVersion = version,
            SolverStatus = schedule.Status,
            SolveMs = schedule.SolveMs,
            Objective = double.IsNaN(schedule.Objective) ? null : schedule.Objective,
            InitialSocPercent = problem.InitialSocPercent,
        };
        var loadNames = problem.FlexibleLoads.Select(l => l.Name).ToList();
        var id = await _plans.InsertAsync(plan, schedule.Slots.Select(s => ToSlotPlan(s, loadNames: loadNames)), cancellationToken);
        logger.LogInformation("Plan {Id}: {Slots} slots, {Status}, {SolveMs:0.0} ms, forecasts {Version}", id, horizon.Count, schedule.StatusText, schedule.SolveMs, version);
        return new PlanOutcome(plan with { Id = id }, schedule, problem, notes);
    }

    /// <summary>With a peak fee in the options: the fee, and the peak the period's recorded slots reached so far as its floor.</summary>
    private async Task<PlanningProblem> WithPeakFeeAsync(PlanningProblem problem, DarkstarOptions options, DateTimeOffset now, TimeZoneInfo zone, List<string> notes, CancellationToken cancellationToken)
    {
        if (PeakFeeSpec.FromOptions(options.PeakFee) is not { } fee)
        {
            return problem;
        }

        var recorded = await _observations.ReadRangeAsync(PeakMeter.PeriodSoFar(fee, now, zone), cancellationToken);
        var missing = recorded.Count(o => o.ImportKwh is null);
        if (missing > 0)
        {
            notes.Add($"peak fee: {missing} slots of this period have no recorded import; the peak so far leaves them out");
        }

        var soFar = PeakSoFar.FromRecorded(fee, recorded.Select(o => (SlotGrid.IndexOf(o.SlotStart), o.ImportKwh ?? 0)), problem.Slots.FirstIndex, zone);
        return problem with { PeakFee = fee, PeakSoFar = soFar };
    }

    /// <param name="loadNames">The problem's flexible loads by name, in its order: each configured one's energy is stored by its name.</param>
    public static SlotPlan ToSlotPlan(ScheduledSlot slot, long planId = 0, IReadOnlyList<string>? loadNames = null)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return new SlotPlan
        {
            PlanId = planId,
            SlotStart = slot.Start,
            ChargeKwh = slot.ChargeKwh,
            DischargeKwh = slot.DischargeKwh,
            ImportKwh = slot.ImportKwh,
            ExportKwh = slot.ExportKwh,
            CurtailKwh = slot.CurtailKwh,
            WaterKwh = slot.WaterKwh,
            ShedKwh = slot.ShedKwh,
            SocEndPercent = slot.SocEndPercent,
            WaterOn = slot.WaterOn,
            CarKwh = slot.CarKwh,
            ImportPrice = slot.ImportPrice,
            ExportPrice = slot.ExportPrice,
            Cost = slot.Cost,
            Action = slot.Action,
            ManualBlock = slot.ManualBlock,
            FlexibleLoadKwh = ConfiguredLoadKwh(slot, loadNames),
        };
    }

    private static string BlockShortfallReason(BlockAction action) => action switch
    {
        BlockAction.Charge => "the battery reaches its maximum SoC, or its charge power or the grid's import limit is too small",
        BlockAction.Export => "the battery reaches its minimum SoC, or export is not allowed, or the grid's export limit is too small",
        _ => "the battery reaches its minimum SoC, or its discharge power is too small",
    };

    private async Task<(PlanningForecast Forecast, string Version)> ForecastAsync(
        DarkstarOptions options, SlotRange horizon, DateTimeOffset now, TimeZoneInfo zone,
        Dictionary<long, SlotObservation> observed, List<string> notes, CancellationToken cancellationToken)
    {
        // Aurora's forecasts are stored under its current version (aurora_vN): the forecasting engine says which.
        var active = options.Forecasting.ActiveForecastVersion;
        var version = resolveForecastVersion is null
            ? ForecastVersionText.Of(active)
            : await resolveForecastVersion(active, cancellationToken);
        if (active == ForecastVersion.Aurora && version == ForecastVersionText.Of(ForecastVersion.Baseline7DayAverage))
        {
            notes.Add("forecasting.active_forecast_version is aurora but no Aurora model is trained yet: planning on the baseline");
        }

        var stored = (await _forecasts.ReadLatestAsync(version, horizon, now, cancellationToken))
            .ToDictionary(f => SlotGrid.IndexOf(f.SlotStart));
        // The load the plan must serve, without the water heater the plan schedules itself.
        var fallback = PlanningForecast.Baseline(horizon, now, zone, index =>
            observed.TryGetValue(index, out var o) ? SlotMeasurement.Of(o, options.WaterHeating.Enabled) : default);
        if (stored.Count == horizon.Count)
        {
            return (Merge(horizon, stored, fallback, version), version);
        }

        var missing = horizon.Count - stored.Count;
        notes.Add(stored.Count == 0
            ? $"no {version} forecast for the horizon: planning on the 7-day baseline of slot_observations"
            : $"{missing} of {horizon.Count} slots have no {version} forecast: those use the 7-day baseline of slot_observations");
        return (Merge(horizon, stored, fallback, version), stored.Count == 0 ? SevenDayBaseline.Version : version);
    }

    private static PlanningForecast Merge(SlotRange horizon, Dictionary<long, SlotForecast> stored, PlanningForecast fallback, string version)
    {
        var n = horizon.Count;
        double[] loadP50 = new double[n], pvP50 = new double[n], loadP10 = new double[n], loadP90 = new double[n], pvP10 = new double[n], pvP90 = new double[n];
        for (var i = 0; i < n; i++)
        {
            if (stored.TryGetValue(horizon.FirstIndex + i, out var f))
            {
                (loadP10[i], loadP50[i], loadP90[i], pvP10[i], pvP50[i], pvP90[i]) = (f.LoadP10Kwh, f.LoadP50Kwh, f.LoadP90Kwh, f.PvP10Kwh, f.PvP50Kwh, f.PvP90Kwh);
            }
            else
            {
                (loadP10[i], loadP50[i], loadP90[i]) = (fallback.LoadP10[i], fallback.LoadP50[i], fallback.LoadP90[i]);
                (pvP10[i], pvP50[i], pvP90[i]) = (fallback.PvP10[i], fallback.PvP50[i], fallback.PvP90[i]);
            }
        }

        return new PlanningForecast(loadP50, pvP50, loadP10, loadP90, pvP10, pvP90, version);
    }

    /// <summary>
    /// Recent PV deficit: how far the last two days' PV fell below the mean of the five days before them.
    /// Temperature: the latest weather forecast over the horizon, else the last day's observed mean.
    /// </summary>
    private async Task<SIndexConditions> ConditionsAsync(
        SlotRange horizon, DateTimeOffset now, IReadOnlyList<SlotObservation> observations, CancellationToken cancellationToken)
    {
        var nowIndex = SlotGrid.IndexOf(now);
        var recent = observations.Where(o => SlotGrid.IndexOf(o.SlotStart) >= nowIndex - (2 * SlotGrid.SlotsPerUtcDay) && SlotGrid.IndexOf(o.SlotStart) < nowIndex).Sum(o => o.PvKwh ?? 0);
        var before = observations.Where(o => SlotGrid.IndexOf(o.SlotStart) >= nowIndex - (7 * SlotGrid.SlotsPerUtcDay) && SlotGrid.IndexOf(o.SlotStart) < nowIndex - (2 * SlotGrid.SlotsPerUtcDay)).Sum(o => o.PvKwh ?? 0);
        var typicalTwoDays = before / 5 * 2;
        var deficit = typicalTwoDays > 0.5 ? Math.Clamp(1 - (recent / typicalTwoDays), 0, 1) : 0;

        var forecast = await _weather.ReadLatestForecastAsync(horizon, now, cancellationToken);
        var temperatures = forecast.Where(w => w.TemperatureC is not null).Select(w => w.TemperatureC!.Value).ToList();
        if (temperatures.Count == 0)
        {
            var observed = await _weather.ReadObservedAsync(new SlotRange(nowIndex - SlotGrid.SlotsPerUtcDay, SlotGrid.SlotsPerUtcDay), cancellationToken);
            temperatures = [.. observed.Where(w => w.TemperatureC is not null).Select(w => w.TemperatureC!.Value)];
        }

        return new SIndexConditions(deficit, temperatures.Count > 0 ? temperatures.Average() : null);
    }

    // The sensor's state as asked now is the SoC now, however long ago it last changed (a battery at rest does not change).
    private async Task<double?> LiveSocPercentAsync(CancellationToken cancellationToken) =>
        liveSoc is not null && await liveSoc.ReadSocAsync(cancellationToken) is { } asked ? asked.Percent : null;

    private static double? MeasuredSoc(IReadOnlyList<SlotObservation> observations, DateTimeOffset now)
    {
        var latest = observations
            .Where(o => o.SlotStart <= now && o.SlotStart >= now - SocMaxAge && (o.SocEndPercent ?? o.SocStartPercent) is not null)
            .MaxBy(o => o.SlotStart);
        return latest?.SocEndPercent ?? latest?.SocStartPercent;
    }

    /// <summary>
    /// What the water heater did since local midnight: kWh, blocks started (runs of heated slots that began today;
    /// one running on from yesterday began yesterday), whether it is on in the last slot, and when the last block
    /// started, looked for back to a day before midnight so that the spacing between starts holds across it.
    /// </summary>
    public static WaterHeatingToday WaterToday(IReadOnlyDictionary<long, SlotObservation> observed, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var today = SlotGrid.LocalDay(SlotGrid.LocalDateOf(now, zone), zone);
        return RunsSince(index => observed.TryGetValue(index, out var o) ? o.WaterKwh ?? 0 : 0, today.FirstIndex, SlotGrid.IndexOf(now));
    }

    /// <summary>
    /// What a switched load did from slot <paramref name="countFrom"/> to the slot before <paramref name="nowIndex"/>, by
    /// its energy per slot: kWh, runs started (runs of slots with energy that began at or after <paramref name="countFrom"/>;
    /// one running on from before began before), whether it is on in the last slot, and when the last run started, looked
    /// for back to a day before <paramref name="countFrom"/> so that the spacing between starts holds across it.
    /// </summary>
    public static WaterHeatingToday RunsSince(Func<long, double> kwhAt, long countFrom, long nowIndex)
    {
        ArgumentNullException.ThrowIfNull(kwhAt);
        double ran = 0;
        var runs = 0;
        var previousOn = false;
        long? lastStart = null;
        for (var index = countFrom - (24 * SlotGrid.SlotsPerHour); index < nowIndex; index++)
        {
            var kwh = kwhAt(index);
            var on = kwh > 0.01;
            var counted = index >= countFrom;
            if (on && !previousOn)
            {
                lastStart = index;
                runs += counted ? 1 : 0;
            }

            ran += counted ? kwh : 0;
            previousOn = on;
        }

        return new WaterHeatingToday(ran, runs, previousOn, lastStart is { } start ? SlotGrid.StartOf(start) : null);
    }

    private static string OptionsText(SIndexMode mode) => mode switch
    {
        SIndexMode.Static => "static",
        SIndexMode.Dynamic => "dynamic",
        _ => "probabilistic",
    };
}
