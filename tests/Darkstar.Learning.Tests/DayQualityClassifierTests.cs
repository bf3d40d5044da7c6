using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Learning.Quality;

namespace Darkstar.Learning.Tests;

public sealed class DayQualityClassifierTests
{
    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    [Fact]
    public void Classify_DerivedLoadBackfilledAndOneInterpolatedSlot_CountsOnlyTheDoubtfulSlotAsFlagged()
    {
        var day = new DateOnly(2026, 5, 4);
        var slots = SlotGrid.LocalDay(day, Stockholm);
        HashSet<SensorRole> mapped = [SensorRole.TotalGridImport, SensorRole.TotalGridExport, SensorRole.TotalPvProduction];
        var observations = Enumerable.Range(0, slots.Count).Select(i => new SlotObservation
        {
            SlotStart = slots.Start + (i * SlotGrid.SlotLength),
            ImportKwh = 0.2,
            ExportKwh = 0,
            PvKwh = 0.1,
            LoadKwh = 0.3,
            // No load sensor: every slot's load is derived, and the morning came from the recorder's statistics.
            QualityFlags = SlotQuality.Estimated | (i < 40 ? SlotQuality.Backfilled : SlotQuality.None) | (i == 50 ? SlotQuality.Interpolated : SlotQuality.None),
        }).ToList();

        var quality = DayQualityClassifier.Classify(day, slots, observations, mapped, slots.End);

        Assert.Equal(DayQualityStatus.Clean, quality.Status);
        Assert.Equal(96, quality.ObservedSlotCount);
        Assert.Equal(1, quality.FlaggedSlotCount);
    }
}
