using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;

namespace Darkstar.Storage.Tests;

/// <summary>Every table: a row written through its repository reads back equal, and instants are stored as UTC text with Z.</summary>
public sealed class RoundTripTests
{
    // A non-UTC offset on purpose: what is stored must be the same instant, in UTC.
    private static readonly DateTimeOffset LocalSlot = new(2026, 3, 29, 3, 15, 0, TimeSpan.FromHours(2));
    private static readonly DateTimeOffset UtcSlot = LocalSlot.ToUniversalTime();
    private static readonly DateTimeOffset Fetched = new(2026, 3, 28, 13, 5, 42, TimeSpan.FromHours(1));
    private static readonly SlotRange Around = new(SlotGrid.IndexOf(LocalSlot) - 2, 8);

    [Fact]
    public async Task SchemaVersion_Migrated_HoldsVersionNameAndUtcInstant()
    {
        using var test = await TestDatabase.CreateMigratedAsync();

        Assert.Equal("initial schema", await test.ScalarAsync<string>("SELECT name FROM schema_version WHERE version = 1;"));
        Assert.Equal("2026-03-29T10:00:00Z", await test.ScalarAsync<string>("SELECT applied_at FROM schema_version WHERE version = 1;"));
    }

    [Fact]
    public async Task SensorTotals_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SensorTotalRepository(test.Database);
        var total = new SensorTotal
        {
            Role = "import",
            EntityId = "sensor.grid_import_total",
            LastValue = 12345.678,
            Unit = "kWh",
            LastReadingAt = Fetched,
            UpdatedAt = Fetched.AddMinutes(1),
        };
        var noUnit = total with { Role = "pv", EntityId = "sensor.pv_total", Unit = null };

        await repository.UpsertAsync([total, noUnit], CancellationToken.None);

