using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Tests;

/// <summary>
/// Water heating across the horizon's start: blocks started before the plan count against the day's limit and keep
/// their spacing. A 3 kW heater (0.75 kWh a slot), 6 kWh a day, at most 2 blocks, 2 hours (8 slots) between starts;
/// no battery, no load, no PV, so the heater alone decides what the plan imports.
/// </summary>
public sealed class WaterHeatingCarryOverTests
{
    private const double Cheap = 0.1;
    private const double Dear = 1.0;
    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    private static readonly WaterHeatingSpec Heater = new(true, 3, 6, 2, 8);

    /// <summary>From <paramref name="start"/> to the end of the local day (and <paramref name="extraDays"/> more), cheap in the first <paramref name="cheapSlots"/>.</summary>
    private static PlanningProblem Problem(DateTimeOffset start, TimeZoneInfo zone, int cheapSlots, WaterHeatingToday today, int extraDays = 0)
    {
        var lastDay = SlotGrid.LocalDay(SlotGrid.LocalDateOf(start, zone).AddDays(extraDays), zone);
        var slots = new SlotRange(SlotGrid.IndexOf(start), (int)(lastDay.EndIndex - SlotGrid.IndexOf(start)));
        return ProblemBuilder.Constant(slots.Count, load: 0, pv: 0, importPrice: Dear, exportPrice: 0, battery: BatterySpec.None) with
        {
            Slots = slots,
            ImportPrice = ProblemBuilder.Series(slots.Count, t => t < cheapSlots ? Cheap : Dear),
            Water = Heater,
            WaterToday = today,
            TimeZone = zone,
        };
    }

    private static int[] OnSlots(Schedule schedule) => [.. Enumerable.Range(0, schedule.Slots.Count).Where(t => schedule.Slots[t].WaterOn)];

    private static int[] Starts(Schedule schedule) =>
        [.. Enumerable.Range(0, schedule.Slots.Count).Where(t => schedule.Slots[t].WaterOn && (t == 0 || !schedule.Slots[t - 1].WaterOn))];

    [Fact]
    public void Solve_BlockStartedThirtyMinutesBeforeWithTwoHourSpacing_NoStartInTheFirstNinetyMinutes()
    {
        // 20:00 UTC; a one-slot block started at 19:30 and is over. 5.25 kWh (7 slots) are left for the day, in one
        // block (one of two is used). Slots 0–7 are cheap: without the carry-over the block would start at once.
        var start = new DateTimeOffset(2026, 6, 10, 20, 0, 0, TimeSpan.Zero);
        var today = new WaterHeatingToday(0.75, 1, false, start.AddMinutes(-30));

        var schedule = KeplerModel.Solve(Problem(start, TimeZoneInfo.Utc, cheapSlots: 8, today));
        var unaware = KeplerModel.Solve(Problem(start, TimeZoneInfo.Utc, cheapSlots: 8, today with { LastStart = null }));

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        // Two slots since the start, eight needed: slots 0–5 (90 minutes) may not start; the cheapest block left is 6–12.
        Assert.Equal(Enumerable.Range(6, 7), OnSlots(schedule));
        Assert.Equal(0, schedule.WaterShortfallKwh, 6);
        // Not knowing the earlier start, it heats seven of the eight cheap slots, starting in the first 90 minutes.
        Assert.Equal(7, OnSlots(unaware).Length);
        Assert.All(OnSlots(unaware), t => Assert.InRange(t, 0, 7));
    }

    [Fact]
    public void Solve_BlockRunningAtThePlanStart_MayGoOnWithoutANewStart()
    {
        // The block that started 30 minutes ago is still on: going on is no start, so the spacing does not cut it short.
        var start = new DateTimeOffset(2026, 6, 10, 20, 0, 0, TimeSpan.Zero);
        var today = new WaterHeatingToday(1.5, 1, true, start.AddMinutes(-30));

        var schedule = KeplerModel.Solve(Problem(start, TimeZoneInfo.Utc, cheapSlots: 8, today));

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        // 4.5 kWh left = 6 slots, heated at once in the cheap slots, as the running block's continuation.
        Assert.Equal(Enumerable.Range(0, 6), OnSlots(schedule));
        Assert.DoesNotContain(Starts(schedule), t => t > 0);
    }

