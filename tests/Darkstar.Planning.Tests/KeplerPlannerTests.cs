using Darkstar.Core.Domain;
using Darkstar.Core.Forecasts;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Forecasts;
using Darkstar.Planning.Kepler;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Planning.Tests;

public sealed class KeplerPlannerTests : IDisposable
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    private static readonly DateTimeOffset Now = new(2026, 6, 10, 10, 5, 0, TimeSpan.Zero);

    private readonly TempDirectory _folder = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly DarkstarDatabase _database;

    public KeplerPlannerTests()
    {
        _database = new DarkstarDatabase(_folder.File("darkstar.db"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static DarkstarOptions Options(bool water = true) => new()
    {
        Battery = new BatteryOptions { CapacityKwh = 10, MinSocPercent = 10, MaxSocPercent = 100, MaxChargeKw = 5, MaxDischargeKw = 5, RoundTripEfficiency = 0.9, CycleCostPerKwh = 0.01 },
        WaterHeating = new WaterHeatingOptions { Enabled = water, PowerKw = 3, MinKwhPerDay = 6, MaxBlocksPerDay = 2, MinSpacingMinutes = 120 },
        SIndex = new SIndexOptions { Mode = SIndexMode.Static, BaseFactor = 1.1 },
    };

    private async Task SeedAsync(int priceHours, int historyDays, double socPercent, CancellationToken cancellationToken)
    {
        await new SchemaMigrator(_database, _clock, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        var start = SlotGrid.IndexOf(Now);
        var prices = Enumerable.Range(0, priceHours * 4).Select(i => new SlotPrice
        {
            SlotStart = SlotGrid.StartOf(start + i),
            SpotPrice = 0.5 + Math.Sin(i / 10.0),
            ImportPrice = 1.5 + Math.Sin(i / 10.0),
            ExportPrice = 0.5 + Math.Sin(i / 10.0),
            Source = "test",
            FetchedAt = Now,
        });
        await new PriceRepository(_database).UpsertAsync(prices, cancellationToken);
        var history = Enumerable.Range(1, historyDays * 96).Select(back => new SlotObservation
        {
            SlotStart = SlotGrid.StartOf(start - back),
            // The load meter counts the water heater too: 0.3 kWh besides it in every slot.
            LoadKwh = 0.3 + (back is 3 or 4 ? 0.75 : 0),
            PvKwh = ((start - back) % 96) is > 30 and < 70 ? 1.0 : 0,
            WaterKwh = back is 3 or 4 ? 0.75 : 0,
            SocStartPercent = socPercent,
            SocEndPercent = socPercent,
        });
        await new SlotObservationRepository(_database).UpsertAsync(history, cancellationToken);
    }

    [Fact]
    public async Task PlanAsync_PricesForLessThanTheHorizon_ShrinksTheHorizonAndStoresThePlan()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(priceHours: 20, historyDays: 8, socPercent: 55, cancellationToken);
        var planner = new KeplerPlanner(_database, _clock, NullLogger<KeplerPlanner>.Instance);

        var outcome = await planner.PlanAsync(Options(), Zone, cancellationToken);

        Assert.Equal(80, outcome.Plan.SlotCount);
        Assert.Equal(SlotGrid.Floor(Now), outcome.Plan.HorizonStart);
        Assert.Equal(SolveStatus.Optimal, outcome.Plan.SolverStatus);
        Assert.Equal(55, outcome.Plan.InitialSocPercent);
        Assert.Contains(outcome.Notes, n => n.Contains("the horizon ends", StringComparison.Ordinal));
        var stored = await new PlanRepository(_database).ReadLatestAsync(cancellationToken);
        Assert.NotNull(stored);
        var slots = await new PlanRepository(_database).ReadSlotsAsync(stored.Id, cancellationToken);
        Assert.Equal(80, slots.Count);
        Assert.Equal(outcome.Schedule.Slots.Select(s => s.Action), slots.Select(s => s.Action));
    }

    [Fact]
    public async Task PlanAsync_NoForecastsStored_PlansOnTheSevenDayBaselineAndSaysSo()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(priceHours: 48, historyDays: 8, socPercent: 40, cancellationToken);
        var planner = new KeplerPlanner(_database, _clock, NullLogger<KeplerPlanner>.Instance);

        var outcome = await planner.PlanAsync(Options(), Zone, cancellationToken);

        Assert.Equal(SevenDayBaseline.Version, outcome.Plan.ForecastVersion);
        Assert.Contains(outcome.Notes, n => n.Contains("7-day baseline", StringComparison.Ordinal));
        // 0.3 kWh observed every slot, planned with the static S-index of 1.1.
        Assert.All(outcome.Problem.LoadKwh, l => Assert.Equal(0.33, l, 6));
    }

    [Fact]
    public async Task PlanAsync_ForecastOfTheActiveVersion_IsWhatItPlansWith()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(priceHours: 24, historyDays: 1, socPercent: 40, cancellationToken);
        var horizon = new SlotRange(SlotGrid.IndexOf(Now), 96);
        await new SlotForecastRepository(_database).UpsertAsync(horizon.Select(s => new SlotForecast
        {
            SlotStart = s,
            ForecastVersion = "baseline_7_day_avg",
            IssuedAt = Now.AddMinutes(-30),
            LoadP10Kwh = 0.1,
            LoadP50Kwh = 0.2,
            LoadP90Kwh = 0.4,
            PvP10Kwh = 0,
            PvP50Kwh = 0.1,
            PvP90Kwh = 0.2,
        }), cancellationToken);
        var planner = new KeplerPlanner(_database, _clock, NullLogger<KeplerPlanner>.Instance);

        var outcome = await planner.PlanAsync(Options(water: false), Zone, cancellationToken);

        Assert.Equal("baseline_7_day_avg", outcome.Plan.ForecastVersion);
        Assert.All(outcome.Problem.LoadKwh, l => Assert.Equal(0.22, l, 6));
        Assert.All(outcome.Problem.PvKwh, p => Assert.Equal(0.1, p, 6));
    }

    [Theory]
    [InlineData("aurora_v3", "aurora_v3", 0.55)]
    [InlineData("baseline_7_day_avg", "baseline_7_day_avg", 0.22)]
    public async Task PlanAsync_ActiveVersionAurora_ReadsTheVersionTheForecastingEngineNames(string current, string expectedVersion, double expectedLoad)
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(priceHours: 24, historyDays: 1, socPercent: 40, cancellationToken);
        var horizon = new SlotRange(SlotGrid.IndexOf(Now), 96);
        // Aurora's forecasts are stored under their model version, never under "aurora".
        foreach (var (version, load) in new[] { ("aurora_v3", 0.5), ("baseline_7_day_avg", 0.2) })
        {
            await new SlotForecastRepository(_database).UpsertAsync(horizon.Select(s => new SlotForecast
            {
                SlotStart = s, ForecastVersion = version, IssuedAt = Now.AddMinutes(-30),
                LoadP10Kwh = load / 2, LoadP50Kwh = load, LoadP90Kwh = load * 2, PvP10Kwh = 0, PvP50Kwh = 0.1, PvP90Kwh = 0.2,
            }), cancellationToken);
        }

        var planner = new KeplerPlanner(
            _database, _clock, NullLogger<KeplerPlanner>.Instance,
            resolveForecastVersion: (version, _) => Task.FromResult(version == ForecastVersion.Aurora ? current : "baseline_7_day_avg"));
        var options = Options(water: false) with { Forecasting = new ForecastingOptions { ActiveForecastVersion = ForecastVersion.Aurora } };

        var outcome = await planner.PlanAsync(options, Zone, cancellationToken);

        Assert.Equal(expectedVersion, outcome.Plan.ForecastVersion);
        Assert.All(outcome.Problem.LoadKwh, l => Assert.Equal(expectedLoad, l, 6));
        Assert.Equal(current == "baseline_7_day_avg", outcome.Notes.Any(n => n.Contains("no Aurora model is trained yet", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PlanAsync_NoPriceForNow_FailsNamingThePrices()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(priceHours: 0, historyDays: 1, socPercent: 40, cancellationToken);
        var planner = new KeplerPlanner(_database, _clock, NullLogger<KeplerPlanner>.Instance);

        var error = await Assert.ThrowsAsync<PlanningInputException>(() => planner.PlanAsync(Options(), Zone, cancellationToken));

        Assert.Contains("price", error.Message, StringComparison.Ordinal);
        Assert.Null(await new PlanRepository(_database).ReadLatestAsync(cancellationToken));
    }

    [Fact]
    public void WaterToday_HeatedEarlierToday_CountsKwhAndBlocks()
    {
        var today = SlotGrid.LocalDay(SlotGrid.LocalDateOf(Now, Zone), Zone);
        var observed = new Dictionary<long, SlotObservation>();
        foreach (var offset in new[] { 10, 11, 20, 21, 22 })
        {
            observed[today.FirstIndex + offset] = new SlotObservation { SlotStart = SlotGrid.StartOf(today.FirstIndex + offset), WaterKwh = 0.75 };
        }

        var water = KeplerPlanner.WaterToday(observed, Now, Zone);

        Assert.Equal(3.75, water.HeatedKwh, 9);
        Assert.Equal(2, water.BlocksStarted);
        Assert.False(water.OnInPreviousSlot);
        Assert.Equal(SlotGrid.StartOf(today.FirstIndex + 20), water.LastStart);
    }

    [Fact]
    public void WaterToday_BlockRunningAcrossMidnight_StartedYesterdayNotCountedToday()
    {
        // 23:30 to 00:30 local: the block started yesterday; its spacing still counts from 23:30.
        var today = SlotGrid.LocalDay(SlotGrid.LocalDateOf(Now, Zone), Zone);
        var observed = new[] { -2, -1, 0, 1 }.ToDictionary(
            offset => today.FirstIndex + offset,
            offset => new SlotObservation { SlotStart = SlotGrid.StartOf(today.FirstIndex + offset), WaterKwh = 0.75 });

        var water = KeplerPlanner.WaterToday(observed, Now, Zone);

        Assert.Equal(1.5, water.HeatedKwh, 9);
        Assert.Equal(0, water.BlocksStarted);
        Assert.Equal(SlotGrid.StartOf(today.FirstIndex - 2), water.LastStart);
    }

    [Fact]
    public void WaterToday_BlockRunningNow_OnWithItsStart()
    {
        var nowIndex = SlotGrid.IndexOf(Now);
        var observed = new[] { -2, -1 }.ToDictionary(
            back => nowIndex + back,
            back => new SlotObservation { SlotStart = SlotGrid.StartOf(nowIndex + back), WaterKwh = 0.75 });

        var water = KeplerPlanner.WaterToday(observed, Now, Zone);

        Assert.True(water.OnInPreviousSlot);
        Assert.Equal(1, water.BlocksStarted);
        Assert.Equal(SlotGrid.StartOf(nowIndex - 2), water.LastStart);
    }

    [Fact]
    public async Task PlanAsync_BlockStartedAnHourAgo_CarriesItsStartIntoTheProblem()
    {
        // SeedAsync heats 09:00–09:30 UTC: one block, started an hour before the horizon (10:00), over.
        var cancellationToken = CancellationToken.None;
        await SeedAsync(priceHours: 48, historyDays: 2, socPercent: 50, cancellationToken);
        var planner = new KeplerPlanner(_database, _clock, NullLogger<KeplerPlanner>.Instance);

        var outcome = await planner.PlanAsync(Options(), Zone, cancellationToken);

        Assert.Equal(1, outcome.Problem.WaterToday.BlocksStarted);
        Assert.Equal(SlotGrid.StartOf(SlotGrid.IndexOf(Now) - 4), outcome.Problem.WaterToday.LastStart);
        // 120 minutes of spacing, 60 of them passed (the horizon starts at the slot of now, 10:00): slots 0–3 may not start.
        Assert.DoesNotContain(outcome.Schedule.Slots.Take(4), s => s.WaterOn);
    }

    [Fact]
    public async Task PlanAsync_PeakFee_PlansFromThePeakTheMonthRecordedSoFar()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(priceHours: 48, historyDays: 8, socPercent: 40, cancellationToken);
        // Yesterday 12:00-13:00 UTC imported 2 kWh: an hourly peak of 2 kW this month.
        var peakHour = SlotGrid.IndexOf(new DateTimeOffset(2026, 6, 9, 12, 0, 0, TimeSpan.Zero));
        await new SlotObservationRepository(_database).UpsertAsync(
            Enumerable.Range(0, 4).Select(i => new SlotObservation { SlotStart = SlotGrid.StartOf(peakHour + i), LoadKwh = 0.5, PvKwh = 0, ImportKwh = 0.5 }), cancellationToken);
        var planner = new KeplerPlanner(_database, _clock, NullLogger<KeplerPlanner>.Instance);
        var options = Options() with
        {
            PeakFee = new PeakFeeOptions { FeePerKw = 50, Measure = PeakMeasure.HighestHour, FromTime = TimeOnly.MinValue, ToTime = TimeOnly.MinValue },
        };

        var outcome = await planner.PlanAsync(options, Zone, cancellationToken);

        Assert.NotNull(outcome.Problem.PeakFee);
        Assert.Equal(2, outcome.Problem.PeakSoFar.PeakKw(outcome.Problem.PeakFee), 9);
        Assert.Equal(2, outcome.Schedule.Peak!.FloorKw, 9);
        Assert.True(outcome.Schedule.Peak.PeakKw >= 2 - 1e-9);
        Assert.Contains(outcome.Notes, n => n.StartsWith("peak fee: the period's peak so far 2 kW", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlanAsync_NoPeakFee_LeavesTheProblemWithoutOne()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(priceHours: 48, historyDays: 8, socPercent: 40, cancellationToken);
        var planner = new KeplerPlanner(_database, _clock, NullLogger<KeplerPlanner>.Instance);

        var outcome = await planner.PlanAsync(Options(), Zone, cancellationToken);

        Assert.Null(outcome.Problem.PeakFee);
        Assert.Null(outcome.Schedule.Peak);
    }
}