        Assert.Equal([total, noUnit], await repository.ReadAllAsync(CancellationToken.None));
        Assert.Equal(total, await repository.ReadAsync("import", CancellationToken.None));
        Assert.Null(await repository.ReadAsync("export", CancellationToken.None));
        Assert.Equal("2026-03-28T12:05:42Z", await test.ScalarAsync<string>("SELECT last_reading_at FROM sensor_totals WHERE role = 'import';"));
        Assert.Equal("2026-03-28T12:06:42Z", await test.ScalarAsync<string>("SELECT updated_at FROM sensor_totals WHERE role = 'import';"));
    }

    [Fact]
    public async Task SlotObservations_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        var observation = SlotObservationRepositoryTests.Observation(LocalSlot, 0.3875) with
        {
            QualityFlags = SlotQuality.CounterReset | SlotQuality.Spike | SlotQuality.Backfilled,
        };

        await repository.UpsertAsync([observation], CancellationToken.None);

        var read = Assert.Single(await repository.ReadRangeAsync(Around, CancellationToken.None));
        Assert.Equal(observation with { SlotStart = UtcSlot }, read);
        Assert.Equal("2026-03-29T01:15:00Z", await test.ScalarAsync<string>("SELECT slot_start FROM slot_observations;"));
        Assert.Equal(44L, await test.ScalarAsync<long>("SELECT quality_flags FROM slot_observations;"));
    }

    [Fact]
    public async Task Prices_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new PriceRepository(test.Database);
        var price = new SlotPrice
        {
            SlotStart = LocalSlot,
            SpotPrice = -0.0123,
            ImportPrice = 0.4567,
            ExportPrice = 0.0321,
            Source = "sensor.nordpool_kwh_se3",
            FetchedAt = Fetched,
        };
        var noSpot = price with { SlotStart = LocalSlot + SlotGrid.SlotLength, SpotPrice = null };

        await repository.UpsertAsync([price, noSpot], CancellationToken.None);

        Assert.Equal(
            [price with { SlotStart = UtcSlot }, noSpot with { SlotStart = UtcSlot + SlotGrid.SlotLength }],
            await repository.ReadRangeAsync(Around, CancellationToken.None));
        Assert.Equal(UtcSlot + SlotGrid.SlotLength, await repository.ReadLatestSlotStartAsync(CancellationToken.None));
        Assert.Equal("2026-03-29T01:15:00Z", await test.ScalarAsync<string>("SELECT MIN(slot_start) FROM prices;"));
        Assert.Equal("2026-03-28T12:05:42Z", await test.ScalarAsync<string>("SELECT MIN(fetched_at) FROM prices;"));
    }

    [Fact]
    public async Task Weather_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new WeatherRepository(test.Database);
        var observed = new SlotWeather
        {
            SlotStart = LocalSlot,
            Kind = WeatherKind.Observed,
            IssuedAt = LocalSlot,
            TemperatureC = -3.5,
            CloudCoverPercent = 87.5,
            ShortwaveRadiationWM2 = 12.25,
            Source = "open-meteo",
        };
        var forecast = observed with { Kind = WeatherKind.Forecast, IssuedAt = Fetched, TemperatureC = null };

        await repository.UpsertAsync([observed, forecast], CancellationToken.None);

        Assert.Equal(
            observed with { SlotStart = UtcSlot, IssuedAt = UtcSlot },
            Assert.Single(await repository.ReadObservedAsync(Around, CancellationToken.None)));
        Assert.Equal(
            forecast with { SlotStart = UtcSlot },
            Assert.Single(await repository.ReadLatestForecastAsync(Around, Fetched, CancellationToken.None)));
        Assert.Empty(await repository.ReadLatestForecastAsync(Around, Fetched.AddSeconds(-1), CancellationToken.None));
        Assert.Equal("2026-03-28T12:05:42Z", await test.ScalarAsync<string>("SELECT issued_at FROM weather WHERE kind = 'forecast';"));
        Assert.Equal("2026-03-29T01:15:00Z", await test.ScalarAsync<string>("SELECT issued_at FROM weather WHERE kind = 'observed';"));
    }

    [Fact]
    public async Task Weather_ObservedWithAnotherIssueTime_IsRefused()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new WeatherRepository(test.Database);
        var observed = new SlotWeather { SlotStart = UtcSlot, Kind = WeatherKind.Observed, IssuedAt = Fetched, Source = "open-meteo" };

        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => repository.UpsertAsync([observed], CancellationToken.None));
    }

    [Fact]
    public async Task DataQualityDaily_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new DataQualityRepository(test.Database);
        var day = new DayQuality
        {
            Day = new DateOnly(2026, 3, 29),
            Status = DayQualityStatus.MaskBattery,
            Reason = "battery SoC sensor unavailable for 3 h",
            ExpectedSlotCount = 92,
            ObservedSlotCount = 90,
            FlaggedSlotCount = 12,
            UpdatedAt = Fetched,
        };
        var clean = day with { Day = new DateOnly(2026, 3, 30), Status = DayQualityStatus.Clean, Reason = null, ExpectedSlotCount = 96 };

        await repository.UpsertAsync([day, clean], CancellationToken.None);

        Assert.Equal([day, clean], await repository.ReadRangeAsync(day.Day, clean.Day, CancellationToken.None));
        Assert.Equal([day], await repository.ReadRangeAsync(day.Day, day.Day, CancellationToken.None));
        Assert.Equal("mask_battery", await test.ScalarAsync<string>("SELECT status FROM data_quality_daily WHERE day = '2026-03-29';"));
        Assert.Equal("2026-03-28T12:05:42Z", await test.ScalarAsync<string>("SELECT updated_at FROM data_quality_daily WHERE day = '2026-03-29';"));
    }

    [Fact]
    public async Task SlotForecasts_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotForecastRepository(test.Database);
        var forecast = SlotForecastRepositoryTests.Forecast(LocalSlot, "aurora_v2", Fetched, 0.55);

        await repository.UpsertAsync([forecast], CancellationToken.None);

        var expected = forecast with { SlotStart = UtcSlot };
        Assert.Equal(expected, Assert.Single(await repository.ReadRangeAsync("aurora_v2", Around, CancellationToken.None)));
        Assert.Equal(expected, Assert.Single(await repository.ReadLatestAsync("aurora_v2", Around, Fetched, CancellationToken.None)));
        Assert.Equal("2026-03-29T01:15:00Z", await test.ScalarAsync<string>("SELECT slot_start FROM slot_forecasts;"));
        Assert.Equal("2026-03-28T12:05:42Z", await test.ScalarAsync<string>("SELECT issued_at FROM slot_forecasts;"));
    }

    [Fact]
    public async Task ModelRuns_InsertUpdateAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new ModelRunRepository(test.Database);
        var run = new ModelRun
        {
            Version = "aurora_v1",
            Target = "load+pv",
            TrainedAt = Fetched,
            WindowStart = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.FromHours(1)),
            WindowEnd = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(1)),
            FeaturesJson = """["hour","dow","temperature_c"]""",
            HyperparametersJson = """{"max_depth":6}""",
            Status = RunStatus.Running,
        };

        var id = await repository.InsertAsync(run, CancellationToken.None);
        var finished = run with { Id = id, Status = RunStatus.Succeeded, MetricsJson = """{"mae":0.08}""", ArtifactPath = "models/aurora_v1.json" };
        Assert.True(await repository.UpdateAsync(finished, CancellationToken.None));

        Assert.Equal(finished, await repository.ReadAsync(id, CancellationToken.None));
        Assert.Equal(finished, await repository.ReadByVersionAsync("aurora_v1", CancellationToken.None));
        Assert.Equal([finished], await repository.ReadAllAsync(CancellationToken.None));
        Assert.False(await repository.UpdateAsync(finished with { Id = id + 1 }, CancellationToken.None));
        Assert.Equal("2025-02-28T23:00:00Z", await test.ScalarAsync<string>("SELECT window_start FROM model_runs;"));
        Assert.Equal("succeeded", await test.ScalarAsync<string>("SELECT status FROM model_runs;"));
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => repository.InsertAsync(run, CancellationToken.None));
    }

    [Fact]
    public async Task PlansAndSlotPlans_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new PlanRepository(test.Database);
        var plan = new Plan
        {
            CreatedAt = Fetched,
            HorizonStart = LocalSlot,
            HorizonEnd = LocalSlot + (2 * SlotGrid.SlotLength),
            SlotCount = 2,
            ForecastVersion = "aurora_v1",
            SolverStatus = SolveStatus.FeasibleAtLimit,
            SolveMs = 42.5,
            Objective = -1.25,
            InitialSocPercent = 55.5,
        };
        var slots = new[] { Slot(LocalSlot, PlannedAction.Charge, waterOn: true), Slot(LocalSlot + SlotGrid.SlotLength, PlannedAction.Export, waterOn: false) };

        var id = await repository.InsertAsync(plan, slots, CancellationToken.None);

        var expectedPlan = plan with { Id = id, CreatedAt = Fetched.ToUniversalTime(), HorizonStart = UtcSlot, HorizonEnd = UtcSlot + (2 * SlotGrid.SlotLength) };
        Assert.Equal(expectedPlan, await repository.ReadAsync(id, CancellationToken.None));
        Assert.Equal(expectedPlan, await repository.ReadLatestAsync(CancellationToken.None));
        Assert.Equal(
            slots.Select(s => s with { PlanId = id, SlotStart = s.SlotStart.ToUniversalTime() }),
            await repository.ReadSlotsAsync(id, CancellationToken.None));
        Assert.Equal("2026-03-29T01:15:00Z", await test.ScalarAsync<string>("SELECT horizon_start FROM plans;"));
        Assert.Equal("2026-03-29T01:30:00Z", await test.ScalarAsync<string>("SELECT MAX(slot_start) FROM slot_plans;"));
        Assert.Equal("export", await test.ScalarAsync<string>("SELECT action FROM slot_plans WHERE slot_start = '2026-03-29T01:30:00Z';"));
        Assert.Equal("feasible_at_limit", await test.ScalarAsync<string>("SELECT solver_status FROM plans;"));
    }

    /// <summary>Every status reads back, and as the text the planner has always written, so existing databases read too.</summary>
    [Theory]
    [InlineData(SolveStatus.Optimal, "optimal")]
    [InlineData(SolveStatus.FeasibleAtLimit, "feasible_at_limit")]
    [InlineData(SolveStatus.Infeasible, "infeasible")]
    [InlineData(SolveStatus.Unbounded, "unbounded")]
    [InlineData(SolveStatus.NoSolutionAtLimit, "no_solution_at_limit")]
    [InlineData(SolveStatus.Error, "error")]
    [InlineData(SolveStatus.Fallback, "fallback")]
    [InlineData(SolveStatus.Rule, "rule")]
    public async Task SolveStatus_StoredAsItsText_ReadsBack(SolveStatus status, string text)
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new PlanRepository(test.Database);
        var plan = new Plan
        {
            CreatedAt = Fetched, HorizonStart = UtcSlot, HorizonEnd = UtcSlot + SlotGrid.SlotLength, SlotCount = 1,
            ForecastVersion = "aurora_v1", SolverStatus = status, SolveMs = 1, InitialSocPercent = 50,
        };

        var id = await repository.InsertAsync(plan, [Slot(UtcSlot, PlannedAction.Hold, waterOn: false)], CancellationToken.None);
        // A row as an earlier Darkstar wrote it, with the status as bare text.
        var written = await test.ScalarAsync<long>(
            "INSERT INTO plans (created_at, horizon_start, horizon_end, slot_count, forecast_version, solver_status, solve_ms, initial_soc_percent) " +
            "VALUES ('2026-03-29T02:00:00Z', '2026-03-29T02:00:00Z', '2026-03-29T02:15:00Z', 1, 'aurora_v1', @Text, 1, 50) RETURNING id;",
            new { Text = text });

        Assert.Equal(text, await test.ScalarAsync<string>("SELECT solver_status FROM plans WHERE id = @Id;", new { Id = id }));
        Assert.Equal(text, SolveStatusText.Of(status));
        Assert.Equal(status, (await repository.ReadAsync(id, CancellationToken.None))!.SolverStatus);
        Assert.Equal(status, (await repository.ReadAsync(written, CancellationToken.None))!.SolverStatus);
        Assert.Equal(status, (await repository.ReadLatestAsync(CancellationToken.None))!.SolverStatus);
    }

    [Fact]
    public async Task PlanRepository_BadSlotMidway_WritesNeitherPlanNorSlots()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new PlanRepository(test.Database);
        var plan = new Plan
        {
            CreatedAt = Fetched, HorizonStart = UtcSlot, HorizonEnd = UtcSlot + SlotGrid.SlotLength, SlotCount = 1,
            ForecastVersion = "aurora_v1", SolverStatus = SolveStatus.Optimal, SolveMs = 1, InitialSocPercent = 50,
        };
        // The same slot twice breaks the (plan_id, slot_start) key on the second row.
        var slots = new[] { Slot(UtcSlot, PlannedAction.Hold, waterOn: false), Slot(UtcSlot, PlannedAction.Idle, waterOn: false) };

        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => repository.InsertAsync(plan, slots, CancellationToken.None));

        Assert.Equal(0L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM plans;"));
        Assert.Equal(0L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_plans;"));
    }

    [Fact]
    public async Task PlanRepository_DeleteCreatedBefore_CascadesToSlotsAndKeepsExecutionLog()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var plans = new PlanRepository(test.Database);
        var log = new ExecutionLogRepository(test.Database);
        var plan = new Plan
        {
            CreatedAt = Fetched, HorizonStart = UtcSlot, HorizonEnd = UtcSlot + SlotGrid.SlotLength, SlotCount = 1,
            ForecastVersion = "aurora_v1", SolverStatus = SolveStatus.Optimal, SolveMs = 1, InitialSocPercent = 50,
        };
        var id = await plans.InsertAsync(plan, [Slot(UtcSlot, PlannedAction.Hold, waterOn: false)], CancellationToken.None);
        await log.InsertAsync(Execution(id), CancellationToken.None);

        Assert.Equal(1, await plans.DeleteCreatedBeforeAsync(Fetched.AddSeconds(1), CancellationToken.None));

        Assert.Equal(0L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_plans;"));
        Assert.Null(Assert.Single(await log.ReadRangeAsync(Fetched, Fetched.AddDays(1), CancellationToken.None)).PlanId);
    }

    [Fact]
    public async Task ExecutionLog_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new ExecutionLogRepository(test.Database);
        var record = Execution(planId: null);
        var failed = record with
        {
            ExecutedAt = Fetched.AddMinutes(15), Success = false, Error = "HTTP 502 from Home Assistant", Value = null,
            EntityId = null, Service = null, PlannedAction = null, CommandedAction = null, OverrideMode = null,
        };

        var firstId = await repository.InsertAsync(record, CancellationToken.None);
        var secondId = await repository.InsertAsync(failed, CancellationToken.None);

        Assert.Equal(
            [record with { Id = firstId, ExecutedAt = Fetched.ToUniversalTime() }, failed with { Id = secondId, ExecutedAt = Fetched.AddMinutes(15).ToUniversalTime() }],
            await repository.ReadRangeAsync(Fetched, Fetched.AddHours(1), CancellationToken.None));
        Assert.Equal("2026-03-28T12:05:42Z", await test.ScalarAsync<string>("SELECT executed_at FROM execution_log WHERE id = @Id;", new { Id = firstId }));
        Assert.Equal(1L, await test.ScalarAsync<long>("SELECT shadow FROM execution_log WHERE id = @Id;", new { Id = firstId }));
    }

    [Fact]
    public async Task ExecutionLog_UnknownPlan_IsRefusedByTheForeignKey()
    {
        using var test = await TestDatabase.CreateMigratedAsync();

        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(
            () => new ExecutionLogRepository(test.Database).InsertAsync(Execution(planId: 999), CancellationToken.None));
    }

    [Fact]
    public async Task OracleDailyResults_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new OracleResultRepository(test.Database);
        var result = new OracleDayResult
        {
            Day = new DateOnly(2026, 10, 25),
            OracleCost = 3.25,
            OracleImportCost = 4.5,
            OracleExportRevenue = 1.5,
            OracleBatteryWearCost = 0.25,
            MpcCost = 3.75,
            NoBatteryCost = 6.0,
            SelfConsumptionCost = 4.25,
            Regret = 0.5,
            BreakdownJson = """{"solve_ms":12}""",
            ComputedAt = Fetched,
        };
        var bare = result with { Day = new DateOnly(2026, 10, 26), MpcCost = null, NoBatteryCost = null, SelfConsumptionCost = null, Regret = null, BreakdownJson = null };

        await repository.UpsertAsync([result, bare], CancellationToken.None);
        await repository.UpsertAsync([result with { Regret = 0.75 }], CancellationToken.None);

        Assert.Equal(
            [result with { Regret = 0.75, ComputedAt = Fetched.ToUniversalTime() }, bare with { ComputedAt = Fetched.ToUniversalTime() }],
            await repository.ReadRangeAsync(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), CancellationToken.None));
        Assert.Equal("2026-03-28T12:05:42Z", await test.ScalarAsync<string>("SELECT computed_at FROM oracle_daily_results WHERE day = '2026-10-25';"));
    }

    [Fact]
    public async Task TrainingEpisodes_WriteAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new TrainingEpisodeRepository(test.Database);
        var episode = new TrainingEpisode
        {
            Day = new DateOnly(2026, 3, 29),
            SystemId = "simulation",
            CreatedAt = Fetched,
            InputsJson = """{"load_kwh":[0.1,0.2]}""",
            DecisionsJson = """{"charge_kwh":[0.5,0]}""",
            MetricsJson = """{"reward":-1.5}""",
        };

        var id = await repository.InsertAsync(episode, CancellationToken.None);
        await repository.InsertAsync(episode with { SystemId = "live" }, CancellationToken.None);

        Assert.Equal(
            [episode with { Id = id, CreatedAt = Fetched.ToUniversalTime() }],
            await repository.ReadRangeAsync("simulation", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), CancellationToken.None));
        Assert.Equal("2026-03-28T12:05:42Z", await test.ScalarAsync<string>("SELECT created_at FROM training_episodes WHERE id = @Id;", new { Id = id }));
        Assert.Equal("2026-03-29", await test.ScalarAsync<string>("SELECT day FROM training_episodes WHERE id = @Id;", new { Id = id }));
    }

    [Fact]
    public async Task LabRuns_InsertFinishAndList_NewestFirst_AndARunLeftRunningIsMarkedFailed()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new LabRunRepository(test.Database);
        var replay = new LabRun { Kind = LabRunKind.Replay, RequestJson = """{"from":"2026-03-01","days":2}""", Status = RunStatus.Running, StartedAt = Fetched };
        var export = new LabRun { Kind = LabRunKind.LabExport, RequestJson = """{"day":"2026-03-02"}""", Status = RunStatus.Running, StartedAt = Fetched.AddMinutes(5) };

        var replayId = await repository.InsertAsync(replay, CancellationToken.None);
        var finished = replay with { Id = replayId, Status = RunStatus.Succeeded, FinishedAt = Fetched.AddMinutes(1), ResultJson = """{"mpc":1.5}""" };
        Assert.True(await repository.UpdateAsync(finished, CancellationToken.None));
        var exportId = await repository.InsertAsync(export, CancellationToken.None);
        Assert.Equal(1, await repository.FailRunningAsync("stopped", Fetched.AddMinutes(9), CancellationToken.None));

        var latest = await repository.ReadLatestAsync(10, CancellationToken.None);
        Assert.Equal([exportId, replayId], latest.Select(r => r.Id));
        Assert.Equal(finished with { StartedAt = Fetched.ToUniversalTime(), FinishedAt = Fetched.AddMinutes(1).ToUniversalTime() }, latest[1]);
        Assert.Equal((RunStatus.Failed, "stopped"), (latest[0].Status, latest[0].Error));
        Assert.Equal("lab_export", await test.ScalarAsync<string>($"SELECT kind FROM lab_runs WHERE id = {exportId};"));
        Assert.Equal("succeeded", await test.ScalarAsync<string>($"SELECT status FROM lab_runs WHERE id = {replayId};"));
    }

    [Fact]
    public async Task AntaresTrainingRuns_InsertUpdateAndRead_AllColumnsEqual()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new AntaresTrainingRunRepository(test.Database);
        var run = new AntaresTrainingRun
        {
            StartedAt = Fetched,
            DatasetVersion = "episodes_2026_03",
            WindowStartDay = new DateOnly(2026, 1, 1),
            WindowEndDay = new DateOnly(2026, 3, 28),
            ModelType = "xgboost",
            TargetsJson = """["charge_kwh","discharge_kwh","export_kwh"]""",
            HyperparametersJson = """{"eta":0.1}""",
            Status = RunStatus.Running,
        };

        var id = await repository.InsertAsync(run, CancellationToken.None);
        var finished = run with
        {
            Id = id, FinishedAt = Fetched.AddMinutes(3), Status = RunStatus.Failed, MetricsJson = """{"rmse":0.2}""", ArtifactPath = "antares/run1.json",
        };
        Assert.True(await repository.UpdateAsync(finished, CancellationToken.None));

        var expected = finished with { StartedAt = Fetched.ToUniversalTime(), FinishedAt = Fetched.AddMinutes(3).ToUniversalTime() };
        Assert.Equal(expected, await repository.ReadAsync(id, CancellationToken.None));
        Assert.Equal([expected], await repository.ReadAllAsync(CancellationToken.None));
        Assert.Equal("2026-03-28T12:08:42Z", await test.ScalarAsync<string>("SELECT finished_at FROM antares_training_runs;"));
        Assert.Equal("2026-01-01", await test.ScalarAsync<string>("SELECT window_start_day FROM antares_training_runs;"));
        Assert.Equal("failed", await test.ScalarAsync<string>("SELECT status FROM antares_training_runs;"));
    }

    private static SlotPlan Slot(DateTimeOffset slotStart, PlannedAction action, bool waterOn) => new()
    {
        PlanId = 0,
        SlotStart = slotStart,
        ChargeKwh = 0.75,
        DischargeKwh = 0.0,
        ImportKwh = 1.125,
        ExportKwh = 0.0,
        CurtailKwh = 0.0625,
        WaterKwh = waterOn ? 0.75 : 0,
        ShedKwh = 0,
        SocEndPercent = 61.5,
        WaterOn = waterOn,
        ImportPrice = 0.95,
        ExportPrice = 0.15,
        Cost = 1.06875,
        Action = action,
    };

    private static ExecutionRecord Execution(long? planId) => new()
    {
        ExecutedAt = Fetched,
        SlotStart = UtcSlot,
        PlanId = planId,
        PlannedAction = "charge",
        CommandedAction = "charge",
        EntityId = "number.battery_charge_power",
        Service = "number.set_value",
        Value = "3000",
        Success = true,
        DurationMs = 123.5,
        OverrideMode = "force_charge",
        Shadow = true,
        Error = null,
    };
}