    [Theory]
    [InlineData("2026-06-10")]
    [InlineData("2026-10-25")]
    public void Solve_MaxBlocksAlreadyStartedToday_NoStartTodayStartsTomorrow(string dayText)
    {
        // 18 hours into the local day, with 3 kWh still to heat today, but both of today's blocks are used (the last long ago).
        var day = DateOnly.Parse(dayText, System.Globalization.CultureInfo.InvariantCulture);
        var start = SlotGrid.StartOfLocalDay(day, Stockholm).AddHours(18);
        var today = new WaterHeatingToday(3, 2, false, start.AddHours(-6));

        var schedule = KeplerModel.Solve(Problem(start, Stockholm, cheapSlots: 8, today, extraDays: 1));
        var oneUsed = KeplerModel.Solve(Problem(start, Stockholm, cheapSlots: 8, today with { BlocksStarted = 1 }, extraDays: 1));

        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        var isToday = (ScheduledSlot s) => SlotGrid.LocalDateOf(s.Start, Stockholm) == day;
        Assert.DoesNotContain(schedule.Slots, s => isToday(s) && s.WaterOn);
        Assert.Equal(3, schedule.WaterShortfallKwh, 6);
        Assert.True(schedule.UsedSlack);
        var tomorrow = schedule.Slots.Where(s => !isToday(s)).ToList();
        Assert.Equal(6, tomorrow.Sum(s => s.WaterKwh), 6);
        Assert.InRange(Starts(schedule).Length, 1, 2);
        // With one block left today, the 3 kWh (4 slots) are heated today, in the cheap slots.
        var heatedToday = OnSlots(oneUsed).Where(t => isToday(oneUsed.Slots[t])).ToList();
        Assert.Equal(4, heatedToday.Count);
        Assert.All(heatedToday, t => Assert.InRange(t, 0, 7));
    }

    [Fact]
    public void Solve_SpringForwardNight_SpacingCountsRealTimeNotTheLocalClock()
    {
        // 2026-03-29 in Stockholm: 02:00 CET became 03:00 CEST. The block started at 01:30 CET (00:30 UTC); the plan
        // starts at 03:30 CEST (01:30 UTC). The local clock shows two hours, but only one has passed: slots 0–3 are blocked.
        var start = new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero);
        var today = new WaterHeatingToday(0.75, 1, false, new DateTimeOffset(2026, 3, 29, 0, 30, 0, TimeSpan.Zero));

        var problem = Problem(start, Stockholm, cheapSlots: 8, today);
        var schedule = KeplerModel.Solve(problem);

