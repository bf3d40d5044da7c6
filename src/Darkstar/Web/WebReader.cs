using Darkstar.Cli;
using Darkstar.Core.Car;
using Darkstar.Core.Controls;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Execution;
using Darkstar.Execution.Car;
using Darkstar.Forecasting.Evaluation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;

namespace Darkstar.Web;

/// <summary>
/// What the web API reads, put together from the repositories: the overview's window in one answer, forecasts beside
/// what was measured, the days' costs against the Oracle, the filtered execution log and the settings page's figures.
/// </summary>
public sealed class WebReader(
    DarkstarDatabase database,
    TimeProvider clock,
    TimeZoneInfo zone,
    DarkstarOptions options,
    ControlStore controls,
    IForecastVersionResolver? versions = null,
    CarStatusBoard? car = null)
{
    /// <summary>The overview's window: 48 hours from today's local midnight.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(48);

    public DarkstarDatabase Database => database;

    public DateOnly Today() => SlotGrid.LocalDateOf(clock.GetUtcNow(), zone);

    public SlotRange DefaultWindow()
    {
        var start = SlotGrid.LocalDay(Today(), zone).Start;
        return SlotRange.Between(start, start + Window);
    }

    /// <summary>The stored version a name means: <c>aurora</c> and the baseline as the forecaster stores them; a stored name as it is.</summary>
    public async Task<string> StoredVersionAsync(string? name, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(name) ? controls.Current.ForecastVersion : name.Trim();
        if (versions is null || !ControlCatalogue.DefaultForecastVersions.Contains(text))
        {
            return text;
        }

        return await versions.ResolveForecastVersionAsync(ForecastVersionText.Parse(text), cancellationToken);
    }

    /// <summary>Everything the overview draws, for one window, in one answer.</summary>
    public async Task<object> OverviewAsync(SlotRange range, object status, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var plan = await PlanAsync(cancellationToken);
        var today = Today();
        var oracle = await new OracleResultRepository(database).ReadRangeAsync(today.AddDays(-1), today.AddDays(-1), cancellationToken);
        var todayRange = SlotGrid.LocalDay(today, zone);
        var todaysPlan = plan.Slots.Where(s => todayRange.Contains(s.SlotStart)).ToList();
        var fee = PeakFeeSpec.FromOptions(options.PeakFee);
        var peak = fee is null ? ((double SoFarKw, double? PlannedKw)?)null : await PeakReading.ReadAsync(database, fee, plan.Slots, now, zone, cancellationToken);
        return new
        {
            Now = now,
            Status = status,
            Window = new { range.Start, range.End },
            Plan = plan,
            Forecasts = await ForecastsAsync(null, range, cancellationToken),
            Prices = await new PriceRepository(database).ReadRangeAsync(range, cancellationToken),
            Kpi = new
            {
                // Only a plan that covers the whole day says what today costs.
                PlannedCostToday = todaysPlan.Count > 0 && todaysPlan[0].SlotStart == todayRange.Start ? todaysPlan.Sum(s => s.Cost) : (double?)null,
                Yesterday = oracle.Count > 0 ? CostDay(oracle[0]) : null,
                // With a peak fee: the period's peak so far and as planned, kW.
                PeakSoFarKw = peak?.SoFarKw,
                PlannedPeakKw = peak?.PlannedKw,
            },
            Car = CarView(plan.Slots, now),
            Controls = controls.Current,
            options.Pricing.Currency,
        };
    }

    /// <summary>
    /// The overview's car card, as the last plan left it (<see cref="CarStatusBoard"/>): its state and why, plugged in (null
    /// when unknown), SoC, target, departure, whether the target is reachable, the planned energy and ready time, and whether
    /// the plan charges it in the slot now (and at what power). Null without a car.
    /// </summary>
    private object? CarView(IReadOnlyList<SlotPlan> slots, DateTimeOffset now)
    {
        if (!options.Car.Enabled || car is null)
        {
            return null;
        }

        var status = car.Current;
        var slotNow = slots.FirstOrDefault(s => s.SlotStart == SlotGrid.Floor(now));
        var chargingNow = slotNow is not null && slotNow.CarKwh >= CarCharging.OffBelowKwh;
        return new
        {
            State = CarPlanStatus.Text(status.State),
            status.Reason,
            PluggedIn = status.State switch
            {
                CarChargingState.Ready or CarChargingState.Planned or CarChargingState.Unreachable => true,
                CarChargingState.Unplugged => false,
                _ => (bool?)null,
            },
            status.SocPercent,
            status.TargetSocPercent,
            status.Departure,
            status.TargetReachable,
            status.PlannedKwh,
            status.ReadyAt,
            ChargingNow = chargingNow,
            ChargingKw = chargingNow ? slotNow!.CarKwh / SlotGrid.SlotLength.TotalHours : 0,
        };
    }

    public async Task<(Plan? Plan, IReadOnlyList<SlotPlan> Slots)> LatestPlanAsync(CancellationToken cancellationToken)
    {
        var plans = new PlanRepository(database);
        var plan = await plans.ReadLatestAsync(cancellationToken);
        return (plan, plan is null ? [] : await plans.ReadSlotsAsync(plan.Id, cancellationToken));
    }

    public async Task<PlanView> PlanAsync(CancellationToken cancellationToken)
    {
        var (plan, slots) = await LatestPlanAsync(cancellationToken);
        return new PlanView(plan, slots);
    }

    /// <summary>The latest <paramref name="count"/> plans with their slots (the diagnostics bundle).</summary>
    public async Task<IReadOnlyList<PlanView>> RecentPlansAsync(int count, CancellationToken cancellationToken)
    {
        var plans = new PlanRepository(database);
        var views = new List<PlanView>();
        var latest = await plans.ReadLatestAsync(cancellationToken);
        for (var id = latest?.Id ?? 0; id > 0 && views.Count < count; id--)
        {
            if (await plans.ReadAsync(id, cancellationToken) is { } plan)
            {
                views.Add(new PlanView(plan, await plans.ReadSlotsAsync(id, cancellationToken)));
            }
        }

        return views;
    }

    /// <summary>
    /// Each slot's forecast as it stood (the latest issued before the slot, or before now for the slots ahead), its
    /// p10/p50/p90 of load and PV, and what was measured in the slots past.
    /// </summary>
    public async Task<object> ForecastsAsync(string? version, SlotRange range, CancellationToken cancellationToken)
    {
        var stored = await StoredVersionAsync(version, cancellationToken);
        var forecasts = await new SlotForecastRepository(database).ReadLatestAsync(stored, range, clock.GetUtcNow(), cancellationToken);
        var measured = (await new SlotObservationRepository(database).ReadRangeAsync(range, cancellationToken)).ToDictionary(o => o.SlotStart);
        var bySlot = forecasts.ToDictionary(f => f.SlotStart);
        var slots = new List<object>(range.Count);
        foreach (var slot in range)
        {
            bySlot.TryGetValue(slot, out var f);
            measured.TryGetValue(slot, out var m);
            if (f is null && m is null)
            {
                continue;
            }

            slots.Add(new
            {
                SlotStart = slot,
                f?.IssuedAt,
                LoadP10 = f?.LoadP10Kwh,
                LoadP50 = f?.LoadP50Kwh,
                LoadP90 = f?.LoadP90Kwh,
                PvP10 = f?.PvP10Kwh,
                PvP50 = f?.PvP50Kwh,
                PvP90 = f?.PvP90Kwh,
                LoadActual = m?.UnplannedLoadKwh(options.WaterHeating.Enabled),
                PvActual = m?.PvKwh,
                SocActual = m?.SocEndPercent,
                ImportActual = m?.ImportKwh,
                ExportActual = m?.ExportKwh,
            });
        }

        return new { Version = stored, Slots = slots };
    }

    /// <summary>Every version's errors by lead time and hour of day over the <paramref name="days"/> complete local days before today.</summary>
    public async Task<object> EvaluationAsync((DateOnly First, DateOnly Last) days, CancellationToken cancellationToken)
    {
        var range = SlotRange.Between(SlotGrid.LocalDay(days.First, zone).Start, SlotGrid.LocalDay(days.Last, zone).End);
        var evaluator = new ForecastEvaluator(
            new SlotForecastRepository(database), new SlotObservationRepository(database), new ModelRunRepository(database), options.WaterHeating.Enabled);
        var scores = await evaluator.EvaluateAsync(range, zone, cancellationToken);
        return new
        {
            From = days.First,
            To = days.Last,
            Active = await StoredVersionAsync(null, cancellationToken),
            Scores = scores.Select(s => new
            {
                s.Version,
                s.Lead,
                Load = Figures(s.Load),
                Pv = Figures(s.Pv),
                LoadMaeByHour = s.LoadMaeByHour.ToDictionary(p => p.Key, p => Number(p.Value)),
                PvMaeByHour = s.PvMaeByHour.ToDictionary(p => p.Key, p => Number(p.Value)),
            }).ToList(),
        };
    }

    /// <summary>Each day's costs (realised, no battery, self-consumption rule, Oracle), the regret and the savings summed from the first day.</summary>
    public async Task<object> CostsAsync((DateOnly First, DateOnly Last) days, CancellationToken cancellationToken)
    {
        var results = await new OracleResultRepository(database).ReadRangeAsync(days.First, days.Last, cancellationToken);
        var cumulative = 0.0;
        var rows = new List<object>();
        foreach (var day in results.OrderBy(r => r.Day))
        {
            if (day is { NoBatteryCost: { } none, MpcCost: { } realised })
            {
                cumulative += none - realised;
            }

            rows.Add(new { Day = CostDay(day), CumulativeSavings = cumulative });
        }

        return new { From = days.First, To = days.Last, options.Pricing.Currency, Days = rows };
    }

    /// <summary>The execution log in <paramref name="range"/>, newest first: all, or <c>commanded</c>, <c>failed</c> or <c>shadow</c> rows.</summary>
    public async Task<object> ExecutionAsync(SlotRange range, string? filter, CancellationToken cancellationToken)
    {
        Func<ExecutionRecord, bool>? keep = filter switch
        {
            null or "" or "all" => _ => true,
            "commanded" => r => r.Service is not null && !r.Shadow,
            "failed" => r => !r.Success,
            "shadow" => r => r.Shadow,
            _ => null,
        };
        if (keep is null)
        {
            throw new BadApiRequestException($"filter must be all, commanded, failed or shadow, not '{filter}'");
        }

        var rows = await new ExecutionLogRepository(database).ReadRangeAsync(range.Start, range.End, cancellationToken);
        return rows.Where(keep).OrderByDescending(r => r.ExecutedAt).ThenByDescending(r => r.Id).ToList();
    }

    /// <summary>The safe-mode episodes that overlap <paramref name="range"/>, newest first: when each began, when it ended
    /// (null while it lasts) and why, from the executor's mode-change rows.</summary>
    public async Task<IReadOnlyList<SafeModeEpisode>> SafeModeEpisodesAsync(SlotRange range, CancellationToken cancellationToken)
    {
        var safeMode = ExecutionText.Of(ExecutionMode.SafeMode);
        var changes = await new ExecutionLogRepository(database).ReadModeChangesAsync(range.Start, range.End, cancellationToken);
        var episodes = new List<SafeModeEpisode>();
        ExecutionRecord? began = null;
        foreach (var change in changes)
        {
            if (change.Mode == safeMode)
            {
                began ??= change;
            }
            else if (began is not null)
            {
                episodes.Add(new SafeModeEpisode(began.ExecutedAt, change.ExecutedAt, began.Reason));
                began = null;
            }
        }

        if (began is not null)
        {
            episodes.Add(new SafeModeEpisode(began.ExecutedAt, null, began.Reason));
        }

        episodes.Reverse();
        return episodes;
    }

    public async Task<object> SettingsAsync(CancellationToken cancellationToken) => new
    {
        Options = OptionsPrinter.ToJsonObject(options),
        Versions = VersionCommand.Components().ToDictionary(c => c.Key, c => c.Version),
        Database = new
        {
            database.Path,
            Bytes = DarkstarApi.DatabaseBytes(database),
            Rows = await DarkstarApi.CountRowsAsync(database, cancellationToken),
        },
        UserSettings = await new UserSettingRepository(database).ReadAllAsync(cancellationToken),
    };

    private static object CostDay(OracleDayResult day) => new
    {
        day.Day,
        Realised = day.MpcCost,
        NoBattery = day.NoBatteryCost,
        SelfConsumption = day.SelfConsumptionCost,
        Oracle = day.OracleCost,
        day.Regret,
    };

    private static object Figures(ErrorFigures figures) => new
    {
        figures.Count,
        Mae = Number(figures.Mae),
        Bias = Number(figures.Bias),
        Coverage = Number(figures.CoverageP10P90),
    };

    private static double? Number(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>A time the executor ran in safe mode (the inverter's self-consumption): from, until (null while it lasts), why.</summary>
public sealed record SafeModeEpisode(DateTimeOffset From, DateTimeOffset? Until, string? Reason);

/// <summary>A plan and its slots (both absent before the first plan).</summary>
public sealed record PlanView(Plan? Plan, IReadOnlyList<SlotPlan> Slots);

/// <summary>A request the API cannot answer as asked: a 400 with <see cref="Exception.Message"/>.</summary>
public sealed class BadApiRequestException(string message) : Exception(message);
