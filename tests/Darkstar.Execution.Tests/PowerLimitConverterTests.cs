using Darkstar.Core.Options;

namespace Darkstar.Execution.Tests;

public sealed class PowerLimitConverterTests
{
    [Theory]
    [InlineData(3.0, 3000)]
    [InlineData(0.3, 300)]
    [InlineData(1.2345, 1234)]
    [InlineData(0, 0)]
    [InlineData(4.9999, 4999)]
    public void FromKilowatts_Watts_WholeWattsRoundedDown(double kilowatts, double watts) =>
        Assert.Equal(watts, PowerLimitConverter.FromKilowatts(kilowatts, PowerUnit.Watt, null));

    [Theory]
    [InlineData(1.23456, 1.234)]
    [InlineData(5, 5)]
    [InlineData(0.0009, 0)]
    public void FromKilowatts_Kilowatts_ThousandthsRoundedDown(double kilowatts, double expected) =>
        Assert.Equal(expected, PowerLimitConverter.FromKilowatts(kilowatts, PowerUnit.Kilowatt, null));

    [Theory]
    [InlineData(5.0, 48.0, 104.1)]
    [InlineData(3.0, 48.0, 62.5)]
    [InlineData(2.3, 230.0, 10)]
    [InlineData(1.0, 51.2, 19.5)]
    public void FromKilowatts_Amperes_AtBatteryVoltageTenthsRoundedDown(double kilowatts, double volts, double amperes) =>
        Assert.Equal(amperes, PowerLimitConverter.FromKilowatts(kilowatts, PowerUnit.Ampere, volts));

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    [InlineData(-48.0)]
    public void FromKilowatts_AmperesWithoutVoltage_ThrowsNamingTheOption(double? volts)
    {
        var error = Assert.Throws<ArgumentException>(() => PowerLimitConverter.FromKilowatts(1, PowerUnit.Ampere, volts));
        Assert.Contains("executor.battery_voltage", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void FromKilowatts_NegativeOrNotFinite_Throws(double kilowatts) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PowerLimitConverter.FromKilowatts(kilowatts, PowerUnit.Watt, null));

    [Theory]
    [InlineData(3000, PowerUnit.Watt, null, 3.0)]
    [InlineData(2.5, PowerUnit.Kilowatt, null, 2.5)]
    [InlineData(62.5, PowerUnit.Ampere, 48.0, 3.0)]
    public void ToKilowatts_EachUnit_Converts(double value, PowerUnit unit, double? volts, double kilowatts) =>
        Assert.Equal(kilowatts, PowerLimitConverter.ToKilowatts(value, unit, volts), 9);

    [Fact]
    public void FromKilowatts_RandomPowers_NeverAboveAndWithinOneStepBelow()
    {
        var random = new Random(20260112);
        foreach (var unit in Enum.GetValues<PowerUnit>())
        {
            for (var i = 0; i < 2000; i++)
            {
                var kilowatts = random.NextDouble() * 20;
                double? volts = unit == PowerUnit.Ampere ? 12 + (random.NextDouble() * 800) : null;

                var value = PowerLimitConverter.FromKilowatts(kilowatts, unit, volts);
                var back = PowerLimitConverter.ToKilowatts(value, unit, volts);
                var step = PowerLimitConverter.ToKilowatts(PowerLimitConverter.Resolution(unit), unit, volts);

                Assert.True(back <= kilowatts + 1e-9, $"{kilowatts} kW in {unit} became {value}, which is {back} kW");
                Assert.True(back > kilowatts - step - 1e-9, $"{kilowatts} kW in {unit} became {value}, more than one step below");
            }
        }
    }
}
