using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Storage.Repositories;

namespace Darkstar.Storage.Tests;

public sealed class SlotObservationRepositoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task UpsertAsync_SameSlotTwice_LeavesOneRowWithTheNewValues()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        var first = Observation(Start, loadKwh: 0.4);
        var second = first with { LoadKwh = 0.7, PvKwh = null, QualityFlags = SlotQuality.Interpolated | SlotQuality.Estimated };

        await repository.UpsertAsync([first], CancellationToken.None);
        await repository.UpsertAsync([second], CancellationToken.None);

        Assert.Equal(1L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_observations;"));
        var stored = Assert.Single(await repository.ReadRangeAsync(new SlotRange(SlotGrid.IndexOf(Start), 4), CancellationToken.None));
        Assert.Equal(second, stored);
    }

    [Fact]
    public async Task UpsertAsync_SameSlotTwiceInOneBatch_LastOneWins()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);

        await repository.UpsertAsync([Observation(Start, loadKwh: 0.1), Observation(Start, loadKwh: 0.2)], CancellationToken.None);

        Assert.Equal(0.2, await test.ScalarAsync<double>("SELECT load_kwh FROM slot_observations;"));
        Assert.Equal(1L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_observations;"));
    }

    [Fact]
    public async Task UpsertAsync_BadRowMidway_WritesNothing()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        var rows = new[]
        {
            Observation(Start, loadKwh: 0.1),
            Observation(Start + SlotGrid.SlotLength, loadKwh: 0.2) with { QualityFlags = (SlotQuality)(-1) },
            Observation(Start + (2 * SlotGrid.SlotLength), loadKwh: 0.3),
        };

        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => repository.UpsertAsync(rows, CancellationToken.None));

        Assert.Equal(0L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_observations;"));
    }

    [Fact]
    public async Task UpsertAsync_SlotOffTheGridMidway_WritesNothingAndNamesTheSlot()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        var rows = new[]
        {
            Observation(Start, loadKwh: 0.1),
            Observation(Start.AddMinutes(7), loadKwh: 0.2),
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => repository.UpsertAsync(rows, CancellationToken.None));

        Assert.Contains("2026-03-29T00:07:00Z", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_observations;"));
    }

    [Fact]
    public async Task UpsertAsync_CancelledMidway_WritesNothing()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        using var cancellation = new CancellationTokenSource();

        IEnumerable<SlotObservation> RowsThatCancelAfterTwo()
        {
            for (var i = 0; i < 10; i++)
            {
                if (i == 2)
                {
                    cancellation.Cancel();
                }

                yield return Observation(Start + (i * SlotGrid.SlotLength), loadKwh: i);
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repository.UpsertAsync(RowsThatCancelAfterTwo(), cancellation.Token));

        Assert.Equal(0L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_observations;"));
    }

    [Fact]
    public async Task UpsertAsync_NullMeasurements_StayNull()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        var empty = new SlotObservation { SlotStart = Start, QualityFlags = SlotQuality.Missing };

        await repository.UpsertAsync([empty], CancellationToken.None);

        var stored = Assert.Single(await repository.ReadRangeAsync(new SlotRange(SlotGrid.IndexOf(Start), 1), CancellationToken.None));
        Assert.Equal(empty, stored);
        Assert.Null(stored.LoadKwh);
        Assert.Null(stored.SocStartPercent);
        Assert.Equal(1L, await test.ScalarAsync<long>(
            "SELECT COUNT(*) FROM slot_observations WHERE import_kwh IS NULL AND export_kwh IS NULL AND pv_kwh IS NULL AND load_kwh IS NULL " +
            "AND water_kwh IS NULL AND battery_charge_kwh IS NULL AND battery_discharge_kwh IS NULL AND soc_start_percent IS NULL " +
            "AND soc_end_percent IS NULL AND import_price IS NULL AND export_price IS NULL AND ev_kwh IS NULL AND heat_pump_kwh IS NULL " +
            "AND quality_flags = 2;"));
    }

    [Fact]
    public async Task ReadRangeAsync_Range_ReturnsOnlySlotsInsideInTimeOrder()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        var rows = Enumerable.Range(0, 8).Select(i => Observation(Start + (i * SlotGrid.SlotLength), loadKwh: i)).Reverse().ToList();
        await repository.UpsertAsync(rows, CancellationToken.None);

        var read = await repository.ReadRangeAsync(new SlotRange(SlotGrid.IndexOf(Start) + 2, 3), CancellationToken.None);

        Assert.Equal([2.0, 3.0, 4.0], read.Select(o => o.LoadKwh!.Value));
        Assert.Equal(Start + (7 * SlotGrid.SlotLength), await repository.ReadLatestSlotStartAsync(CancellationToken.None));
        Assert.Equal(Start, await repository.ReadEarliestSlotStartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReadLatestSlotStartAsync_Empty_IsNull()
    {
        using var test = await TestDatabase.CreateMigratedAsync();

        Assert.Null(await new SlotObservationRepository(test.Database).ReadLatestSlotStartAsync(CancellationToken.None));
        Assert.Null(await new SlotObservationRepository(test.Database).ReadEarliestSlotStartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReadRangeAsync_CancelledToken_Throws()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => repository.ReadRangeAsync(new SlotRange(0, 4), cancelled.Token));
    }

    [Fact]
    public async Task UpsertAsync_YearOfSlots_IsOneTransactionAndFast()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        var year = Enumerable.Range(0, 365 * 96).Select(i => Observation(Start + (i * SlotGrid.SlotLength), loadKwh: i % 10)).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var written = await repository.UpsertAsync(year, CancellationToken.None);

        watch.Stop();
        Assert.Equal(year.Count, written);
        Assert.Equal(year.Count, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_observations;"));
        // Generous: the ETL's whole budget for a year is 2 s on a 2-core machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"Writing a year took {watch.Elapsed}.");
    }

    [Fact]
    public async Task UpsertAsync_TwoWritersAtOnce_BothBatchesLand()
    {
        using var test = await TestDatabase.CreateMigratedAsync();
        var repository = new SlotObservationRepository(test.Database);
        var first = Enumerable.Range(0, 3000).Select(i => Observation(Start + (i * SlotGrid.SlotLength), loadKwh: 1)).ToList();
        var second = Enumerable.Range(3000, 3000).Select(i => Observation(Start + (i * SlotGrid.SlotLength), loadKwh: 2)).ToList();

        // Each batch holds the write lock for its whole transaction; the other waits (busy timeout) instead of failing.
        var written = await Task.WhenAll(
            Task.Run(() => repository.UpsertAsync(first, CancellationToken.None)),
            Task.Run(() => repository.UpsertAsync(second, CancellationToken.None)));

        Assert.Equal([3000, 3000], written);
        Assert.Equal(6000L, await test.ScalarAsync<long>("SELECT COUNT(*) FROM slot_observations;"));
    }

    internal static SlotObservation Observation(DateTimeOffset slotStart, double loadKwh) => new()
    {
        SlotStart = slotStart,
        ImportKwh = 0.25,
        ExportKwh = 0,
        PvKwh = 0.125,
        LoadKwh = loadKwh,
        WaterKwh = 0.5,
        BatteryChargeKwh = 0.75,
        BatteryDischargeKwh = 0.0625,
        SocStartPercent = 41.5,
        SocEndPercent = 43,
        ImportPrice = 1.2345,
        ExportPrice = -0.05,
        QualityFlags = SlotQuality.None,
        EvKwh = 1.75,
        HeatPumpKwh = 0.375,
    };
}
