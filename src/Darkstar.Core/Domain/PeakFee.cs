using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Core.Domain;

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

    /// <summary>The slots of the current period before <paramref name="now"/>'s slot: what its peak so far is measured on.</summary>
    public static SlotRange PeriodSoFar(PeakFeeSpec fee, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(fee);
        return SlotRange.Between(SlotGrid.StartOfLocalDay(fee.PeriodOf(SlotGrid.LocalDateOf(now, zone)), zone), SlotGrid.Floor(now));
    }

    /// <summary>
    /// The current period's peak so far (on the <paramref name="recorded"/> slots before <paramref name="currentSlot"/>) and
    /// its planned peak (on those and the <paramref name="planned"/> slots from <paramref name="currentSlot"/> on), kW.
    /// </summary>
    public static (double SoFarKw, double PlannedKw) SoFarAndPlanned(
        PeakFeeSpec fee, IEnumerable<(long SlotIndex, double ImportKwh)> recorded, IEnumerable<(long SlotIndex, double ImportKwh)> planned, long currentSlot, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(fee);
        var period = fee.PeriodOf(SlotGrid.LocalDateOf(SlotGrid.StartOf(currentSlot), zone));
        var before = recorded.Where(s => s.SlotIndex < currentSlot).ToList();
        var soFar = PeriodPeaks(fee, before, zone).GetValueOrDefault(period);
        var withPlan = PeriodPeaks(fee, before.Concat(planned.Where(s => s.SlotIndex >= currentSlot)), zone).GetValueOrDefault(period);
        return (soFar, Math.Max(soFar, withPlan));
    }
}
