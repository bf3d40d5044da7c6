using Darkstar.Core.Units;

namespace Darkstar.Core.Tests.Units;

public sealed class UnitConverterTests
{
    private const string Entity = "sensor.some_meter";

    [Theory]
    [InlineData("Wh", 1500, 1.5)]
    [InlineData("kWh", 1.5, 1.5)]
    [InlineData("MWh", 0.0015, 1.5)]
    [InlineData(" kWh ", 2, 2)]
    public void ToKilowattHours_EnergyUnit_ConvertsToKilowattHours(string unit, double value, double expected) =>
        Assert.Equal(expected, UnitConverter.ToKilowattHours(value, unit, Entity), 9);

    [Theory]
    [InlineData("kwh")]
    [InlineData("KWH")]
    [InlineData("W")]
    [InlineData("J")]
    public void ToKilowattHours_UnknownUnit_ThrowsNamingEntityUnitAndAccepted(string unit)
    {
        var ex = Assert.Throws<UnitConversionException>(() => UnitConverter.ToKilowattHours(1, unit, Entity));

        Assert.Equal(Entity, ex.EntityId);
        Assert.Equal(unit, ex.Unit);
        Assert.Contains(Entity, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{unit}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Wh, kWh, MWh", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ToKilowattHours_MissingUnit_ThrowsSayingThereIsNoUnit(string? unit)
    {
        var ex = Assert.Throws<UnitConversionException>(() => UnitConverter.ToKilowattHours(1, unit, Entity));

        Assert.Contains("no unit_of_measurement", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Entity, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("W", 2500, 2.5)]
    [InlineData("kW", 2.5, 2.5)]
    [InlineData("W ", -800, -0.8)]
    public void ToKilowatts_PowerUnit_ConvertsToKilowatts(string unit, double value, double expected) =>
        Assert.Equal(expected, UnitConverter.ToKilowatts(value, unit, Entity), 9);

    [Theory]
    [InlineData("kWh")]
    [InlineData("w")]
    [InlineData(null)]
    public void ToKilowatts_NotAPowerUnit_ThrowsListingWAndKw(string? unit)
    {
        var ex = Assert.Throws<UnitConversionException>(() => UnitConverter.ToKilowatts(1, unit, Entity));

        Assert.Contains("W, kW", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%")]
    [InlineData(" % ")]
    public void ToPercent_Percent_ReturnsValue(string unit) =>
        Assert.Equal(57.5, UnitConverter.ToPercent(57.5, unit, "sensor.battery_soc"));

    [Theory]
    [InlineData("kWh")]
    [InlineData(null)]
    [InlineData("percent")]
    public void ToPercent_OtherUnit_Throws(string? unit)
    {
        var ex = Assert.Throws<UnitConversionException>(() => UnitConverter.ToPercent(50, unit, "sensor.battery_soc"));

        Assert.Contains("sensor.battery_soc", ex.Message, StringComparison.Ordinal);
        Assert.Contains("accepted: %", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SEK/kWh", "SEK", 1.25, 1.25)]
    [InlineData("SEK/MWh", "SEK", 1250, 1.25)]
    [InlineData("EUR/MWh", "EUR", 85.3, 0.0853)]
    [InlineData("EUR/kWh", "EUR", 0.12, 0.12)]
    [InlineData("ct/kWh", "EUR", 12, 0.12)]
    [InlineData("c/kWh", "EUR", 12, 0.12)]
    [InlineData("öre/kWh", "SEK", 125, 1.25)]
    [InlineData("öre/kWh", "NOK", 80, 0.8)]
    [InlineData("øre/kWh", "DKK", 80, 0.8)]
    [InlineData(" EUR/MWh ", "EUR", -5, -0.005)]
    public void ToPricePerKilowattHour_KnownUnit_ConvertsToCurrencyPerKwh(string unit, string currency, double value, double expected) =>
        Assert.Equal(expected, UnitConverter.ToPricePerKilowattHour(value, unit, currency, "sensor.nordpool"), 9);

    [Theory]
    [InlineData("EUR/MWh", "SEK", "EUR")]
    [InlineData("NOK/kWh", "SEK", "NOK")]
    public void ToPricePerKilowattHour_OtherCurrency_ThrowsNamingBothCurrencies(string unit, string currency, string given)
    {
        var ex = Assert.Throws<UnitConversionException>(() => UnitConverter.ToPricePerKilowattHour(1, unit, currency, "sensor.nordpool"));

        Assert.Contains("sensor.nordpool", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"in {given}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"currency (pricing.currency) is {currency}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{currency}/kWh, {currency}/MWh", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("öre/kWh", "EUR")]
    [InlineData("ct/kWh", "SEK")]
    [InlineData("øre/kWh", "SEK")]
    public void ToPricePerKilowattHour_SubUnitOfOtherCurrency_Throws(string unit, string currency)
    {
        var ex = Assert.Throws<UnitConversionException>(() => UnitConverter.ToPricePerKilowattHour(1, unit, currency, "sensor.nordpool"));

        Assert.Contains("sub-unit", ex.Message, StringComparison.Ordinal);
        Assert.Contains(currency, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SEK")]
    [InlineData("kWh")]
    [InlineData("SEK/kW")]
    [InlineData("sek/kWh")]
    [InlineData("SEK/kWh/h")]
    [InlineData("/kWh")]
    [InlineData(null)]
    public void ToPricePerKilowattHour_UnknownUnit_ThrowsListingAcceptedUnits(string? unit)
    {
        var ex = Assert.Throws<UnitConversionException>(() => UnitConverter.ToPricePerKilowattHour(1, unit, "SEK", "sensor.nordpool"));

        Assert.Equal("SEK/kWh, SEK/MWh, öre/kWh", ex.Accepted);
    }

    [Fact]
    public void FactorToCoreUnit_PriceWithoutCurrency_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => UnitConverter.FactorToCoreUnit(SensorQuantity.Price, "SEK/kWh", "sensor.nordpool"));

    [Theory]
    [InlineData(SensorQuantity.Energy, "Wh", 0.001)]
    [InlineData(SensorQuantity.Power, "kW", 1.0)]
    [InlineData(SensorQuantity.StateOfCharge, "%", 1.0)]
    public void FactorToCoreUnit_KnownUnit_ReturnsFactor(SensorQuantity quantity, string unit, double expected) =>
        Assert.Equal(expected, UnitConverter.FactorToCoreUnit(quantity, unit, Entity));
}
