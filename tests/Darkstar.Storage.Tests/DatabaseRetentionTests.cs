using Dapper;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;
using Microsoft.Data.Sqlite;

namespace Darkstar.Storage.Tests;

/// <summary>Each retention rule on a real SQLite file: what it removes, what evaluation and the replays still read, and what it never touches.</summary>
public sealed class DatabaseRetentionTests
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    private static readonly DateOnly Today = new(2026, 6, 20);
    private static readonly DateTimeOffset Now = SlotGrid.StartOfLocalDay(Today, Zone) + TimeSpan.FromHours(10);
    private static readonly RetentionHorizons Horizons = new(ForecastIssuesDays: 7, PlansDays: 30, ExecutionLogDays: 90, EpisodesDays: 365);
    private static readonly string[] Versions = ["aurora_v1", "baseline_7_day_avg"];

    private static DatabaseRetention Retention(TestDatabase test) => new(test.Database, Horizons, Zone);

    private static DateTimeOffset LocalTime(DateOnly day, double hours) => SlotGrid.StartOfLocalDay(day, Zone) + TimeSpan.FromHours(hours);

    /// <summary>Four slots of the day's noon, each issued every quarter hour from 48 hours before it to its start, per version.</summary>
    private static IEnumerable<SlotForecast> IssuedEveryQuarterHour(DateOnly day) =>
        from version in Versions
        from i in Enumerable.Range(0, 4)
        let slot = LocalTime(day, 12) + (i * SlotGrid.SlotLength)
        from lead in Enumerable.Range(0, (48 * 4) + 1)
        select SlotForecastRepositoryTests.Forecast(slot, version, slot - (lead * SlotGrid.SlotLength), lead);

    [Fact]
    public async Task Forecasts_BeforeTheHorizon_KeepTheDayAheadAndTheHourAheadIssueOfEachSlot()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var forecasts = new SlotForecastRepository(test.Database);
        var old = Today.AddDays(-10);
        var recent = Today.AddDays(-3);
        await forecasts.UpsertAsync([.. IssuedEveryQuarterHour(old), .. IssuedEveryQuarterHour(recent), .. IssuedEveryQuarterHour(Today)], CancellationToken.None);
        var oldSlots = new SlotRange(SlotGrid.IndexOf(LocalTime(old, 12)), 4);
        // What a replay on stored forecasts reads at the day-ahead and the hour-ahead plan of each slot.
        var replayed = new List<SlotForecast>();
        foreach (var slot in oldSlots)
        {
            replayed.AddRange(await forecasts.ReadLatestAsync("aurora_v1", new SlotRange(SlotGrid.IndexOf(slot), 1), slot - TimeSpan.FromHours(24), CancellationToken.None));
            replayed.AddRange(await forecasts.ReadLatestAsync("aurora_v1", new SlotRange(SlotGrid.IndexOf(slot), 1), slot - TimeSpan.FromHours(1), CancellationToken.None));
        }

        var removed = await Retention(test).ApplyAsync(Now, CancellationToken.None);

        foreach (var version in Versions)
        {
            var kept = await forecasts.ReadRangeAsync(version, oldSlots, CancellationToken.None);
            Assert.Equal(oldSlots.Count * 2, kept.Count);
            Assert.All(kept.GroupBy(f => f.SlotStart), slot => Assert.Equal(
                [TimeSpan.FromHours(24), TimeSpan.FromHours(1)], slot.Select(f => f.SlotStart - f.IssuedAt).OrderDescending()));
            Assert.Equal(193 * 4, (await forecasts.ReadRangeAsync(version, SlotGrid.LocalDay(recent, Zone), CancellationToken.None)).Count);
            Assert.Equal(193 * 4, (await forecasts.ReadRangeAsync(version, SlotGrid.LocalDay(Today, Zone), CancellationToken.None)).Count);
        }

        Assert.Equal(Versions.Length * oldSlots.Count * (193 - 2), removed.ForecastIssues);
        var replayedAfter = new List<SlotForecast>();
        foreach (var slot in oldSlots)
        {
            replayedAfter.AddRange(await forecasts.ReadLatestAsync("aurora_v1", new SlotRange(SlotGrid.IndexOf(slot), 1), slot - TimeSpan.FromHours(24), CancellationToken.None));
            replayedAfter.AddRange(await forecasts.ReadLatestAsync("aurora_v1", new SlotRange(SlotGrid.IndexOf(slot), 1), slot - TimeSpan.FromHours(1), CancellationToken.None));
        }

        Assert.Equal(replayed, replayedAfter);
    }

    [Fact]
    public async Task Plans_OlderThanTheHorizon_KeepTheSlotsTheyWereInChargeOf_AndTheCurrentPlanIsWhole()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var plans = new PlanRepository(test.Database);
        var old = Today.AddDays(-35);
        var oldIds = new List<long>();
        foreach (var minutes in new[] { 0, 15, 30 })
        {
            oldIds.Add(await InsertPlanAsync(plans, LocalTime(old, 10) + TimeSpan.FromMinutes(minutes), 8));
        }

        var current = await InsertPlanAsync(plans, SlotGrid.Floor(Now), 192);

        var removed = await Retention(test).ApplyAsync(Now, CancellationToken.None);

        Assert.Equal([LocalTime(old, 10)], (await plans.ReadSlotsAsync(oldIds[0], CancellationToken.None)).Select(s => s.SlotStart));
        Assert.Equal([LocalTime(old, 10.25)], (await plans.ReadSlotsAsync(oldIds[1], CancellationToken.None)).Select(s => s.SlotStart));
        // The last old plan was in charge until the current one: every slot of it stays.
        Assert.Equal(8, (await plans.ReadSlotsAsync(oldIds[2], CancellationToken.None)).Count);
        Assert.Equal(192, (await plans.ReadSlotsAsync(current, CancellationToken.None)).Count);
        Assert.Equal(7 * 2, removed.PlanSlots);
        Assert.Equal(4, await test.ScalarAsync<long>("SELECT COUNT(*) FROM plans;"));
    }

    [Fact]
    public async Task Weather_ForecastsOfObservedSlotsBeforeToday_AreRemoved()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var weather = new WeatherRepository(test.Database);
        var yesterdayNoon = LocalTime(Today.AddDays(-1), 12);
        var yesterdayEvening = LocalTime(Today.AddDays(-1), 20);
        var todayMorning = LocalTime(Today, 8);
        var tomorrow = LocalTime(Today.AddDays(1), 12);
        await weather.UpsertAsync(
        [
            Weather(yesterdayNoon, WeatherKind.Observed, yesterdayNoon),
            Weather(yesterdayNoon, WeatherKind.Forecast, yesterdayNoon - TimeSpan.FromHours(30)),
            Weather(yesterdayNoon, WeatherKind.Forecast, yesterdayNoon - TimeSpan.FromHours(6)),
            Weather(yesterdayEvening, WeatherKind.Forecast, yesterdayEvening - TimeSpan.FromHours(6)),
            Weather(todayMorning, WeatherKind.Observed, todayMorning),
            Weather(todayMorning, WeatherKind.Forecast, todayMorning - TimeSpan.FromHours(6)),
            Weather(tomorrow, WeatherKind.Forecast, Now),
        ], CancellationToken.None);

        var removed = await Retention(test).ApplyAsync(Now, CancellationToken.None);

        Assert.Equal(2, removed.WeatherForecasts);
        Assert.Equal(0, await test.ScalarAsync<long>("SELECT COUNT(*) FROM weather WHERE kind = 'forecast' AND slot_start = @S;", new { S = yesterdayNoon }));
        Assert.Equal(1, await test.ScalarAsync<long>("SELECT COUNT(*) FROM weather WHERE kind = 'observed' AND slot_start = @S;", new { S = yesterdayNoon }));
        // Not observed, of today, or ahead: kept.
        Assert.Equal(5, await test.ScalarAsync<long>("SELECT COUNT(*) FROM weather;"));
    }

    [Fact]
    public async Task ExecutionLogAndEpisodes_KeptByAge_TheLatestModeChangeStays()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var log = new ExecutionLogRepository(test.Database);
        var episodes = new TrainingEpisodeRepository(test.Database);
        var old = LocalTime(Today.AddDays(-100), 12);
        var recent = LocalTime(Today.AddDays(-89), 12);
        await log.InsertAsync(Command(old), CancellationToken.None);
        await log.InsertAsync(Command(old) with { Mode = "safe", Reason = "no plan" }, CancellationToken.None);
        await log.InsertAsync(Command(old + TimeSpan.FromMinutes(1)), CancellationToken.None);
        await log.InsertAsync(Command(recent), CancellationToken.None);
        foreach (var day in new[] { Today.AddDays(-366), Today.AddDays(-365), Today.AddDays(-1) })
        {
            await episodes.InsertAsync(Episode(day), CancellationToken.None);
        }

        var removed = await Retention(test).ApplyAsync(Now, CancellationToken.None);

        Assert.Equal(2, removed.ExecutionLog);
        Assert.Equal(1, removed.Episodes);
        Assert.Equal(["safe", null], (await test.Database.OpenAsync(CancellationToken.None)).Query<string?>("SELECT mode FROM execution_log ORDER BY executed_at;"));
        Assert.Equal(2, await test.ScalarAsync<long>("SELECT COUNT(*) FROM training_episodes;"));
    }

    [Fact]
    public async Task Preview_CountsWhatApplyRemoves_AndASecondRunRemovesNothing()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        await new SlotForecastRepository(test.Database).UpsertAsync([.. IssuedEveryQuarterHour(Today.AddDays(-9)), .. IssuedEveryQuarterHour(Today)], CancellationToken.None);
        var plans = new PlanRepository(test.Database);
        await InsertPlanAsync(plans, LocalTime(Today.AddDays(-31), 3), 8);
        await InsertPlanAsync(plans, LocalTime(Today.AddDays(-31), 4), 8);
        var retention = Retention(test);

        var preview = await retention.PreviewAsync(Now, CancellationToken.None);
        var first = await retention.ApplyAsync(Now, CancellationToken.None);
        var second = await retention.ApplyAsync(Now, CancellationToken.None);

        Assert.Equal(preview, first);
        Assert.True(first.ForecastIssues > 0 && first.PlanSlots > 0);
        Assert.Equal(0, second.Total);
        Assert.Equal(0, (await retention.PreviewAsync(Now, CancellationToken.None)).Total);
        // The freed pages went back to the file system.
        Assert.Equal(0, await test.ScalarAsync<long>("PRAGMA freelist_count;"));
    }

    [Fact]
    public async Task DailyCleanUps_StartWhereTheLastOneEnded_AndAShorterHorizonStillCompactsTheDaysBetween()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var plans = new PlanRepository(test.Database);
        var monthOld = await InsertPlanAsync(plans, LocalTime(Today.AddDays(-35), 3), 8);
        await InsertPlanAsync(plans, LocalTime(Today.AddDays(-35), 4), 8);
        var fortnightOld = await InsertPlanAsync(plans, LocalTime(Today.AddDays(-20), 3), 8);
        await InsertPlanAsync(plans, LocalTime(Today.AddDays(-20), 4), 8);
        await InsertPlanAsync(plans, SlotGrid.Floor(Now), 192);

        var first = await Retention(test).ApplyAsync(Now, CancellationToken.None);

        // In charge from 03:00 until the next plan at 04:00: four slots stay.
        Assert.Equal(4, (await plans.ReadSlotsAsync(monthOld, CancellationToken.None)).Count);
        Assert.Equal(8, (await plans.ReadSlotsAsync(fortnightOld, CancellationToken.None)).Count);
        Assert.Equal(4, first.PlanSlots);

        // Forecast issues written afterwards for a day the last clean-up finished are not looked at again (the daily
        // work stays what a day adds); the preview, which looks at everything, still counts them.
        await new SlotForecastRepository(test.Database).UpsertAsync([.. IssuedEveryQuarterHour(Today.AddDays(-12))], CancellationToken.None);
        var next = await Retention(test).ApplyAsync(Now + TimeSpan.FromHours(1), CancellationToken.None);
        Assert.Equal(0, next.Total);
        Assert.True((await Retention(test).PreviewAsync(Now, CancellationToken.None)).ForecastIssues > 0);

        // The owner shortens the plans' horizon to 14 days: the plans between the old and the new cutoff are compacted.
        var shorter = await new DatabaseRetention(test.Database, Horizons with { PlansDays = 14 }, Zone).ApplyAsync(Now, CancellationToken.None);
        Assert.Equal(4, (await plans.ReadSlotsAsync(fortnightOld, CancellationToken.None)).Count);
        Assert.Equal(4, shorter.PlanSlots);
    }

    [Fact]
    public async Task Migrate_NewFileAndOlderFile_BothEndInIncrementalVacuum()
    {
        using var fresh = await TestDatabase.CreateMigratedAsync();
        using var older = TestDatabase.CreateEmpty();
        await using (var connection = new SqliteConnection($"Data Source={older.Database.Path}"))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("CREATE TABLE kept (value INTEGER); INSERT INTO kept VALUES (42);");
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("PRAGMA auto_vacuum;"));
        }

        SqliteConnection.ClearAllPools();
        await older.Migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(2, await fresh.ScalarAsync<long>("PRAGMA auto_vacuum;"));
        Assert.Equal(2, await older.ScalarAsync<long>("PRAGMA auto_vacuum;"));
        Assert.Equal(42, await older.ScalarAsync<long>("SELECT value FROM kept;"));
    }

    private static Task<long> InsertPlanAsync(PlanRepository plans, DateTimeOffset createdAt, int slots)
    {
        var horizon = new SlotRange(SlotGrid.IndexOf(createdAt), slots);
        return plans.InsertAsync(
            new Plan
            {
                CreatedAt = createdAt, HorizonStart = horizon.Start, HorizonEnd = horizon.End, SlotCount = slots, ForecastVersion = "test",
                SolverStatus = SolveStatus.Optimal, SolveMs = 1, InitialSocPercent = 50,
            },
            horizon.Select(s => new SlotPlan
            {
                PlanId = 0, SlotStart = s, ChargeKwh = 0, DischargeKwh = 0, ImportKwh = 0.1, ExportKwh = 0, CurtailKwh = 0, WaterKwh = 0, ShedKwh = 0,
                SocEndPercent = 50, WaterOn = false, ImportPrice = 1, ExportPrice = 0.4, Cost = 0.1, Action = PlannedAction.Idle,
            }),
            CancellationToken.None);
    }

    private static SlotWeather Weather(DateTimeOffset slot, WeatherKind kind, DateTimeOffset issuedAt) => new()
    {
        SlotStart = slot, Kind = kind, IssuedAt = issuedAt, TemperatureC = 15, CloudCoverPercent = 50, ShortwaveRadiationWM2 = 300, Source = "test",
    };

    private static ExecutionRecord Command(DateTimeOffset at) => new()
    {
        ExecutedAt = at, SlotStart = SlotGrid.Floor(at), Success = true, DurationMs = 1, Shadow = true,
    };

    private static TrainingEpisode Episode(DateOnly day) => new()
    {
        Day = day, SystemId = "live", CreatedAt = Now, InputsJson = "{}", DecisionsJson = "{}",
    };
}
