using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Solver;

namespace Darkstar.Planning.Model;

/// <summary>
/// A fee per kW on the period's peak import, measured as the tariff measures it: over intervals (an hour or a quarter
/// hour) whose start falls in the fee's local hours and days, the mean of the <see cref="TopCount"/> highest daily peaks
/// (each on a different day), or the single highest interval.
/// </summary>
public sealed record PeakFeeSpec(double FeePerKw, PeakFeePeriod Period, PeakMeasure Measure, int TopCount, TimeOnly From, TimeOnly To, bool WeekdaysOnly)
{
    /// <summary>The fee the options describe; null when there is none (a fee of 0, or no hours).</summary>
    public static PeakFeeSpec? FromOptions(PeakFeeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.FeePerKw > 0 && options.FromTime is { } from && options.ToTime is { } to
            ? new PeakFeeSpec(options.FeePerKw, options.Period, options.Measure, options.TopHours, from, to, options.WeekdaysOnly)
            : null;
    }

    /// <summary>A fee on every hour of every day.</summary>
    public static PeakFeeSpec AllHours(double feePerKw, PeakFeePeriod period = PeakFeePeriod.Month, PeakMeasure measure = PeakMeasure.MeanOfTopHours, int topCount = 3) =>
        new(feePerKw, period, measure, topCount, TimeOnly.MinValue, TimeOnly.MinValue, false);

    public int SlotsPerInterval => Measure == PeakMeasure.HighestQuarterHour ? 1 : SlotGrid.SlotsPerHour;

    public double IntervalHours => SlotsPerInterval * SlotGrid.MinutesPerSlot / 60.0;

    /// <summary>How many daily peaks the measure averages: the top hours for a month's mean, else the one highest.</summary>
    public int Counted => Measure == PeakMeasure.MeanOfTopHours ? Math.Max(1, TopCount) : 1;

    /// <summary>The first local day of the period <paramref name="day"/> belongs to.</summary>
    public DateOnly PeriodOf(DateOnly day) => Period == PeakFeePeriod.Month ? new DateOnly(day.Year, day.Month, 1) : day;

    /// <summary>The interval slot <paramref name="slotIndex"/> falls in.</summary>
    public long IntervalOf(long slotIndex) => Math.DivRem(slotIndex, SlotsPerInterval, out var rest) - (rest < 0 ? 1 : 0);

    public DateTimeOffset IntervalStart(long interval) => SlotGrid.StartOf(interval * SlotsPerInterval);

    /// <summary>Whether the fee counts the interval starting at <paramref name="start"/>: in its hours, on its days.</summary>
    public bool Applies(DateTimeOffset start, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(start, zone);
        if (WeekdaysOnly && local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            return false;
        }

        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        return From == To || (From < To ? time >= From && time < To : time >= From || time < To);
    }

    /// <summary>The measured peak of one period from its daily peaks (kW): the mean of the highest <see cref="Counted"/>.</summary>
    public double PeakOf(IEnumerable<double> dailyPeaksKw) => dailyPeaksKw.OrderDescending().Take(Counted).Sum() / Counted;
}

/// <summary>
/// The peak import already reached in the period the horizon starts in: per local day, the highest interval's mean (kW)
/// among the completed intervals the fee counts, and the import already recorded in the interval the horizon starts
/// inside of (kWh), which the model adds to that interval's first planned slots.
/// </summary>
public sealed record PeakSoFar(IReadOnlyDictionary<DateOnly, double> DailyPeakKw, double CurrentIntervalImportKwh)
{
    public static PeakSoFar Nothing { get; } = new(new Dictionary<DateOnly, double>(), 0);

    /// <summary>The period's peak so far, as the tariff measures it.</summary>
    public double PeakKw(PeakFeeSpec fee)
    {
        ArgumentNullException.ThrowIfNull(fee);
        return fee.PeakOf(DailyPeakKw.Values);
    }