        Assert.Equal(82, problem.Slots.Count);
        Assert.Equal(4, today.SlotsBlockedBySpacing(problem.Slots, Heater.MinSpacingSlots));
        Assert.Equal(SolveStatus.Optimal, schedule.SolverStatus);
        // 7 slots left in the one block left: the four cheap slots allowed (4–7) and the next three.
        Assert.Equal(Enumerable.Range(4, 7), OnSlots(schedule));
    }

    [Fact]
    public void SelfConsumption_BlockStartedThirtyMinutesBefore_RuleWaitsForTheSpacing()
    {
        // The fallback rule keeps the heater's limits as the optimiser does (the first test's case).
        var start = new DateTimeOffset(2026, 6, 10, 20, 0, 0, TimeSpan.Zero);
        var today = new WaterHeatingToday(0.75, 1, false, start.AddMinutes(-30));

        var schedule = Baselines.SelfConsumption(Problem(start, TimeZoneInfo.Utc, cheapSlots: 8, today));

        Assert.Equal(Enumerable.Range(6, 7), OnSlots(schedule));
        Assert.Equal(0, schedule.WaterShortfallKwh, 6);
    }

    [Fact]
    public void SelfConsumption_BlockRunningAtThePlanStart_RuleCarriesItOn()
    {
        var start = new DateTimeOffset(2026, 6, 10, 20, 0, 0, TimeSpan.Zero);
        var today = new WaterHeatingToday(1.5, 2, true, start.AddMinutes(-30));

        var schedule = Baselines.SelfConsumption(Problem(start, TimeZoneInfo.Utc, cheapSlots: 8, today));

        // Both blocks are used and the spacing has not passed, but the running block may go on: 4.5 kWh in slots 0–5.
        Assert.Equal(Enumerable.Range(0, 6), OnSlots(schedule));
        Assert.Equal(0, schedule.WaterShortfallKwh, 6);
    }

    [Theory]
    [InlineData("2026-06-10")]
    [InlineData("2026-10-25")]
    public void SelfConsumption_MaxBlocksAlreadyStartedToday_NoBlockTodayShortfallSaid(string dayText)
    {
        var day = DateOnly.Parse(dayText, System.Globalization.CultureInfo.InvariantCulture);
        var start = SlotGrid.StartOfLocalDay(day, Stockholm).AddHours(18);
        var today = new WaterHeatingToday(3, 2, false, start.AddHours(-6));

        var schedule = Baselines.SelfConsumption(Problem(start, Stockholm, cheapSlots: 8, today, extraDays: 1));

        var isToday = (ScheduledSlot s) => SlotGrid.LocalDateOf(s.Start, Stockholm) == day;
        Assert.DoesNotContain(schedule.Slots, s => isToday(s) && s.WaterOn);
        Assert.Equal(3, schedule.WaterShortfallKwh, 6);
        Assert.Equal(6, schedule.Slots.Where(s => !isToday(s)).Sum(s => s.WaterKwh), 6);
    }

    [Fact]
    public void SelfConsumption_TwoDays_SecondDaysBlockKeepsTheSpacingFromTheFirst()
    {
        // 3 kWh a day (4 slots) and four hours (16 slots) between starts; cheap from 23:00 to 01:00. Today's block
        // starts at 23:00; tomorrow's may not start before 03:00, so it cannot simply run on after midnight.
        var start = new DateTimeOffset(2026, 6, 10, 0, 0, 0, TimeSpan.Zero);
        var problem = Problem(start, TimeZoneInfo.Utc, cheapSlots: 0, WaterHeatingToday.Nothing, extraDays: 1) with
        {
            ImportPrice = ProblemBuilder.Series(192, t => t is >= 92 and < 100 ? Cheap : Dear),
            Water = new WaterHeatingSpec(true, 3, 3, 2, 16),
        };

        var schedule = Baselines.SelfConsumption(problem);

        Assert.Equal([92, 108], Starts(schedule));
        Assert.Equal(6, schedule.Slots.Sum(s => s.WaterKwh), 6);
    }

    [Theory]
    [InlineData(-30, 8, 6)]
    [InlineData(-120, 8, 0)]
    [InlineData(-180, 8, 0)]
    [InlineData(-15, 1, 0)]
    [InlineData(-15, 96, 95)]
    public void SlotsBlockedBySpacing_LastStartBeforeTheHorizon_SpacingLeft(int minutesBefore, int spacingSlots, int blocked)
    {
        var start = new DateTimeOffset(2026, 6, 10, 20, 0, 0, TimeSpan.Zero);
        var horizon = new SlotRange(SlotGrid.IndexOf(start), 192);

        var today = new WaterHeatingToday(0, 1, false, start.AddMinutes(minutesBefore));

        Assert.Equal(blocked, today.SlotsBlockedBySpacing(horizon, spacingSlots));
        Assert.Equal(0, WaterHeatingToday.Nothing.SlotsBlockedBySpacing(horizon, spacingSlots));
    }
}
