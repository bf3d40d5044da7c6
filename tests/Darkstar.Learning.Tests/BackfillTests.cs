using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Rest;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Learning.Backfill;
using Darkstar.Learning.Etl;
using Darkstar.Simulation;
using Darkstar.Simulation.Home;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Learning.Tests;

public sealed class BackfillTests
{
    // Not on the hour: a day's chunk then straddles the hour where the recorder's 5-minute rows begin.
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 10, 45, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_ThirtyDaysFromTheSimulatedHome_MatchesItsCountersAndASecondRunChangesNothing()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var rig = await HomeRig.StartAsync(Now, TimeSpan.FromDays(31), limit.Token, seed: 1);
        var (client, harness, backfill) = (rig.Client, rig.Harness, rig.Backfill);
        await client.StartAsync(limit.Token);

        var report = await backfill.RunAsync(30, null, limit.Token);

        Assert.True(report.HourlyDays > 0 && report.FiveMinuteDays > 0, $"{report.HourlyDays} hourly, {report.FiveMinuteDays} 5-minute days");
        var range = SlotRange.Between(Now - TimeSpan.FromDays(30), Now);
        var slots = await harness.Observations.ReadRangeAsync(range, limit.Token);
        Assert.InRange(slots.Count, range.Count - 8, range.Count);
        // The simulated home's load counter is its ground truth; the backfill reads it only through the recorder.
        var stats = await client.GetStatisticsDuringPeriodAsync(new HomeAssistant.Model.StatisticsRequest(
            [EntityIds.LoadEnergy], slots[0].SlotStart, slots[^1].SlotStart + SlotGrid.SlotLength, HomeAssistant.Model.StatisticsPeriod.Hour,
            HomeAssistant.Model.StatisticTypes.Change), limit.Token);
        var trueLoad = stats[EntityIds.LoadEnergy].Sum(r => r.Change ?? 0);
        var load = slots.Sum(s => s.LoadKwh ?? 0);
        Assert.InRange(load, trueLoad * 0.99, trueLoad * 1.01);
        // Hour by hour too: the day across the edge of the recorder's 5-minute rows is read hourly where they end,
        // not spread evenly across the day.
        var hours = slots.Where(s => s.LoadKwh is not null).GroupBy(s => SlotGrid.Floor(s.SlotStart) - TimeSpan.FromMinutes(s.SlotStart.Minute))
            .Where(g => g.Count() == 4).ToDictionary(g => g.Key, g => g.Sum(s => s.LoadKwh!.Value));
        var compared = 0;
        foreach (var row in stats[EntityIds.LoadEnergy].Where(r => hours.ContainsKey(r.Start)))
        {
            Assert.True(Math.Abs(hours[row.Start] - (row.Change ?? 0)) < 0.005, $"{row.Start:O}: {hours[row.Start]:0.000} kWh in slots, {row.Change:0.000} kWh in the recorder");
            compared++;
        }

        Assert.True(compared >= (30 * 24) - 4, $"only {compared} whole hours compared");
        Assert.DoesNotContain(slots, s => s.QualityFlags.HasFlag(SlotQuality.Interpolated));
        // The first 5-minute row after the purged ones claims the whole meter as its change; its slot is measured all the same.
        Assert.All(slots.Skip(1), s => Assert.True(s.LoadKwh is not null, $"{InstantText.Format(s.SlotStart)}: {s.QualityFlags}"));
        Assert.All(slots, s => Assert.True(s.QualityFlags.HasFlag(SlotQuality.Backfilled)));
        Assert.Contains(slots, s => s.SocStartPercent is not null);

        var again = await backfill.RunAsync(30, null, limit.Token);

