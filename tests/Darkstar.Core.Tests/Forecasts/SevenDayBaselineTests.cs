using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Time;

namespace Darkstar.Core.Tests.Forecasts;

public sealed class SevenDayBaselineTests
{
    private static readonly TimeZoneInfo Berlin = TimeZones.Find("Europe/Berlin");

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) =>
        new(new DateTime(2026, month, day, hour, minute, 0), Berlin.GetUtcOffset(new DateTime(2026, month, day, hour, minute, 0)));

    /// <summary>Load measured at <paramref name="hour"/>:<paramref name="minute"/> local is the day of the month; any other slot measured 100.</summary>
    private static Func<long, MeasuredSlot> DayOfMonthAt(int hour, int minute = 0) => index =>
    {
        var local = TimeZoneInfo.ConvertTime(SlotGrid.StartOf(index), Berlin);
        return local.Hour == hour && local.Minute == minute ? new MeasuredSlot(local.Day, 0) : new MeasuredSlot(100, 0);
    };

    private static BaselineSlot One(DateTimeOffset target, DateTimeOffset issuedAt, Func<long, MeasuredSlot> measured) =>
        SevenDayBaseline.Forecast(new SlotRange(SlotGrid.IndexOf(target), 1), issuedAt, Berlin, measured).Single();

    [Fact]
    public void Forecast_SevenDaysBefore_MeanAndPercentilesOfTheSameLocalTime()
    {
        var target = Local(3, 20, 7);

        var slot = One(target, target, DayOfMonthAt(7));

        // 13th to 19th March.
        Assert.Equal(16, slot.Load!.Value.P50, 9);
        Assert.Equal(13.6, slot.Load.Value.P10, 9);
        Assert.Equal(18.4, slot.Load.Value.P90, 9);
    }

    [Fact]
    public void Forecast_AfterTheClocksGoForward_SameWallClockTimeNotTheSameUtcTime()
    {
        // Clocks went forward on 29 March: 07:00 on the days before was 06:00 UTC, on the 31st it is 05:00 UTC.
        var target = Local(3, 31, 7);

        var slot = One(target, target, DayOfMonthAt(7));

        Assert.Equal(27, slot.Load!.Value.P50, 9);
    }

    [Fact]
    public void Forecast_TimeTheClocksSkipped_LooksOneDayFurtherBack()
    {
        // 02:30 did not happen on 29 March.
        var target = Local(4, 1, 2, 30);

        var slot = One(target, target, DayOfMonthAt(2, 30));

        Assert.Equal(new[] { 31.0, 30, 28, 27, 26, 25, 24 }.Average(), slot.Load!.Value.P50, 9);
    }

    [Fact]
    public void Forecast_TargetTomorrow_OnlyDaysThatHadEndedByTheIssue()
    {
        var issuedAt = Local(3, 20, 12);

        var slot = One(Local(3, 21, 18), issuedAt, DayOfMonthAt(18));

        // The 20th at 18:00 had not happened at noon: the 13th to the 19th.
        Assert.Equal(16, slot.Load!.Value.P50, 9);
    }

    [Fact]
    public void Forecast_DaysUnmeasured_SevenMeasuredOnesFromFurtherBack()
    {
        var target = Local(3, 20, 7);
        var measured = DayOfMonthAt(7);

        // No load measured from the 15th to the 18th; PV measured throughout (1 kWh on those days, else 0).
        var slot = One(target, target, index =>
            TimeZoneInfo.ConvertTime(SlotGrid.StartOf(index), Berlin).Day is >= 15 and <= 18 ? new MeasuredSlot(null, 1) : measured(index));

        Assert.Equal(new[] { 19.0, 14, 13, 12, 11, 10, 9 }.Average(), slot.Load!.Value.P50, 9);
        // PV is its own: the seven latest days, four of them the days without load.
        Assert.Equal(4 / 7.0, slot.Pv!.Value.P50, 9);
    }

    [Fact]
    public void Forecast_NothingMeasured_NoBaseline()
    {
        var target = Local(3, 20, 7);

        var slot = One(target, target, _ => new MeasuredSlot(null, 2));

        Assert.Null(slot.Load);
        Assert.Equal(new QuantileTriple(2, 2, 2), slot.Pv);
    }
}
