using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Antares;
using Darkstar.Storage;
using Darkstar.Storage.Repositories;
using Darkstar.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Planning.Tests;

public sealed class LiveEpisodeRecorderTests : IDisposable
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>Three days after 8 days of history: clean, battery masked, excluded.</summary>
    private static readonly DateOnly Clean = new(2026, 6, 9);

    private readonly TempDirectory _folder = new();
    private readonly DarkstarDatabase _database;

    public LiveEpisodeRecorderTests()
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
    };

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var now = new DateTimeOffset(2026, 6, 20, 0, 0, 0, TimeSpan.Zero);
        await new SchemaMigrator(_database, new FakeTimeProvider(now), NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        var range = SlotRange.Between(SlotGrid.StartOfLocalDay(Clean.AddDays(-9), Zone), SlotGrid.StartOfLocalDay(Clean.AddDays(5), Zone));
        await new PriceRepository(_database).UpsertAsync(range.Select(s => new SlotPrice
        {
            SlotStart = s, SpotPrice = 0.5, ImportPrice = 1 + (0.5 * Math.Sin(SlotGrid.IndexOf(s) / 10.0)), ExportPrice = 0.4, Source = "test", FetchedAt = now,
        }), cancellationToken);
        await new SlotObservationRepository(_database).UpsertAsync(range.Select(s => new SlotObservation
        {
            SlotStart = s, LoadKwh = 0.4, PvKwh = 0.1, ImportKwh = 0.2, ExportKwh = 0, BatteryChargeKwh = 0, BatteryDischargeKwh = 0.1,
            SocStartPercent = 50, SocEndPercent = 49, ImportPrice = 1, ExportPrice = 0.4,
        }), cancellationToken);
        var days = new[] { (Clean, DayQualityStatus.Clean), (Clean.AddDays(1), DayQualityStatus.MaskBattery), (Clean.AddDays(2), DayQualityStatus.Exclude) };
        await new DataQualityRepository(_database).UpsertAsync(days.Select(d => new DayQuality
        {
            Day = d.Item1, Status = d.Item2, Reason = d.Item2 == DayQualityStatus.Clean ? null : "test", ExpectedSlotCount = 96, ObservedSlotCount = 96, FlaggedSlotCount = 0, UpdatedAt = now,
        }), cancellationToken);
        var planned = SlotRange.Between(SlotGrid.StartOfLocalDay(Clean, Zone), SlotGrid.StartOfLocalDay(Clean.AddDays(3), Zone));
        var planId = await new PlanRepository(_database).InsertAsync(new Plan
        {
            CreatedAt = planned.Start, HorizonStart = planned.Start, HorizonEnd = planned.End, SlotCount = planned.Count, ForecastVersion = "test",
            SolverStatus = SolveStatus.Optimal, SolveMs = 1, InitialSocPercent = 50,
        }, planned.Select(s => new SlotPlan
        {
            PlanId = 0, SlotStart = s, ChargeKwh = 0, DischargeKwh = 0.3, ImportKwh = 0, ExportKwh = 0, CurtailKwh = 0, WaterKwh = 0, ShedKwh = 0,
            SocEndPercent = 47, WaterOn = false, ImportPrice = 1, ExportPrice = 0.4, Cost = 0, Action = PlannedAction.Discharge,
        }), cancellationToken);
        var log = new ExecutionLogRepository(_database);
        // The executor ran the first 40 slots of each day.
        foreach (var day in days)
        {
            foreach (var slot in SlotGrid.LocalDay(day.Item1, Zone).Take(40))
            {
                await log.InsertAsync(new ExecutionRecord
                {
                    ExecutedAt = slot + TimeSpan.FromMinutes(1), SlotStart = slot, PlanId = planId, PlannedAction = "discharge", Success = true, DurationMs = 1, Shadow = false,
                }, cancellationToken);
            }
        }
    }

    [Fact]
    public async Task RecordAsync_GatesEachDayByItsQualityAndRecordsOnlyExecutedSlots()
    {
        var cancellationToken = CancellationToken.None;
        await SeedAsync(cancellationToken);
        var recorder = new LiveEpisodeRecorder(_database, Options(), Zone);
        var at = new DateTimeOffset(2026, 6, 20, 0, 0, 0, TimeSpan.Zero);

        var clean = await recorder.RecordAsync(Clean, at, cancellationToken);
        var masked = await recorder.RecordAsync(Clean.AddDays(1), at, cancellationToken);
        var excluded = await recorder.RecordAsync(Clean.AddDays(2), at, cancellationToken);
        var unjudged = await recorder.RecordAsync(Clean.AddDays(3), at, cancellationToken);
        var again = await recorder.RecordAsync(Clean, at, cancellationToken);

        Assert.Equal(40, clean.Slots);
        Assert.Equal(40, masked.Slots);
        Assert.Equal(0, excluded.Slots);
        Assert.Contains("excluded", excluded.Skipped, StringComparison.Ordinal);
        Assert.Equal(0, unjudged.Slots);
        Assert.Equal(40, again.Slots);
        var episodes = await new TrainingEpisodeRepository(_database).ReadRangeAsync(AntaresEpisodes.Live, Clean, Clean.AddDays(3), cancellationToken);
        Assert.Equal(80, episodes.Count);
        var first = episodes.Where(e => e.Day == Clean).Select(AntaresEpisodes.Decisions).ToList();
        Assert.All(first, d => Assert.Equal(0.1, d.DischargeKwh!.Value, 9));
        Assert.All(first, d => Assert.Equal(0.3, d.PlannedDischargeKwh, 9));
        Assert.All(episodes.Where(e => e.Day == Clean.AddDays(1)).Select(AntaresEpisodes.Decisions), d => Assert.True(d.BatteryMasked && d.DischargeKwh is null));
        Assert.All(episodes, e => Assert.NotNull(e.PlanId));
        Assert.Equal(AntaresState.Size, AntaresEpisodes.Inputs(episodes[0]).State.Length);
    }
}
