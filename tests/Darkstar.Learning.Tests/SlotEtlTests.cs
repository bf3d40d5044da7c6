using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Learning.Etl;

namespace Darkstar.Learning.Tests;

public sealed class SlotEtlTests
{
    private static readonly MappedSensor Import = new(SensorRole.TotalGridImport, "sensor.grid_import");
    private static readonly MappedSensor Export = new(SensorRole.TotalGridExport, "sensor.grid_export");
    private static readonly MappedSensor Pv = new(SensorRole.TotalPvProduction, "sensor.pv");
    private static readonly MappedSensor Soc = new(SensorRole.BatterySoc, "sensor.soc");
    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>Readings every 15 minutes over a local day: import 0.3 kWh, export 0.1 kWh and PV 0.2 kWh per slot.</summary>
    private static EtlBatch Day(DateOnly day, Func<int, bool>? importAvailable = null, Func<int, bool>? pvAvailable = null)
    {
        var batch = new EtlBatch();
        var slots = SlotGrid.LocalDay(day, Stockholm);
        for (var i = 0; i <= slots.Count; i++)
        {
            var at = slots.Start + (SlotGrid.SlotLength * i);
            batch.Add(SensorRole.TotalGridImport, importAvailable is null || importAvailable(i) ? new CounterReading(at, 100 + (0.3 * i), "kWh") : CounterReading.Gap(at));
            batch.Add(SensorRole.TotalGridExport, new CounterReading(at, 50 + (0.1 * i), "kWh"));
            batch.Add(SensorRole.TotalPvProduction, pvAvailable is null || pvAvailable(i) ? new CounterReading(at, 20_000 + (200 * i), "Wh") : CounterReading.Gap(at));
            batch.Soc.Add(new SocReading(at, 40 + (i % 20)));
        }

        return batch;
    }

    [Theory]
    [InlineData("2026-03-29", 92)]
    [InlineData("2026-10-25", 100)]
    [InlineData("2026-06-10", 96)]
    public async Task Ingest_DstDay_WritesEverySlotOfTheLocalDayAndJudgesItClean(string dayText, int slotCount)
    {
        var day = DayText.ParseExact(dayText);
        using var harness = await EtlHarness.CreateAsync(SlotGrid.StartOfLocalDay(day.AddDays(2), Stockholm));
        using var etl = harness.Etl([Import, Export, Pv, Soc]);
        var result = await etl.IngestAsync(Day(day), CancellationToken.None);

        Assert.Equal(slotCount, result.SlotsWritten);
        var stored = await harness.Observations.ReadRangeAsync(SlotGrid.LocalDay(day, Stockholm), CancellationToken.None);
        Assert.Equal(slotCount, stored.Count);
        Assert.All(stored, o => Assert.Equal(0.4, o.LoadKwh!.Value, 9));
        Assert.All(stored, o => Assert.Equal(SlotQuality.Estimated, o.QualityFlags));
        var verdict = Assert.Single(await harness.Quality.ReadRangeAsync(day, day, CancellationToken.None));
        Assert.Equal(DayQualityStatus.Clean, verdict.Status);
        Assert.Equal(slotCount, verdict.ExpectedSlotCount);
        Assert.Equal(slotCount, verdict.ObservedSlotCount);
    }

    [Fact]
    public async Task Ingest_SameReadingsTwice_ChangesNothing()
    {
        var day = new DateOnly(2026, 5, 4);
        using var harness = await EtlHarness.CreateAsync(SlotGrid.StartOfLocalDay(day.AddDays(2), Stockholm));
        using var etl = harness.Etl([Import, Export, Pv, Soc]);
        await etl.IngestAsync(Day(day), CancellationToken.None);
        var before = await harness.Observations.ReadRangeAsync(SlotGrid.LocalDay(day, Stockholm), CancellationToken.None);

        var again = await etl.IngestAsync(Day(day), CancellationToken.None);

        Assert.Equal(0, again.SlotsWritten);
        Assert.Equal(before, await harness.Observations.ReadRangeAsync(SlotGrid.LocalDay(day, Stockholm), CancellationToken.None));
    }

    [Fact]
    public async Task Ingest_UnavailableImportForTwoHours_IsAGapSpreadAndFlaggedNeverZero()
    {
        var day = new DateOnly(2026, 5, 4);
        using var harness = await EtlHarness.CreateAsync(SlotGrid.StartOfLocalDay(day.AddDays(2), Stockholm));
        using var etl = harness.Etl([Import, Export, Pv]);
        await etl.IngestAsync(Day(day, i => i is < 40 or > 48), CancellationToken.None);

        var stored = await harness.Observations.ReadRangeAsync(SlotGrid.LocalDay(day, Stockholm), CancellationToken.None);
        Assert.All(stored, o => Assert.Equal(0.3, o.ImportKwh!.Value, 9));
        Assert.Equal(10, stored.Count(o => o.QualityFlags.HasFlag(SlotQuality.Interpolated)));
        Assert.Equal(0.3 * 96, stored.Sum(o => o.ImportKwh!.Value), 6);
    }

    [Fact]
    public async Task Ingest_GridGapWhilePvReads_FlagsTheSlotsButNotTheirPv()
    {
        var day = new DateOnly(2026, 5, 4);
        using var harness = await EtlHarness.CreateAsync(SlotGrid.StartOfLocalDay(day.AddDays(2), Stockholm));
        using var etl = harness.Etl([Import, Export, Pv]);
        await etl.IngestAsync(Day(day, i => i is < 40 or > 48), CancellationToken.None);

        var stored = await harness.Observations.ReadRangeAsync(SlotGrid.LocalDay(day, Stockholm), CancellationToken.None);
        var gap = stored.Where(o => o.QualityFlags.HasFlag(SlotQuality.Interpolated)).ToList();
        Assert.Equal(10, gap.Count);
        Assert.All(gap, o => Assert.False(SlotMeasurement.LoadMeasured(o.QualityFlags)));
        Assert.All(stored, o => Assert.True(SlotMeasurement.PvMeasured(o.QualityFlags), $"{o.SlotStart}: {o.QualityFlags}"));
    }

