using Darkstar.Core.Car;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Kepler;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Planning.Tests;

/// <summary>The planner with the car: its request from what Home Assistant says, stored with the plan, and its status.</summary>
public sealed class KeplerPlannerCarTests : IDisposable
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    // 19:05 in Stockholm: the car is home, its departure at 07:00 tomorrow.
    private static readonly DateTimeOffset Now = new(2026, 6, 10, 17, 5, 0, TimeSpan.Zero);

    private readonly TempDirectory _folder = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly DarkstarDatabase _database;
    private readonly CarStatusBoard _board = new();

    public KeplerPlannerCarTests()
    {
        _database = new DarkstarDatabase(_folder.File("darkstar.db"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static DarkstarOptions Options(double maxCurrentA = 16) => new()
    {
        Battery = new BatteryOptions { CapacityKwh = 10, MinSocPercent = 10, MaxSocPercent = 100, MaxChargeKw = 5, MaxDischargeKw = 5, RoundTripEfficiency = 0.9, CycleCostPerKwh = 0.01 },
        SIndex = new SIndexOptions { Mode = SIndexMode.Static, BaseFactor = 1.1 },
        Car = new CarOptions
        {
            Enabled = true, BatteryKwh = 40, SocSensor = "sensor.car_soc", ChargerCurrentEntity = "number.wallbox_current",
            MinCurrentA = 6, MaxCurrentA = maxCurrentA, Phases = 1, DepartureTime = new TimeOnly(7, 0), TargetSocPercent = 80,
        },
    };

    private KeplerPlanner Planner(CarReading reading) => new(
        _database, _clock, NullLogger<KeplerPlanner>.Instance, car: new CarPlanning(new GivenCar(reading), _board, NullLogger<KeplerPlanner>.Instance));

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await new SchemaMigrator(_database, _clock, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        var start = SlotGrid.IndexOf(Now);
        await new PriceRepository(_database).UpsertAsync(Enumerable.Range(0, 24 * 4).Select(i => new Core.Domain.SlotPrice
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
    public async Task PlanAsync_CarPluggedIn_ChargesItToItsTargetBeforeItsDepartureAndStoresTheCharging()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(cancellationToken);

        var outcome = await Planner(new CarReading(30, true, null, null, [])).PlanAsync(Options(), Zone, cancellationToken);

        var departure = new DateTimeOffset(2026, 6, 11, 5, 0, 0, TimeSpan.Zero);
        Assert.NotNull(outcome.Problem.Car);
        var planned = outcome.Schedule.Slots.Where(s => s.Start < departure).Sum(s => s.CarKwh);
        Assert.Equal(20 / 0.9, planned, 2);
        Assert.Equal(0, outcome.Schedule.Slots.Where(s => s.Start >= departure).Sum(s => s.CarKwh), 6);
        var stored = await new PlanRepository(_database).ReadSlotsAsync(outcome.Plan.Id, cancellationToken);
        Assert.Equal(planned, stored.Sum(s => s.CarKwh), 6);
        Assert.Equal(CarChargingState.Planned, _board.Current.State);
        Assert.Equal(planned, _board.Current.PlannedKwh, 6);
        Assert.True(_board.Current.ReadyAt <= departure);
    }

    [Fact]
    public async Task PlanAsync_SocSensorUnavailable_PlansWithoutTheCarAndSaysSo()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(cancellationToken);

        var outcome = await Planner(new CarReading(null, false, null, null, ["car.soc_sensor (sensor.car_soc) is unavailable"])).PlanAsync(Options(), Zone, cancellationToken);

        Assert.Null(outcome.Problem.Car);
        Assert.Contains("car: car.soc_sensor (sensor.car_soc) is unavailable", outcome.Notes);
        Assert.All(outcome.Schedule.Slots, s => Assert.Equal(0, s.CarKwh));
        Assert.Equal(CarChargingState.Unknown, _board.Current.State);
    }

    [Fact]
    public async Task PlanAsync_TargetOutOfReach_ChargesFlatOutUntilTheDepartureAndSaysSo()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(cancellationToken);

        // 6 A on one phase is 1.38 kW: 11 h 55 min of it cannot take a 40 kWh car from 10 % to 80 %.
        var outcome = await Planner(new CarReading(10, true, null, null, [])).PlanAsync(Options(maxCurrentA: 6), Zone, cancellationToken);

        var departure = new DateTimeOffset(2026, 6, 11, 5, 0, 0, TimeSpan.Zero);
        Assert.All(outcome.Schedule.Slots.Where(s => s.Start >= SlotGrid.Ceiling(Now) && s.Start < departure), s => Assert.Equal(1.38 / 4, s.CarKwh, 3));
        Assert.Contains(outcome.Notes, n => n.StartsWith("car: the car cannot reach 80 % by 2026-06-11 07:00", StringComparison.Ordinal));
        Assert.Equal(CarChargingState.Unreachable, _board.Current.State);
        Assert.False(_board.Current.TargetReachable);
    }

    [Fact]
    public async Task PlanAsync_CarNotPluggedIn_NothingPlanned()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(cancellationToken);

        var outcome = await Planner(new CarReading(30, false, null, null, [])).PlanAsync(Options(), Zone, cancellationToken);

        Assert.Null(outcome.Problem.Car);
        Assert.Equal(CarChargingState.Unplugged, _board.Current.State);
    }

    /// <summary>What Home Assistant says of the car, as given.</summary>
    private sealed class GivenCar(CarReading reading) : ICarReader
    {
        public Task<CarReading> ReadAsync(CarOptions car, TimeZoneInfo zone, CancellationToken cancellationToken) => Task.FromResult(reading);
    }
}