    /// <summary>
    /// What <paramref name="recorded"/> (slot index and import kWh; slots from the horizon's start on are ignored) says of the
    /// period the horizon starting at slot <paramref name="horizonFirstIndex"/> falls in.
    /// </summary>
    public static PeakSoFar FromRecorded(PeakFeeSpec fee, IEnumerable<(long SlotIndex, double ImportKwh)> recorded, long horizonFirstIndex, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(fee);
        ArgumentNullException.ThrowIfNull(recorded);
        var before = recorded.Where(s => s.SlotIndex < horizonFirstIndex).ToList();
        var current = fee.IntervalOf(horizonFirstIndex);
        var currentKwh = before.Where(s => fee.IntervalOf(s.SlotIndex) == current).Sum(s => Math.Max(0, s.ImportKwh));
        var period = fee.PeriodOf(SlotGrid.LocalDateOf(SlotGrid.StartOf(horizonFirstIndex), zone));
        var daily = PeakMeter.DailyPeaks(fee, before.Where(s => fee.IntervalOf(s.SlotIndex) != current), zone)
            .Where(d => fee.PeriodOf(d.Key) == period)
            .ToDictionary(d => d.Key, d => d.Value);
        return new PeakSoFar(daily, fee.Applies(fee.IntervalStart(current), zone) ? currentKwh : 0);
    }
}

/// <summary>Measures import peaks as a <see cref="PeakFeeSpec"/> counts them, on recorded or executed slots.</summary>
public static class PeakMeter
{
    /// <summary>Per local day, the highest mean (kW) of the intervals the fee counts.</summary>
    public static Dictionary<DateOnly, double> DailyPeaks(PeakFeeSpec fee, IEnumerable<(long SlotIndex, double ImportKwh)> slots, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(fee);
        ArgumentNullException.ThrowIfNull(slots);
        var daily = new Dictionary<DateOnly, double>();
        foreach (var interval in slots.GroupBy(s => fee.IntervalOf(s.SlotIndex)))
        {
            var start = fee.IntervalStart(interval.Key);
            if (!fee.Applies(start, zone))
            {
                continue;
            }

            var kw = interval.Sum(s => Math.Max(0, s.ImportKwh)) / fee.IntervalHours;
            var day = SlotGrid.LocalDateOf(start, zone);
            daily[day] = Math.Max(kw, daily.GetValueOrDefault(day));
        }

        return daily;
    }

    /// <summary>Per period (by its first local day), the peak as the tariff measures it.</summary>
    public static SortedDictionary<DateOnly, double> PeriodPeaks(PeakFeeSpec fee, IEnumerable<(long SlotIndex, double ImportKwh)> slots, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(fee);
        return new SortedDictionary<DateOnly, double>(DailyPeaks(fee, slots, zone)
            .GroupBy(d => fee.PeriodOf(d.Key))
            .ToDictionary(p => p.Key, p => fee.PeakOf(p.Select(d => d.Value))));
    }
}

/// <summary>The planned peak of the period the horizon starts in, and the floor the period had reached before it (kW).</summary>
public sealed record PlannedPeak(double PeakKw, double FloorKw);

