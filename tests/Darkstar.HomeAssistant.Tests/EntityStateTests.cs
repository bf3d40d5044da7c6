using Darkstar.Core.Units;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.HomeAssistant.Tests;

public class EntityStateTests
{
    private static EntityState State(string state, string? unit = null, string? deviceClass = null)
    {
        var attributes = unit is null
            ? "{}"
            : """{"unit_of_measurement":"UNIT","device_class":"CLASS","state_class":"total_increasing","friendly_name":"Meter"}"""
                .Replace("UNIT", unit, StringComparison.Ordinal)
                .Replace("CLASS", deviceClass ?? "energy", StringComparison.Ordinal);
        return EntityState.Parse(TestSupport.Parse("""
            {"entity_id":"sensor.meter","state":"STATE","attributes":ATTRIBUTES,
             "last_changed":"2026-03-29T01:00:00.123456+00:00","last_updated":"2026-03-29T01:00:05+00:00","context":{"id":"x"}}
            """.Replace("STATE", state, StringComparison.Ordinal).Replace("ATTRIBUTES", attributes, StringComparison.Ordinal)));
    }

    [Fact]
    public void Parse_FullState_ReadsFieldsAndAttributes()
    {
        var state = State("1234.5", "kWh");

        Assert.Equal("sensor.meter", state.EntityId);
        Assert.Equal("1234.5", state.State);
        Assert.Equal("kWh", state.UnitOfMeasurement);
        Assert.Equal("energy", state.DeviceClass);
        Assert.Equal("total_increasing", state.StateClass);
        Assert.Equal("Meter", state.FriendlyName);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, 123, TimeSpan.Zero).AddTicks(4560), state.LastChanged);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 5, TimeSpan.Zero), state.LastUpdated);
    }

    [Theory]
    [InlineData("unavailable")]
    [InlineData("unknown")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("on")]
    [InlineData("12,5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void TryGetNumber_NoNumericValue_IsMissingNotZero(string raw)
    {
        var state = State(raw, "kWh");

        Assert.False(state.TryGetNumber(out _));
        Assert.Null(state.Number);
        Assert.Null(state.GetKilowattHours());
    }

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("1.5", 1.5)]
    [InlineData("-0.25", -0.25)]
    [InlineData("1e3", 1000.0)]
    public void TryGetNumber_Numeric_ParsesInvariant(string raw, double expected)
    {
        Assert.True(State(raw).TryGetNumber(out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1500", "Wh", 1.5)]
    [InlineData("1.5", "kWh", 1.5)]
    [InlineData("0.0015", "MWh", 1.5)]
    public void GetKilowattHours_EnergyUnits_ConvertsToKilowattHours(string raw, string unit, double expected)
    {
        Assert.Equal(expected, State(raw, unit).GetKilowattHours()!.Value, 9);
    }

    [Theory]
    [InlineData("2500", "W", 2.5)]
    [InlineData("2.5", "kW", 2.5)]
    public void GetKilowatts_PowerUnits_ConvertsToKilowatts(string raw, string unit, double expected)
    {
        Assert.Equal(expected, State(raw, unit, "power").GetKilowatts()!.Value, 9);
    }

    [Fact]
    public void GetKilowattHours_PowerUnit_ThrowsNamingTheEntity()
    {
        var error = Assert.Throws<UnitConversionException>(() => State("100", "W").GetKilowattHours());

        Assert.Equal("sensor.meter", error.EntityId);
    }

    [Fact]
    public void Parse_NoLastUpdated_UsesLastChanged()
    {
        var state = EntityState.Parse(TestSupport.Parse("""{"entity_id":"sensor.a","state":"1","last_changed":"2026-01-01T00:00:00Z"}"""));

        Assert.Equal(state.LastChanged, state.LastUpdated);
        Assert.Empty(state.Attributes);
    }

    [Fact]
    public void Parse_NoEntityId_ThrowsProtocolException()
    {
        Assert.Throws<HomeAssistantProtocolException>(() =>
            EntityState.Parse(TestSupport.Parse("""{"state":"1","last_changed":"2026-01-01T00:00:00Z"}""")));
    }
}
