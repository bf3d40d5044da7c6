using System.Globalization;
using Darkstar.Core.Time;
using Darkstar.Simulation.Home;
using Xunit.Abstractions;

namespace Darkstar.ServiceTests;

/// <summary>The flexible loads end to end: the service plans the simulated home's dishwasher and switches it.</summary>
[Collection(ServiceTestGroup.Name)]
public sealed class FlexibleLoadServiceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Two whole simulated days of the simulated home's dishwasher (<c>flexible_loads</c>: 1.8 kW, 1.8 kWh a day between
    /// 10:00 and 18:00, one run of at least an hour): each day it draws its daily energy inside its window and nowhere
    /// else, in at most its one start, and its switch is commanded on and off, at most once a slot after its first minutes.
    /// </summary>
    [Fact]
    public async Task SimulatedDishwasher_TwoDays_ItsDailyEnergyInItsWindowWithItsStarts()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        await using var rig = await ServiceRig.StartAsync(null, limit.Token);
        var service = rig.Service;
        var load = Assert.Single(rig.Options.FlexibleLoads);
        Assert.Equal(EntityIds.Dishwasher, load.SwitchEntity);
        var zone = TimeZones.Find(rig.Options.Location.TimeZone!);
        var firstDay = SlotGrid.LocalDateOf(service.Started, zone).AddDays(1);
        var days = new[] { firstDay, firstDay.AddDays(1) };
        await service.RunUntilAsync(SlotGrid.LocalDay(days[^1], zone).End, limit.Token);

        var commands = service.CommandsReceived().Where(c => c.EntityIds.Contains(EntityIds.Dishwasher)).ToList();
        var summary = await service.StopAsync(limit.Token);

        Assert.Equal(0, summary.Errors);
        foreach (var day in days)
        {
            var slots = SlotGrid.LocalDay(day, zone).Select(s => (Start: s, Kwh: service.Home.Model.DishwasherKwh(s))).ToList();
            var windowStart = LocalTime.ToInstant(day, load.EarliestStart, zone);
            var windowEnd = LocalTime.ToInstant(day, load.LatestEnd, zone);
            var inWindow = slots.Where(s => s.Start >= windowStart && s.Start < windowEnd).Sum(s => s.Kwh);
            var outside = slots.Where(s => s.Start < windowStart || s.Start >= windowEnd).Sum(s => s.Kwh);
            // Runs: slots drawing it after one that did not (a minute's tick of a switch late in a slot still counts).
            var starts = slots.Where((s, i) => s.Kwh > 0.01 && (i == 0 || slots[i - 1].Kwh <= 0.01)).Select(s => s.Start).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{day:yyyy-MM-dd}: {inWindow:0.###} kWh in its window, {outside:0.###} outside, starts at {string.Join(", ", starts.Select(s => TimeZoneInfo.ConvertTime(s, zone).ToString("HH:mm", CultureInfo.InvariantCulture)))}"));

            // Its daily energy, give or take the minute a switch command takes to arrive.
            Assert.InRange(inWindow, load.KwhPerDay - 0.1, load.KwhPerDay + 0.1);
            // Outside it, at most the minute or two a run's last switch-off takes to arrive after the window's end.
            Assert.InRange(outside, 0, 0.1);
            Assert.InRange(starts.Count, 1, load.MaxStartsPerDay);
        }

        // Switched on and off by the executor, and calmly: at most one command a slot after its first two minutes.
        output.WriteLine($"dishwasher commands: {string.Join(", ", commands.Select(c => $"{c.Service}@{InstantText.Format(c.At)}"))}");
        Assert.Contains(commands, c => c.Service == "turn_on");
        Assert.Contains(commands, c => c.Service == "turn_off");
        Assert.All(commands, c => Assert.False(c.Failed));
        var repeated = commands.Where(c => c.At - SlotGrid.Floor(c.At) >= TimeSpan.FromMinutes(2))
            .GroupBy(c => SlotGrid.Floor(c.At)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"commanded more than once in a slot: {string.Join("; ", repeated)}");
        Assert.InRange(commands.Count(c => c.Service == "turn_on" && days.Contains(SlotGrid.LocalDateOf(c.At, zone))), 1, days.Length * load.MaxStartsPerDay);
    }
}