/// <summary>
/// The peak fee in the Kepler model, all linear. Per interval the fee counts, its mean import in kW (recorded kWh of an interval
/// the horizon starts inside of included). A period measured by its single highest interval has one peak variable, at least
/// the peak so far and at least every interval, costed at the fee. A month measured by the mean of its N highest daily peaks
/// has a peak per day (at least today's so far) and the sum of the N largest of those and of the past days' peaks as
/// min over z of N·z + Σ max(0, peak − z), which the minimisation makes exact; costed at fee / N.
/// Only what the horizon adds above what the period already reached costs anything, so the plan keeps below the floor
/// only where that pays.
/// </summary>
internal static class PeakFeeModel
{
    /// <summary>Adds the fee's variables, constraints and cost; returns the expression of the first period's planned peak.</summary>
    public static (LinearExpression Peak, double Floor) Add(PlanningProblem problem, PeakFeeSpec fee, LinearModel model, Variable[] import, LinearExpression objective)
    {
        var zone = problem.TimeZone;
        var soFar = problem.PeakSoFar;
        var slots = problem.Slots;
        var firstInterval = fee.IntervalOf(slots.FirstIndex);
        var startsInside = fee.IntervalStart(firstInterval) < slots.Start;
        var firstPeriod = fee.PeriodOf(SlotGrid.LocalDateOf(slots.Start, zone));

        // Each counted interval's mean import (kW), grouped by period and local day.
        var periods = new SortedDictionary<DateOnly, SortedDictionary<DateOnly, List<LinearExpression>>>();
        for (var t = 0; t < slots.Count;)
        {
            var interval = fee.IntervalOf(slots.FirstIndex + t);
            var start = fee.IntervalStart(interval);
            var kw = new LinearExpression();
            for (; t < slots.Count && fee.IntervalOf(slots.FirstIndex + t) == interval; t++)
            {
                kw.Add(import[t], 1 / fee.IntervalHours);
            }

            if (!fee.Applies(start, zone))
            {
                continue;
            }

            if (interval == firstInterval && startsInside)
            {
                kw.AddConstant(soFar.CurrentIntervalImportKwh / fee.IntervalHours);
            }

            var day = SlotGrid.LocalDateOf(start, zone);
            var period = fee.PeriodOf(day);
            if (!periods.TryGetValue(period, out var days))
            {
                periods[period] = days = [];
            }

            if (!days.TryGetValue(day, out var intervals))
            {
                days[day] = intervals = [];
            }

            intervals.Add(kw);
        }

        // Only the days of the period the horizon starts in count towards its peak.
        var pastDaily = soFar.DailyPeakKw.Where(d => fee.PeriodOf(d.Key) == firstPeriod).ToDictionary(d => d.Key, d => d.Value);
        var floor = fee.PeakOf(pastDaily.Values);
        LinearExpression? firstPeak = null;
        foreach (var (period, days) in periods)
        {
            var isFirst = period == firstPeriod;
            var peak = fee.Counted == 1
                ? SinglePeak(model, objective, fee, period, days, isFirst ? floor : 0)
                : MeanOfTopDays(model, objective, fee, period, days, isFirst ? pastDaily : []);
            if (isFirst)
            {
                firstPeak = peak;
            }
        }

        return (firstPeak ?? new LinearExpression().AddConstant(floor), floor);
    }

    private static LinearExpression SinglePeak(
        LinearModel model, LinearExpression objective, PeakFeeSpec fee, DateOnly period, SortedDictionary<DateOnly, List<LinearExpression>> days, double floor)
    {
        var peak = model.Continuous($"peak[{period:yyyy-MM-dd}]", floor);
        var i = 0;
        foreach (var kw in days.Values.SelectMany(d => d))
        {
            model.AtLeast($"peak_above[{period:yyyy-MM-dd},{i++}]", new LinearExpression().Add(peak).Add(kw, -1), 0);
        }

        objective.Add(peak, fee.FeePerKw);
        return new LinearExpression().Add(peak);
    }

    private static LinearExpression MeanOfTopDays(
        LinearModel model, LinearExpression objective, PeakFeeSpec fee, DateOnly period, SortedDictionary<DateOnly, List<LinearExpression>> days,
        IReadOnlyDictionary<DateOnly, double> pastDaily)
    {
        var n = fee.Counted;
        var z = model.Continuous($"peak_threshold[{period:yyyy-MM-dd}]");
        var sum = new LinearExpression().Add(z, n);
        foreach (var (day, intervals) in days)
        {
            // A day the horizon plans starts from what it already reached (today).
            var dayPeak = model.Continuous($"day_peak[{day:yyyy-MM-dd}]", pastDaily.GetValueOrDefault(day));
            var i = 0;
            foreach (var kw in intervals)
            {
                model.AtLeast($"day_peak_above[{day:yyyy-MM-dd},{i++}]", new LinearExpression().Add(dayPeak).Add(kw, -1), 0);
            }

            var excess = model.Continuous($"day_peak_excess[{day:yyyy-MM-dd}]");
            model.AtLeast($"day_peak_excess_def[{day:yyyy-MM-dd}]", new LinearExpression().Add(excess).Add(dayPeak, -1).Add(z), 0);
            sum.Add(excess);
        }

        // The period's past days, of which only the N highest can count.
        var past = pastDaily.Where(d => !days.ContainsKey(d.Key)).Select(d => d.Value).OrderDescending().Take(n).ToList();
        for (var k = 0; k < past.Count; k++)
        {
            var excess = model.Continuous($"past_peak_excess[{period:yyyy-MM-dd},{k}]");
            model.AtLeast($"past_peak_excess_def[{period:yyyy-MM-dd},{k}]", new LinearExpression().Add(excess).Add(z), past[k]);
            sum.Add(excess);
        }

        objective.Add(sum, fee.FeePerKw / n);
        return new LinearExpression().Add(sum, 1.0 / n);
    }
}
