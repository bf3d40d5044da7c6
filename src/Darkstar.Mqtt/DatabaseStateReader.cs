using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Evaluation;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;

namespace Darkstar.Mqtt;

/// <summary>
/// Reads the figures Darkstar publishes from what the database holds now, and publishes them. What the database
/// lacks (no plan yet, no prices for this slot, no Oracle day) is published as unknown, never made up.
/// </summary>
/// <param name="resolveForecastVersion">
/// The stored version an option value means (Aurora's forecasts are stored as its current <c>aurora_vN</c>); null
/// reads the option's text as it is.
/// </param>
/// <param name="waterHeaterPlanned">The planner schedules the water heater: load is forecast and scored without it.</param>
/// <param name="peakFee">The grid's peak fee, whose period peak (so far and planned) is published; null publishes it unknown.</param>
/// <param name="flexibleLoads">The names of the configured flexible loads (<c>flexible_loads</c>), each published as a sensor.</param>
public sealed class DatabaseStateReader(
    DarkstarDatabase database,
    TimeProvider clock,
    Func<ForecastVersion, CancellationToken, Task<string>>? resolveForecastVersion = null,
    bool waterHeaterPlanned = false,
    PeakFeeSpec? peakFee = null,
    IReadOnlyList<string>? flexibleLoads = null)
{
    private const int HorizonSlots = 48 * SlotGrid.SlotsPerHour;

    /// <summary>The days the published forecast error covers, the complete local days before today.</summary>
    public const int AccuracyDays = 7;

    private (DateOnly Today, string Version, double? MaeKwh)? _accuracy;

    /// <param name="forecastVersion">The active forecast version as the select entity shows it (<c>aurora</c>, <c>baseline_7_day_avg</c>).</param>
    public async Task PublishAsync(DarkstarPublisher publisher, string forecastVersion, TimeZoneInfo timeZone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(timeZone);
        var now = clock.GetUtcNow();
        var currentSlot = SlotGrid.Floor(now);
        var horizon = new SlotRange(SlotGrid.IndexOf(currentSlot), HorizonSlots);
        var stored = resolveForecastVersion is null
            ? forecastVersion
            : await resolveForecastVersion(ForecastVersionText.Parse(forecastVersion), cancellationToken);

        publisher.PublishForecasts(
            await ForecastAsync(stored, horizon, now, f => f.LoadP50Kwh, cancellationToken),
            await ForecastAsync(stored, horizon, now, f => f.PvP50Kwh, cancellationToken),
            stored);
        publisher.PublishForecastAccuracy(await AccuracyAsync(stored, now, timeZone, cancellationToken));

        var plans = new PlanRepository(database);
        var plan = await plans.ReadLatestAsync(cancellationToken);
        var planSlots = plan is null ? [] : await plans.ReadSlotsAsync(plan.Id, cancellationToken);
        publisher.PublishPlan(Snapshot(planSlots, currentSlot));
        var (peakSoFar, plannedPeak) = await PeakAsync(planSlots, now, timeZone, cancellationToken);
        publisher.PublishPeak(peakSoFar, plannedPeak);

        var prices = await new PriceRepository(database).ReadRangeAsync(horizon, cancellationToken);
        var priceNow = prices.FirstOrDefault(p => p.SlotStart == currentSlot);
        publisher.PublishPrices(
            priceNow?.ImportPrice,
            priceNow?.ExportPrice,
            CheapNow(prices, priceNow),
            Series(horizon, prices, p => p.SlotStart, p => p.ImportPrice),
            Series(horizon, prices, p => p.SlotStart, p => p.ExportPrice));

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, timeZone).DateTime);
        var todayStart = LocalMidnightUtc(today, timeZone);
        var tomorrowStart = LocalMidnightUtc(today.AddDays(1), timeZone);
        var todaysSlots = planSlots.Where(s => s.SlotStart >= todayStart && s.SlotStart < tomorrowStart).ToList();
        // A plan made during the day covers only the rest of it: its cost is today's only when it covers the whole day.
        double? plannedToday = todaysSlots.Count > 0 && todaysSlots[0].SlotStart == todayStart ? todaysSlots.Sum(s => s.Cost) : null;
        var oracleDays = await new OracleResultRepository(database).ReadRangeAsync(today.AddDays(-1), today.AddDays(-1), cancellationToken);
        var yesterday = oracleDays.Count > 0 ? oracleDays[0] : null;
        publisher.PublishCosts(plannedToday, yesterday?.MpcCost, yesterday?.Regret);
        if (flexibleLoads is { Count: > 0 })
        {
            // Without a plan there is nothing to say of the loads' day: unknown, not zero.
            publisher.PublishFlexibleLoads(plan is null
                ? [.. flexibleLoads.Select(name => new FlexibleLoadReading(name, null, 0, null, false))]
                : await FlexibleLoadsAsync(planSlots, now, timeZone, cancellationToken));
        }
    }

    /// <summary>
    /// Each configured flexible load today: what the plans in charge ran since local midnight, what <paramref name="planSlots"/>
    /// (the latest plan) runs from the current slot to the day's end, its next start and whether it runs now.
    /// </summary>
    public async Task<IReadOnlyList<FlexibleLoadReading>> FlexibleLoadsAsync(IReadOnlyList<SlotPlan> planSlots, DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planSlots);
        ArgumentNullException.ThrowIfNull(zone);
        if (flexibleLoads is not { Count: > 0 })
        {
            return [];
        }

        var currentSlot = SlotGrid.Floor(now);
        var today = SlotGrid.LocalDay(SlotGrid.LocalDateOf(now, zone), zone);
        var ran = await new PlanRepository(database).ReadFlexibleLoadsInChargeAsync(today.Start, currentSlot, cancellationToken);
        var ahead = planSlots.Where(s => s.SlotStart >= currentSlot).OrderBy(s => s.SlotStart).ToList();
        var readings = new List<FlexibleLoadReading>();
        foreach (var name in flexibleLoads)
        {
            var ranKwh = ran.Values.Sum(kwh => kwh.GetValueOrDefault(name));
            var plannedKwh = ahead.Where(s => s.SlotStart < today.End).Sum(s => s.FlexibleLoadKwhOf(name));
            var runningNow = ahead.Count > 0 && ahead[0].SlotStart == currentSlot && ahead[0].FlexibleLoadKwhOf(name) > 0.01;
            DateTimeOffset? next = runningNow ? currentSlot : null;
            for (var i = 0; next is null && i < ahead.Count; i++)
            {
                if (ahead[i].FlexibleLoadKwhOf(name) > 0.01)
                {
                    next = ahead[i].SlotStart;
                }
            }

            readings.Add(new FlexibleLoadReading(name, ranKwh + plannedKwh, ranKwh, next, runningNow));
        }

        return readings;
    }

    /// <summary>With a peak fee: the period's peak so far (recorded slots) and as planned (those and the plan from now on), kW.</summary>
    public async Task<(double? SoFarKw, double? PlannedKw)> PeakAsync(IReadOnlyList<SlotPlan> planSlots, DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planSlots);
        if (peakFee is null)
        {
            return (null, null);
        }

        return await PeakReading.ReadAsync(database, peakFee, planSlots, now, zone, cancellationToken);
    }

    /// <summary>
    /// The day-ahead (0–24 h lead) mean absolute error of the active version's load p50, in kWh per slot, over the
    /// <see cref="AccuracyDays"/> complete local days before today; null before any of them was forecast. Worked out
    /// once a day (or when the version changes): it reads a week of stored forecasts.
    /// </summary>
    public async Task<double?> AccuracyAsync(string version, DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = SlotGrid.LocalDateOf(now, zone);
        if (_accuracy is { } cached && cached.Today == today && cached.Version == version)
        {
            return cached.MaeKwh;
        }

        var evaluator = new ForecastEvaluator(
            new SlotForecastRepository(database), new SlotObservationRepository(database), new ModelRunRepository(database), waterHeaterPlanned);
        // A day at a time: a week holds some 130,000 stored forecasts of one version (one issue every quarter hour).
        var errorSum = 0.0;
        var count = 0;
        for (var day = today.AddDays(-AccuracyDays); day < today; day = day.AddDays(1))
        {
            var dayAhead = (await evaluator.EvaluateAsync(version, SlotGrid.LocalDay(day, zone), zone, cancellationToken))
                .FirstOrDefault(s => s.Lead == ForecastEvaluator.Leads[0])?.Load;
            if (dayAhead is { Count: > 0 })
            {
                errorSum += dayAhead.Mae * dayAhead.Count;
                count += dayAhead.Count;
            }
        }

        double? mae = count > 0 ? errorSum / count : null;
        _accuracy = (today, version, mae);
        return mae;
    }

    private static PlanSnapshot? Snapshot(IReadOnlyList<SlotPlan> slots, DateTimeOffset currentSlot)
    {
        var ahead = slots.Where(s => s.SlotStart >= currentSlot).OrderBy(s => s.SlotStart).Take(SlotSeries.MaxSlots).ToList();
        if (ahead.Count == 0 || ahead[0].SlotStart != currentSlot)
        {
            return null;
        }

        var hours = SlotGrid.SlotLength.TotalHours;
        var now = ahead[0];
        return new PlanSnapshot
        {
            Action = now.Action,
            TargetSocPercent = now.SocEndPercent,
            BatteryPowerKw = (now.ChargeKwh - now.DischargeKwh) / hours,
            GridPowerKw = (now.ImportKwh - now.ExportKwh) / hours,
            WaterHeaterOn = now.WaterOn,
            HorizonStart = now.SlotStart,
            Actions = [.. ahead.Select(s => s.Action)],
            SocPercent = [.. ahead.Select(s => (double?)s.SocEndPercent)],
            BatteryKw = [.. ahead.Select(s => (double?)((s.ChargeKwh - s.DischargeKwh) / hours))],
            GridKw = [.. ahead.Select(s => (double?)((s.ImportKwh - s.ExportKwh) / hours))],
        };
    }

    private async Task<SlotSeries?> ForecastAsync(
        string version, SlotRange horizon, DateTimeOffset now, Func<SlotForecast, double> value, CancellationToken cancellationToken)
    {
        var forecasts = await new SlotForecastRepository(database).ReadLatestAsync(version, horizon, now, cancellationToken);
        // The forecast's state is the next slot's value, so the series starts at the next slot.
        var fromNext = new SlotRange(horizon.FirstIndex + 1, horizon.Count - 1);
        return forecasts.Count == 0 ? null : Series(fromNext, forecasts, f => f.SlotStart, value);
    }

    private static SlotSeries? Series<T>(SlotRange range, IReadOnlyList<T> rows, Func<T, DateTimeOffset> slotOf, Func<T, double> value)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        var bySlot = rows.GroupBy(slotOf).ToDictionary(g => g.Key, g => value(g.Last()));
        var values = range.Select(slot => bySlot.TryGetValue(slot, out var v) ? v : (double?)null).ToList();
        while (values.Count > 0 && values[^1] is null)
        {
            values.RemoveAt(values.Count - 1);
        }

        return values.Count == 0 ? null : SlotSeries.QuarterHours(range.Start, values);
    }

    /// <summary>Cheap: the current import price is in the cheapest quarter of the prices known from now on.</summary>
    private static bool? CheapNow(IReadOnlyList<SlotPrice> prices, SlotPrice? now)
    {
        if (now is null)
        {
            return null;
        }

        var sorted = prices.Select(p => p.ImportPrice).Order().ToList();
        return now.ImportPrice <= sorted[(sorted.Count - 1) / 4];
    }

    private static DateTimeOffset LocalMidnightUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
