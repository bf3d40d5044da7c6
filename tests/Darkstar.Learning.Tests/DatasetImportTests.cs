using Darkstar.Core.Datasets;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Learning.Datasets;
using Darkstar.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Darkstar.Learning.Tests;

public sealed class DatasetImportTests
{
    [SharedDataFact]
    public async Task ImportAsync_KonstanzHome_LoadEqualsMeterBalanceAndMissingRunsAreFlagged()
    {
        var dataset = HomeDataset.Load(SharedData.PathOf("konstanz-home"));
        using var harness = await EtlHarness.CreateAsync(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var importer = new DatasetImporter(harness.Observations, harness.Totals, harness.Prices, harness.Weather, harness.Quality, harness.Clock, NullLoggerFactory.Instance);

        var report = await importer.ImportAsync(dataset, new DarkstarOptions(), dataset.Tariff!, CancellationToken.None);

        double Delta(string column)
        {
            var c = dataset.MeterColumns.ToList().IndexOf(column);
            var known = dataset.Meters.Where(m => m.Values[c] is not null).ToList();
            return known[^1].Values[c]!.Value - known[0].Values[c]!.Value;
        }

        var expectedLoad = Delta("grid_import_kwh") - Delta("grid_export_kwh") + Delta("pv_kwh");
        Assert.InRange(report.LoadKwh, expectedLoad * 0.999, expectedLoad * 1.001);

        // The first run of missing grid readings: every slot inside it is spread across the gap and flagged.
        var importColumn = dataset.MeterColumns.ToList().IndexOf("grid_import_kwh");
        var firstMissing = dataset.Meters.Select((m, i) => (m, i)).First(x => x.i > 0 && x.m.Values[importColumn] is null).i;
        var nextKnown = dataset.Meters.Select((m, i) => (m, i)).First(x => x.i > firstMissing && x.m.Values[importColumn] is not null).i;
        var gap = SlotRange.Between(dataset.Meters[firstMissing - 1].At, dataset.Meters[nextKnown].At);
        var slots = await harness.Observations.ReadRangeAsync(gap, CancellationToken.None);
        Assert.Equal(gap.Count, slots.Count);
        Assert.All(slots, s => Assert.True(s.QualityFlags.HasFlag(SlotQuality.Interpolated), $"{s.SlotStart} is not flagged"));
        Assert.True(report.InterpolatedSlots > 0);
        // The PV meter has no gaps in this data set: a grid gap leaves PV measured.
        Assert.All(slots, s => Assert.True(SlotMeasurement.PvMeasured(s.QualityFlags), $"{s.SlotStart}: {s.QualityFlags}"));

        // The car's charger and the heat pump are sub-meters: their readings land in their own columns.
        var winterDay = SlotGrid.LocalDay(new DateOnly(2016, 1, 20), dataset.TimeZone);
        var winter = await harness.Observations.ReadRangeAsync(winterDay, CancellationToken.None);
        Assert.Contains(winter, s => s.HeatPumpKwh > 0.1);
        var season = await harness.Observations.ReadRangeAsync(
            SlotRange.Between(new DateTimeOffset(2015, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2016, 3, 1, 0, 0, 0, TimeSpan.Zero)),
            CancellationToken.None);
        Assert.Contains(season, s => s.EvKwh > 0.5);
        Assert.All(season, s => Assert.True(s.EvKwh is null or >= 0 && s.HeatPumpKwh is null or >= 0, $"{s.SlotStart}: negative sub-meter energy"));

        // 2016-06-22 had 14.4 hours of sunshine and a radiation cell of 39 W/m² (a dropped digit): the sunshine
        // estimate stands in for it, and cloud cover follows from the sunshine hours.
        Assert.True(report.RadiationReplacedDays > 0);
        var sunnyDay = SlotGrid.LocalDay(new DateOnly(2016, 6, 22), dataset.TimeZone);
        var weather = await harness.Weather.ReadObservedAsync(sunnyDay, CancellationToken.None);
        Assert.NotEmpty(weather);
        Assert.All(weather, w => Assert.InRange(w.ShortwaveRadiationWM2!.Value, 250, 400));
        Assert.All(weather, w => Assert.InRange(w.CloudCoverPercent!.Value, 0, 20));
        Assert.Equal(report.Days.Values.Sum(), report.Days[DayQualityStatus.Clean] + report.Days[DayQualityStatus.Exclude]);

        var again = await importer.ImportAsync(dataset, new DarkstarOptions(), dataset.Tariff!, CancellationToken.None);
        Assert.Equal(report with { ElapsedMs = 0 }, again with { ElapsedMs = 0, Days = report.Days });
    }
}