    [Fact]
    public async Task Ingest_CarChargerAndHeatPumpMeterGaps_LoadStaysMeasuredAndTheirMadeUpValuesAreNotStored()
    {
        var day = new DateOnly(2026, 1, 14);
        using var harness = await EtlHarness.CreateAsync(SlotGrid.StartOfLocalDay(day.AddDays(2), Stockholm));
        var car = new MappedSensor(SensorRole.EvChargerConsumption, "sensor.car_charger");
        var heatPump = new MappedSensor(SensorRole.HeatPumpConsumption, "sensor.heat_pump");
        using var etl = harness.Etl([Import, Export, Pv, car, heatPump]);
        var batch = Day(day);
        var slots = SlotGrid.LocalDay(day, Stockholm);
        for (var i = 0; i <= slots.Count; i++)
        {
            var at = slots.Start + (SlotGrid.SlotLength * i);
            // The car's meter is away for slots 40–47; the heat pump's is never read after slot 90 (its last slots stay unknown).
            batch.Add(SensorRole.EvChargerConsumption, i is > 40 and < 48 ? CounterReading.Gap(at) : new CounterReading(at, 7 + (0.05 * i), "kWh"));
            batch.Add(SensorRole.HeatPumpConsumption, i > 90 ? CounterReading.Gap(at) : new CounterReading(at, 900 + (0.1 * i), "kWh"));
        }

        await etl.IngestAsync(batch, CancellationToken.None);

        var stored = await harness.Observations.ReadRangeAsync(slots, CancellationToken.None);
        Assert.Equal(96, stored.Count);
        Assert.All(stored, o => Assert.True(
            SlotMeasurement.LoadMeasured(o.QualityFlags) && !o.QualityFlags.HasFlag(SlotQuality.Missing),
            $"{o.SlotStart}: {o.QualityFlags}"));
        Assert.All(stored, o => Assert.Equal(0.4, o.LoadKwh!.Value, 6));
        Assert.Equal(88, stored.Count(o => o.EvKwh is { } kwh && Math.Abs(kwh - 0.05) < 1e-6));
        Assert.Equal(8, stored.Count(o => o.EvKwh is null));
        Assert.Equal(90, stored.Count(o => o.HeatPumpKwh is { } kwh && Math.Abs(kwh - 0.1) < 1e-6));
        Assert.Equal(6, stored.Count(o => o.HeatPumpKwh is null));
    }

    [Fact]
    public async Task Ingest_PvGap_MarksPvDoubtful()
    {
        var day = new DateOnly(2026, 5, 4);
        using var harness = await EtlHarness.CreateAsync(SlotGrid.StartOfLocalDay(day.AddDays(2), Stockholm));
        using var etl = harness.Etl([Import, Export, Pv]);
        var slots = SlotGrid.LocalDay(day, Stockholm);
        var batch = Day(day, pvAvailable: i => i is <= 20 or >= 30);
        await etl.IngestAsync(batch, CancellationToken.None);

        var stored = await harness.Observations.ReadRangeAsync(slots, CancellationToken.None);
        var doubtful = stored.Where(o => !SlotMeasurement.PvMeasured(o.QualityFlags)).ToList();
        Assert.Equal(10, doubtful.Count);
        Assert.All(doubtful, o => Assert.False(SlotMeasurement.LoadMeasured(o.QualityFlags)));
    }

    [Fact]
    public async Task Ingest_ImportUnavailableAtTheEnd_LeavesItsSlotsMissingThenFillsThemWhenItReturns()
    {
        var day = new DateOnly(2026, 5, 4);
        using var harness = await EtlHarness.CreateAsync(SlotGrid.StartOfLocalDay(day.AddDays(2), Stockholm));
        using var etl = harness.Etl([Import, Export, Pv]);
        var full = Day(day);
        var firstPart = new EtlBatch();
        firstPart.Counters[SensorRole.TotalGridImport] = [.. full.Counters[SensorRole.TotalGridImport].Take(50)];
        firstPart.Counters[SensorRole.TotalGridExport] = [.. full.Counters[SensorRole.TotalGridExport].Take(80)];
        firstPart.Counters[SensorRole.TotalPvProduction] = [.. full.Counters[SensorRole.TotalPvProduction].Take(80)];
        await etl.IngestAsync(firstPart, CancellationToken.None);
        var slots = SlotGrid.LocalDay(day, Stockholm);
        var partial = await harness.Observations.ReadRangeAsync(slots, CancellationToken.None);
        Assert.Equal(79, partial.Count);
        Assert.Equal(30, partial.Count(o => o.ImportKwh is null && o.LoadKwh is null && o.QualityFlags.HasFlag(SlotQuality.Missing)));

        await etl.IngestAsync(full, CancellationToken.None);

        var complete = await harness.Observations.ReadRangeAsync(slots, CancellationToken.None);
        Assert.Equal(96, complete.Count);
        Assert.All(complete, o => Assert.False(o.QualityFlags.HasFlag(SlotQuality.Missing)));
        Assert.Equal(0.4 * 96, complete.Sum(o => o.LoadKwh!.Value), 6);
    }
}
