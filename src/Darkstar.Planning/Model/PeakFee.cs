using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Solver;

namespace Darkstar.Planning.Model;

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
