using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Tests;

public sealed class PeakFeeTests
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.Utc;

    // A cheap hour at 1 kW of load, then three dear hours at 2 kW. Without a fee the plan charges the battery at full
    // power in the cheap hour, importing 6 kW.
    private static PlanningProblem CheapThenDear(double initialSocPercent = 10) =>
        ProblemBuilder.Constant(16, load: 0.25, pv: 0, importPrice: 0.1, exportPrice: 0, initialSocPercent) with
        {
            LoadKwh = ProblemBuilder.Series(16, t => t < 4 ? 0.25 : 0.5),
            ImportPrice = ProblemBuilder.Series(16, t => t < 4 ? 0.1 : 0.5),
            TerminalValuePerKwh = 0,
        };

    private static double MaxHourlyKw(Schedule schedule) =>
        schedule.Slots.Chunk(SlotGrid.SlotsPerHour).Max(hour => hour.Sum(s => s.ImportKwh));

    [Fact]
    public void Solve_WithoutFee_ChargesAtFullPowerAndReportsNoPeak()
    {
        var schedule = KeplerModel.Solve(CheapThenDear());

        Assert.Null(schedule.Peak);
        Assert.True(MaxHourlyKw(schedule) > 5.9);
    }

    [Fact]
    public void Solve_WithFee_PlansALowerPeak()
    {
        var free = KeplerModel.Solve(CheapThenDear());
        var fee = PeakFeeSpec.AllHours(50, measure: PeakMeasure.HighestHour);

        var schedule = KeplerModel.Solve(CheapThenDear() with { PeakFee = fee });

        Assert.False(schedule.Fallback);
        Assert.NotNull(schedule.Peak);
        Assert.True(MaxHourlyKw(schedule) < MaxHourlyKw(free) - 1);
        Assert.Equal(MaxHourlyKw(schedule), schedule.Peak.PeakKw, 4);
    }

    [Fact]
    public void Solve_WithAFloor_UsesTheRoomBelowItAndNeverGoesAbove()
    {
        var fee = PeakFeeSpec.AllHours(50, measure: PeakMeasure.HighestHour);
        var soFar = new PeakSoFar(new Dictionary<DateOnly, double> { [new DateOnly(2026, 6, 1)] = 3 }, 0);

        var schedule = KeplerModel.Solve(CheapThenDear() with { PeakFee = fee, PeakSoFar = soFar });

        Assert.Equal(3, schedule.Peak!.FloorKw, 6);
        Assert.Equal(3, schedule.Peak.PeakKw, 4);
        Assert.True(MaxHourlyKw(schedule) <= 3 + 1e-6);
        // Below the floor costs nothing more: the cheap hours import up to it.
        Assert.Equal(3, schedule.Slots.Take(4).Sum(s => s.ImportKwh), 4);
    }

    [Fact]
    public void Solve_FeeOutsideItsHours_LeavesThoseHoursAlone()
    {
        // The fee counts 01:00 to 04:00 only: the cheap hour (00:00-01:00) charges at full power, the dear ones import evenly.
        var fee = new PeakFeeSpec(50, PeakFeePeriod.Month, PeakMeasure.HighestHour, 1, new TimeOnly(1, 0), new TimeOnly(4, 0), false);

        var schedule = KeplerModel.Solve(CheapThenDear() with { PeakFee = fee });

        Assert.True(schedule.Slots.Take(4).Sum(s => s.ImportKwh) > 5.9);
        var dear = schedule.Slots.Skip(4).Chunk(4).Select(h => h.Sum(s => s.ImportKwh)).ToList();
        Assert.Equal(dear.Average(), dear.Max(), 4);
        Assert.Equal(dear.Max(), schedule.Peak!.PeakKw, 4);
    }

    [Fact]
    public void Solve_MeanOfTopDays_TodayBelowTheThirdHighestDayIsFree()
    {
        var fee = PeakFeeSpec.AllHours(50, topCount: 3);
        var days = new Dictionary<DateOnly, double> { [new DateOnly(2026, 5, 28)] = 5, [new DateOnly(2026, 5, 29)] = 4, [new DateOnly(2026, 5, 30)] = 3 };
        // A new month (June) starts with the horizon: May's days do not count.
        var june = KeplerModel.Solve(CheapThenDear() with { PeakFee = fee, PeakSoFar = new PeakSoFar(days, 0) });
        var may = CheapThenDear() with
        {
            Slots = new SlotRange(SlotGrid.IndexOf(new DateTimeOffset(2026, 5, 31, 0, 0, 0, TimeSpan.Zero)), 16),
            PeakFee = fee,
            PeakSoFar = new PeakSoFar(days, 0),
        };

        var schedule = KeplerModel.Solve(may);

        Assert.Equal(4, schedule.Peak!.FloorKw, 6);
        Assert.Equal(4, schedule.Peak.PeakKw, 4);
        Assert.Equal(3, MaxHourlyKw(schedule), 4);
        Assert.True(MaxHourlyKw(june) < 3);
    }

    [Fact]
    public void FromRecorded_KeepsThePeriodsDaysAndTheStartedInterval()
    {
        var fee = PeakFeeSpec.AllHours(50, topCount: 3);
        var horizon = SlotGrid.IndexOf(new DateTimeOffset(2026, 6, 2, 10, 30, 0, TimeSpan.Zero));
        var recorded = new List<(long, double)>
        {
            (SlotGrid.IndexOf(new DateTimeOffset(2026, 5, 31, 12, 0, 0, TimeSpan.Zero)), 9), // May: another period
            (SlotGrid.IndexOf(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)), 1),
            (SlotGrid.IndexOf(new DateTimeOffset(2026, 6, 1, 12, 15, 0, TimeSpan.Zero)), 1),
            (SlotGrid.IndexOf(new DateTimeOffset(2026, 6, 2, 9, 45, 0, TimeSpan.Zero)), 0.5),
            (SlotGrid.IndexOf(new DateTimeOffset(2026, 6, 2, 10, 0, 0, TimeSpan.Zero)), 0.75), // the hour the horizon starts in
            (SlotGrid.IndexOf(new DateTimeOffset(2026, 6, 2, 10, 15, 0, TimeSpan.Zero)), 0.25),
        };

        var soFar = PeakSoFar.FromRecorded(fee, recorded, horizon, Zone);

        Assert.Equal(2, soFar.DailyPeakKw.Count);
        Assert.Equal(2, soFar.DailyPeakKw[new DateOnly(2026, 6, 1)], 9);
        Assert.Equal(0.5, soFar.DailyPeakKw[new DateOnly(2026, 6, 2)], 9);
        Assert.Equal(1, soFar.CurrentIntervalImportKwh, 9);
        Assert.Equal(2.5 / 3, soFar.PeakKw(fee), 9);
    }

    [Fact]
    public void Solve_StartingInsideAnHour_CountsWhatThatHourAlreadyImported()
    {
        var fee = PeakFeeSpec.AllHours(50, measure: PeakMeasure.HighestHour);
        var problem = CheapThenDear() with
        {
            Slots = new SlotRange(SlotGrid.IndexOf(ProblemBuilder.Start) + 2, 16),
            PeakFee = fee,
            PeakSoFar = new PeakSoFar(new Dictionary<DateOnly, double>(), CurrentIntervalImportKwh: 2),
        };

        var schedule = KeplerModel.Solve(problem);

        // The first hour already holds 2 kWh; its two planned slots add to them.
        Assert.True(schedule.Peak!.PeakKw >= 2 + schedule.Slots.Take(2).Sum(s => s.ImportKwh) - 1e-6);
    }
}