        Assert.Equal(0, again.SlotsWritten);
        Assert.Equal(slots, await harness.Observations.ReadRangeAsync(range, limit.Token));
    }

    [Fact]
    public async Task RunAsync_MoreDaysThanRecorded_ReadsTheOlderDaysOnceAndLeavesTheRecordedOnesAndTheBaselines()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await using var rig = await HomeRig.StartAsync(Now, TimeSpan.FromDays(12), limit.Token, seed: 1);
        var (client, harness, etl, backfill) = (rig.Client, rig.Harness, rig.Etl, rig.Backfill);
        await client.StartAsync(limit.Token);
        var everything = SlotRange.Between(Now - TimeSpan.FromDays(20), Now);
        await backfill.RunAsync(5, null, limit.Token);
        var recorded = await harness.Observations.ReadRangeAsync(everything, limit.Token);
        var baselines = await etl.ReadBaselinesAsync(limit.Token);

        // Twenty days asked for; the home's recorder holds twelve.
        var report = await backfill.RunAsync(20, null, limit.Token);

        var stored = await harness.Observations.ReadRangeAsync(everything, limit.Token);
        var older = stored.Where(s => s.SlotStart < recorded[0].SlotStart).ToList();
        Assert.InRange(older.Count, (7 * 96) - 8, 7 * 96);
        Assert.InRange(older[0].SlotStart, report.From, report.From + TimeSpan.FromHours(1));
        Assert.All(older.Skip(1), s => Assert.True(s.LoadKwh is not null && s.HeatPumpKwh is not null && s.EvKwh is not null, $"{InstantText.Format(s.SlotStart)}: {s.QualityFlags}"));
        Assert.DoesNotContain(older, s => s.QualityFlags.HasFlag(SlotQuality.Interpolated));
        Assert.Equal(recorded.Skip(1), stored.Where(s => s.SlotStart > recorded[0].SlotStart));
        Assert.Equal(baselines, await etl.ReadBaselinesAsync(limit.Token));
        // The energy of the older days is what the recorder's hours say.
        var stats = await client.GetStatisticsDuringPeriodAsync(new HomeAssistant.Model.StatisticsRequest(
            [EntityIds.LoadEnergy], older[1].SlotStart, recorded[0].SlotStart, HomeAssistant.Model.StatisticsPeriod.Hour,
            HomeAssistant.Model.StatisticTypes.Change), limit.Token);
        var trueLoad = stats[EntityIds.LoadEnergy].Where(r => r.Start >= older[1].SlotStart && r.End <= recorded[0].SlotStart).ToList();
        var load = older.Where(s => s.SlotStart >= trueLoad[0].Start && s.SlotStart < trueLoad[^1].End).Sum(s => s.LoadKwh!.Value);
        Assert.Equal(trueLoad.Sum(r => r.Change ?? 0), load, 0.01);

        var again = await backfill.RunAsync(20, null, limit.Token);

        Assert.Equal(0, again.SlotsWritten);
        Assert.Equal(stored, await harness.Observations.ReadRangeAsync(everything, limit.Token));
    }

    [Fact]
    public void Joined_FiveMinuteRowsFromMidHour_HourlyUpToTheNextWholeHourThenFiveMinutes()
    {
        var day = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var hourly = Enumerable.Range(0, 24).Select(h => Row(day.AddHours(h), TimeSpan.FromHours(1))).ToList();
        var fine = Enumerable.Range(0, 12 * 24).Select(m => Row(day.AddMinutes(5 * m), TimeSpan.FromMinutes(5)))
            .Where(r => r.Start >= day.AddHours(9).AddMinutes(35)).ToList();

        var joined = StatisticsBackfill.Joined(hourly, fine);

        Assert.Equal(day.AddHours(10), joined.Last(r => r.End - r.Start == TimeSpan.FromHours(1)).End);
        Assert.Equal(day.AddHours(10), joined.First(r => r.End - r.Start == TimeSpan.FromMinutes(5)).Start);
        Assert.All(joined.Zip(joined.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        Assert.Equal(day, joined[0].Start);
        Assert.Equal(day.AddDays(1), joined[^1].End);
        Assert.Same(hourly, StatisticsBackfill.Joined(hourly, []));
        Assert.Same(fine, StatisticsBackfill.Joined(null, fine));
    }

    private static HomeAssistant.Model.StatisticsRow Row(DateTimeOffset start, TimeSpan length) =>
        new(start, start + length, null, null, null, 1, null, 0.1, null);
}
