using Darkstar.Core.Domain;

namespace Darkstar.Core.Tests.Domain;

public sealed class SlotObservationTests
{
    private static readonly DateTimeOffset Slot = new(2026, 3, 20, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2.0, 0.75, true, 1.25)]
    [InlineData(2.0, 0.75, false, 2.0)]
    [InlineData(2.0, null, true, 2.0)]
    [InlineData(0.5, 0.75, true, 0.0)]
    public void UnplannedLoadKwh_LoadAndWaterHeater_LoadLessTheHeaterOnlyWhenPlanned(double load, double? water, bool planned, double expected)
    {
        var observation = new SlotObservation { SlotStart = Slot, LoadKwh = load, WaterKwh = water };

        Assert.Equal(expected, observation.UnplannedLoadKwh(planned)!.Value, 9);
    }

    [Fact]
    public void UnplannedLoadKwh_LoadUnknown_IsUnknown()
    {
        var observation = new SlotObservation { SlotStart = Slot, WaterKwh = 0.75 };

        Assert.Null(observation.UnplannedLoadKwh(waterHeaterPlanned: true));
    }
}
