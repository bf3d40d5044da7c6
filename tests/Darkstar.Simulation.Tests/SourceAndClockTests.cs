using System.Text.Json.Nodes;
using Darkstar.Simulation.Clock;
using Darkstar.Simulation.Sources;
using Darkstar.Testing;

namespace Darkstar.Simulation.Tests;

public sealed class SourceAndClockTests
{
    [Fact]
    public void Synthetic_SameSeed_SameValues()
    {
        var a = new SyntheticSource(42);
        var b = new SyntheticSource(42);
        var c = new SyntheticSource(43);
        var instant = new DateTimeOffset(2026, 5, 20, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(a.Sample(instant, TimeSpan.FromMinutes(1)), b.Sample(instant, TimeSpan.FromMinutes(1)));
        Assert.Equal(a.PricesForDay(new DateOnly(2026, 5, 20)), b.PricesForDay(new DateOnly(2026, 5, 20)));
        Assert.NotEqual(a.Sample(instant, TimeSpan.FromMinutes(1)), c.Sample(instant, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Synthetic_Night_NoPvButLoad()
    {
        var source = new SyntheticSource(1);

        var night = source.Sample(new DateTimeOffset(2026, 6, 15, 23, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(1));

        Assert.Equal(0, night.PvKw);
        Assert.True(night.LoadKw > 0.2);
    }

    [Fact]
    public void Synthetic_Summer_MorePvThanWinter()
    {
        var source = new SyntheticSource(1);
        double Day(DateOnly day) => Enumerable.Range(0, 24 * 4)
            .Sum(q => source.Sample(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(15 * q), TimeSpan.FromMinutes(15)).PvKw / 4);

        var june = Enumerable.Range(0, 30).Sum(d => Day(new DateOnly(2026, 6, 1).AddDays(d)));
        var december = Enumerable.Range(0, 30).Sum(d => Day(new DateOnly(2026, 12, 1).AddDays(d)));

        Assert.True(june > 5 * december, $"June {june:F0} kWh, December {december:F0} kWh");
        Assert.InRange(june / 30, 10, 60);
    }

    [Fact]
    public void Synthetic_SubMeters_HeatPumpInTheColdAndCarOnSomeEveningsInsideTheLoad()
    {
        var source = new SyntheticSource(1);
        var zone = SyntheticSource.Stockholm.TimeZone;
        var samples = Enumerable.Range(0, 365 * 24 * 4)
            .Select(q => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes((15 * q) + 7.5))
            .Select(t => (Local: TimeZoneInfo.ConvertTime(t, zone), Sample: source.Sample(t, TimeSpan.FromMinutes(1))))
            .ToList();

        Assert.All(samples, s => Assert.True(s.Sample.HeatPumpKw + s.Sample.EvChargerKw < s.Sample.LoadKw, $"{s.Local}: {s.Sample}"));
        double HeatPump(int month) => samples.Where(s => s.Local.Month == month).Sum(s => s.Sample.HeatPumpKw / 4);
        Assert.True(HeatPump(1) > 10 * HeatPump(7), $"January {HeatPump(1):F0} kWh, July {HeatPump(7):F0} kWh");
        var charging = samples.Where(s => s.Sample.EvChargerKw > 0).ToList();
        Assert.All(charging, s => Assert.Equal(SyntheticSource.CarChargerKw, s.Sample.EvChargerKw));
        Assert.All(charging, s => Assert.True(s.Local.Hour is >= 17 or < 4, $"charging at {s.Local}"));
        var chargingDays = charging.Select(s => DateOnly.FromDateTime(s.Local.AddHours(-6).DateTime)).Distinct().Count();
        Assert.InRange(chargingDays / 365.0, SyntheticSource.CarChargingDayShare - 0.08, SyntheticSource.CarChargingDayShare + 0.08);
    }

    [Fact]
    public void Synthetic_Prices_QuarterHoursWithADailyShapeAndSomeNegativeHours()
    {
        var source = new SyntheticSource(3);
        var days = Enumerable.Range(0, 120).Select(d => source.PricesForDay(new DateOnly(2026, 3, 1).AddDays(d))!).ToList();

        Assert.All(days, d => Assert.True(d.Count is 92 or 96 or 100));
        Assert.Contains(days, d => d.Any(p => p.PricePerKwh < 0));
        var evening = days.Average(d => d.Where(p => p.Start.Hour is 16 or 17).Average(p => p.PricePerKwh));
        var night = days.Average(d => d.Where(p => p.Start.Hour is 1 or 2).Average(p => p.PricePerKwh));
        Assert.True(evening > night);
    }

    [Fact]
    public async Task SteppedClock_Advance_RunsEveryTickAndFiresItsTimers()
    {
        var clock = SimulationClock.Stepped(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ticks = new List<DateTimeOffset>();
        clock.AttachTick((instant, _) =>
        {
            ticks.Add(instant);
            return ValueTask.CompletedTask;
        });
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2));

        await clock.AdvanceAsync(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(11, ticks.Count);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero), ticks[0]);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 10, 30, TimeSpan.Zero), clock.GetUtcNow());
        Assert.Equal(5, fired);
    }

    [Fact]
    public async Task AcceleratedClock_Speed3600_AnHourPassesInAboutASecond()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = SimulationClock.Accelerated(start, 3600);

        await Task.Delay(TimeSpan.FromMilliseconds(200));

        var elapsed = clock.GetUtcNow() - start;
        Assert.InRange(elapsed, TimeSpan.FromMinutes(10), TimeSpan.FromHours(2));
        await Assert.ThrowsAsync<InvalidOperationException>(() => clock.AdvanceAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task AcceleratedHome_Running_PhysicsFollowsTheClock()
    {
        await using var home = new SimulatedHome(new SimulatedHomeOptions
        {
            ClockMode = SimulationClockMode.Accelerated,
            Speed = 3600,
            Start = TestHomes.SummerMorning,
        });
        await home.StartAsync(CancellationToken.None);

        // Half an hour of physics is half a second of real time at this speed (half an hour on the machine's clock).
        await Eventually.ReachesAsync(() => home.Model.LastTick, tick => tick >= TestHomes.SummerMorning.AddMinutes(30), "half an hour of physics");
    }

    [Fact]
    public async Task Weather_ArchiveRadiation_MatchesTheSimulatedPv()
    {
        await using var home = await TestHomes.StartAsync(TestHomes.SummerMorning);
        var pvBefore = home.States.Get(Home.EntityIds.PvEnergy)!.NumericState!.Value;
        await home.AdvanceAsync(TimeSpan.FromHours(1), CancellationToken.None);
        var pvHour = home.States.Get(Home.EntityIds.PvEnergy)!.NumericState!.Value - pvBefore;
        using var client = new HttpClient { BaseAddress = home.BaseUri };

        var archive = JsonNode.Parse(await client.GetStringAsync("v1/archive?latitude=59.33&longitude=18.07&hourly=temperature_2m,cloud_cover,shortwave_radiation&start_date=2026-06-15&end_date=2026-06-15"))!;
        var forecast = JsonNode.Parse(await client.GetStringAsync("v1/forecast?latitude=59.33&longitude=18.07&hourly=shortwave_radiation&timezone=Europe%2FStockholm&forecast_days=2"))!;

        var times = archive["hourly"]!["time"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Equal(24, times.Count);
        var index = times.IndexOf("2026-06-15T07:00");
        var radiation = archive["hourly"]!["shortwave_radiation"]![index]!.GetValue<double>();
        var source = (SyntheticSource)home.Source;
        Assert.Equal(source.PeakPvKw * radiation / 1000 * 0.95, pvHour, 0.05 * pvHour + 0.01);
        Assert.Equal("W/m²", archive["hourly_units"]!["shortwave_radiation"]!.GetValue<string>());
        Assert.Equal(48, forecast["hourly"]!["time"]!.AsArray().Count);
        Assert.Equal("2026-06-15T00:00", forecast["hourly"]!["time"]![0]!.GetValue<string>());
        Assert.Equal(7200, forecast["utc_offset_seconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Weather_UnknownVariable_ErrorAsOpenMeteo()
    {
        await using var home = await TestHomes.StartAsync();
        using var client = new HttpClient { BaseAddress = home.BaseUri };

        using var response = await client.GetAsync("v1/forecast?latitude=59.33&longitude=18.07&hourly=snowfall_depth");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body["error"]!.GetValue<bool>());
        Assert.Contains("snowfall_depth", body["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
