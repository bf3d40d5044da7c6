using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Kepler;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Planning.Tests;

/// <summary>The planner with <c>flexible_loads</c> on a real database and CBC: each load planned in its window, stored by name, and not twice a day.</summary>
public sealed class KeplerPlannerFlexibleLoadTests : IDisposable
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    // 12:05 in Stockholm: the dishwasher's window (10:00–18:00) is open, the pump's (20:00–06:00) is ahead.
    private static readonly DateTimeOffset Now = new(2026, 6, 10, 10, 5, 0, TimeSpan.Zero);

    private readonly TempDirectory _folder = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly DarkstarDatabase _database;

    public KeplerPlannerFlexibleLoadTests()
    {
        _database = new DarkstarDatabase(_folder.File("darkstar.db"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static DarkstarOptions Options() => new()
    {
        Battery = new BatteryOptions { CapacityKwh = 10, MinSocPercent = 10, MaxSocPercent = 100, MaxChargeKw = 5, MaxDischargeKw = 5, RoundTripEfficiency = 0.9, CycleCostPerKwh = 0.01 },
        SIndex = new SIndexOptions { Mode = SIndexMode.Static, BaseFactor = 1.1 },
        FlexibleLoads =
        [
            new FlexibleLoadOptions
            {
                Name = "dishwasher", SwitchEntity = "switch.dishwasher", PowerKw = 1.8, KwhPerDay = 1.8,
                EarliestStart = new TimeOnly(10, 0), LatestEnd = new TimeOnly(18, 0), MinRunMinutes = 60,
            },
            new FlexibleLoadOptions
            {
                Name = "pool_pump", SwitchEntity = "switch.pool_pump", PowerKw = 1, KwhPerDay = 2,
                EarliestStart = new TimeOnly(20, 0), LatestEnd = new TimeOnly(6, 0), MinRunMinutes = 60, MaxStartsPerDay = 2, MinSpacingMinutes = 180,
            },
        ],
    };

    private KeplerPlanner Planner() => new(_database, _clock, NullLogger<KeplerPlanner>.Instance);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await new SchemaMigrator(_database, _clock, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        var start = SlotGrid.IndexOf(Now) - (4 * SlotGrid.SlotsPerHour);
        await new PriceRepository(_database).UpsertAsync(Enumerable.Range(0, 28 * SlotGrid.SlotsPerHour).Select(i => new Core.Domain.SlotPrice
        {
            SlotStart = SlotGrid.StartOf(start + i),
            SpotPrice = 0.5 + Math.Sin(i / 10.0),
            ImportPrice = 1.5 + Math.Sin(i / 10.0),
            ExportPrice = 0.5 + Math.Sin(i / 10.0),
            Source = "test",
            FetchedAt = Now,
        }), cancellationToken);
    }

    [Fact]
    public async Task PlanAsync_TwoLoads_EachItsDailyEnergyInItsWindowStoredByName()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(cancellationToken);

        var outcome = await Planner().PlanAsync(Options(), Zone, cancellationToken);

        var stored = await new PlanRepository(_database).ReadSlotsAsync(outcome.Plan.Id, cancellationToken);
        var dishwasher = stored.Where(s => s.FlexibleLoadKwhOf("dishwasher") > 0).ToList();
        // One run of an hour inside today's 10:00–18:00 (08:00–16:00 UTC).
        Assert.Equal(4, dishwasher.Count);
        Assert.Equal(1.8, dishwasher.Sum(s => s.FlexibleLoadKwhOf("dishwasher")), 6);
        Assert.All(dishwasher, s => Assert.InRange(s.SlotStart, Now.Date.AddHours(8), Now.Date.AddHours(15.75)));
        Assert.Equal(3, dishwasher.Select(s => SlotGrid.IndexOf(s.SlotStart)).Max() - dishwasher.Select(s => SlotGrid.IndexOf(s.SlotStart)).Min());
        // Tonight's window (20:00–06:00, 18:00–04:00 UTC) ends in the horizon: 2 kWh in runs of at least an hour.
        var pump = stored.Where(s => s.FlexibleLoadKwhOf("pool_pump") > 0).ToList();
        Assert.Equal(2, pump.Sum(s => s.FlexibleLoadKwhOf("pool_pump")), 6);
        Assert.All(pump, s => Assert.InRange(s.SlotStart, Now.Date.AddHours(18), Now.Date.AddHours(27.75)));
        Assert.Equal(0, outcome.Schedule.FlexibleLoadShortfallKwh);
    }

    [Fact]
    public async Task PlanAsync_DishwasherRanThisMorning_NotPlannedAgainToday()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(cancellationToken);
        // The plan the executor followed from 10:00 local ran the dishwasher 10:00–11:00 (08:00–09:00 UTC); it is now 12:05.
        var morning = Now.Date.AddHours(8);
        var slots = Enumerable.Range(0, 8).Select(i => new Core.Domain.SlotPlan
        {
            PlanId = 0, SlotStart = morning + (i * SlotGrid.SlotLength), ChargeKwh = 0, DischargeKwh = 0, ImportKwh = 0.45, ExportKwh = 0, CurtailKwh = 0,
            WaterKwh = 0, ShedKwh = 0, SocEndPercent = 50, WaterOn = false, ImportPrice = 1, ExportPrice = 0.5, Cost = 0.45, Action = Core.Domain.PlannedAction.Idle,
            FlexibleLoadKwh = i < 4 ? new Dictionary<string, double> { ["dishwasher"] = 0.45 } : Core.Domain.SlotPlan.NoFlexibleLoads,
        });
        await new PlanRepository(_database).InsertAsync(new Core.Domain.Plan
        {
            CreatedAt = morning, HorizonStart = morning, HorizonEnd = morning.AddHours(2), SlotCount = 8, ForecastVersion = "baseline_7_day_avg",
            SolverStatus = Core.Domain.SolveStatus.Optimal, SolveMs = 1, InitialSocPercent = 50,
        }, slots, cancellationToken);

        var outcome = await Planner().PlanAsync(Options(), Zone, cancellationToken);

        var today = outcome.Problem.FlexibleLoads[0].Today;
        Assert.Equal((1.8, 1, false), (today.HeatedKwh, today.BlocksStarted, today.OnInPreviousSlot), new ToleranceComparer());
        Assert.Equal(0, outcome.Schedule.Slots.Where(s => s.Start < Now.Date.AddHours(16)).Sum(s => s.FlexibleLoadKwh[0]), 6);
        Assert.Contains("flexible load dishwasher: 1.8 kWh in 1 run(s) already in its window", outcome.Notes);
        // Nothing is short: tomorrow's window ends beyond the horizon (a day of prices), the pump's tonight fits.
        Assert.Equal(0, outcome.Schedule.FlexibleLoadShortfallKwh);
    }

    private sealed class ToleranceComparer : IEqualityComparer<(double, int, bool)>
    {
        public bool Equals((double, int, bool) x, (double, int, bool) y) => Math.Abs(x.Item1 - y.Item1) < 1e-6 && x.Item2 == y.Item2 && x.Item3 == y.Item3;

        public int GetHashCode((double, int, bool) obj) => obj.Item2;
    }
}
