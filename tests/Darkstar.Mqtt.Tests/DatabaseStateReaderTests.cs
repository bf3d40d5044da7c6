using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Mqtt;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;

namespace Darkstar.Mqtt.Tests;

public sealed class DatabaseStateReaderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Midnight = new(2026, 3, 20, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(true, 0.25)]
    [InlineData(false, 0.5)]
    public async Task AccuracyAsync_DayAheadForecastsOfLastWeek_MaeOfTheLoadAsForecast(bool waterHeaterPlanned, double expected)
    {
        var cancellationToken = CancellationToken.None;
        var database = new DarkstarDatabase(_temp.File("darkstar.db"));
        await new SchemaMigrator(database, new FakeTimeProvider(Now)).MigrateAsync(cancellationToken);
        // Yesterday: 1 kWh of load a slot, a quarter of it the water heater; forecast at 0.5 two hours ahead, and
        // at 0 thirty hours ahead (not day-ahead, not counted). Today's slots are not complete days: not counted either.
        var yesterday = SlotRange.Between(Midnight.AddDays(-1), Midnight.AddHours(11));
        await new SlotObservationRepository(database).UpsertAsync(
            yesterday.Select(s => new SlotObservation { SlotStart = s, LoadKwh = 1.0, WaterKwh = 0.25, PvKwh = 0 }), cancellationToken);
        await new SlotForecastRepository(database).UpsertAsync(
            yesterday.SelectMany(s => new[] { Forecast(s, TimeSpan.FromHours(2), s < Midnight ? 0.5 : 5), Forecast(s, TimeSpan.FromHours(30), 0) }),
            cancellationToken);
        var reader = new DatabaseStateReader(database, new FakeTimeProvider(Now), waterHeaterPlanned: waterHeaterPlanned);

        var mae = await reader.AccuracyAsync("aurora_v1", Now, TimeZoneInfo.Utc, cancellationToken);

        Assert.NotNull(mae);
        Assert.Equal(expected, mae.Value, 9);
        Assert.Null(await reader.AccuracyAsync("aurora_v2", Now, TimeZoneInfo.Utc, cancellationToken));
    }

    private static SlotForecast Forecast(DateTimeOffset slot, TimeSpan lead, double load) => new()
    {
        SlotStart = slot, ForecastVersion = "aurora_v1", IssuedAt = slot - lead,
        LoadP10Kwh = load, LoadP50Kwh = load, LoadP90Kwh = load, PvP10Kwh = 0, PvP50Kwh = 0, PvP90Kwh = 0,
    };

    [Fact]
    public async Task PeakAsync_PeakFee_ThePeriodsPeakSoFarAndWithThePlan()
    {
        var cancellationToken = CancellationToken.None;
        var database = new DarkstarDatabase(_temp.File("darkstar.db"));
        await new SchemaMigrator(database, new FakeTimeProvider(Now)).MigrateAsync(cancellationToken);
        // This morning 08:00-09:00 imported 3 kWh (3 kW); the plan imports 1.25 kWh a slot (5 kW) at 14:00-15:00.
        var morning = SlotRange.Between(Midnight.AddHours(8), Midnight.AddHours(9));
        await new SlotObservationRepository(database).UpsertAsync(
            morning.Select(s => new SlotObservation { SlotStart = s, LoadKwh = 0.75, PvKwh = 0, ImportKwh = 0.75 }), cancellationToken);
        var plan = SlotRange.Between(Now, Now.AddHours(4)).Select(s => new SlotPlan
        {
            PlanId = 1, SlotStart = s, ChargeKwh = 0, DischargeKwh = 0, ImportKwh = s.Hour == 14 ? 1.25 : 0.1, ExportKwh = 0, CurtailKwh = 0, WaterKwh = 0, ShedKwh = 0,
            SocEndPercent = 50, WaterOn = false, ImportPrice = 0.2, ExportPrice = 0.1, Cost = 0, Action = PlannedAction.Idle,
        }).ToList();
        var fee = PeakFeeSpec.AllHours(50, measure: Core.Options.PeakMeasure.HighestHour);
        var reader = new DatabaseStateReader(database, new FakeTimeProvider(Now), peakFee: fee);

        var (soFar, planned) = await reader.PeakAsync(plan, Now, TimeZoneInfo.Utc, cancellationToken);

        Assert.Equal(3, soFar!.Value, 9);
        Assert.Equal(5, planned!.Value, 9);
        Assert.Equal((null, null), await new DatabaseStateReader(database, new FakeTimeProvider(Now)).PeakAsync(plan, Now, TimeZoneInfo.Utc, cancellationToken));
    }

    /// <summary>
    /// The dishwasher ran 09:00–09:30 by the plan then in charge and is planned again 15:00–15:15 and tomorrow: its sensor
    /// counts today's 0.9 kWh run and 0.45 kWh to come, its next start 15:00; the pump, not planned today, none.
    /// </summary>
    [Fact]
    public async Task FlexibleLoadsAsync_RanAndPlanned_TodaysEnergyAndNextStart()
    {
        var cancellationToken = CancellationToken.None;
        var database = new DarkstarDatabase(_temp.File("darkstar.db"));
        await new SchemaMigrator(database, new FakeTimeProvider(Now)).MigrateAsync(cancellationToken);
        var plans = new PlanRepository(database);
        IReadOnlyDictionary<string, double> on = new Dictionary<string, double> { ["dishwasher"] = 0.45 };
        var morning = SlotRange.Between(Midnight.AddHours(9), Midnight.AddHours(12))
            .Select(s => Slot(s, s < Midnight.AddHours(9.5) ? on : SlotPlan.NoFlexibleLoads)).ToList();
        await plans.InsertAsync(Plan(Midnight.AddHours(9), morning.Count), morning, cancellationToken);
        // The latest plan: 15:00 today and 10:00 tomorrow (not today's).
        var latest = SlotRange.Between(Now, Now.AddHours(24))
            .Select(s => Slot(s, s == Midnight.AddHours(15) || s == Midnight.AddHours(34) ? on : SlotPlan.NoFlexibleLoads)).ToList();
        await plans.InsertAsync(Plan(Now, latest.Count), latest, cancellationToken);
        var reader = new DatabaseStateReader(database, new FakeTimeProvider(Now), flexibleLoads: ["dishwasher", "pool_pump"]);

        var loads = await reader.FlexibleLoadsAsync(await plans.ReadSlotsAsync(2, cancellationToken), Now, TimeZoneInfo.Utc, cancellationToken);

        Assert.Equal(["dishwasher", "pool_pump"], loads.Select(l => l.Name));
        Assert.Equal(1.35, loads[0].KwhToday!.Value, 9);
        Assert.Equal(0.9, loads[0].RanKwhToday, 9);
        Assert.Equal(Midnight.AddHours(15), loads[0].NextStart);
        Assert.False(loads[0].RunningNow);
        Assert.Equal(new FlexibleLoadReading("pool_pump", 0, 0, null, false), loads[1]);
    }

    private static Plan Plan(DateTimeOffset start, int slots) => new()
    {
        CreatedAt = start, HorizonStart = start, HorizonEnd = start + (slots * SlotGrid.SlotLength), SlotCount = slots, ForecastVersion = "baseline_7_day_avg",
        SolverStatus = SolveStatus.Optimal, SolveMs = 1, InitialSocPercent = 50,
    };

    private static SlotPlan Slot(DateTimeOffset s, IReadOnlyDictionary<string, double> loads) => new()
    {
        PlanId = 0, SlotStart = s, ChargeKwh = 0, DischargeKwh = 0, ImportKwh = 0.1, ExportKwh = 0, CurtailKwh = 0, WaterKwh = 0, ShedKwh = 0,
        SocEndPercent = 50, WaterOn = false, ImportPrice = 0.2, ExportPrice = 0.1, Cost = 0, Action = PlannedAction.Idle,
        FlexibleLoadKwh = loads,
    };
}
