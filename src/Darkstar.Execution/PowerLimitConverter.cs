using Darkstar.Core.Options;

namespace Darkstar.Execution;

/// <summary>
/// Turns a power in kW into the value a power-limit number entity takes (W, kW, or A at the battery's
/// nominal voltage) and back. Values are rounded down to the entity's resolution, never up, so rounding
/// can never push a command above a limit.
/// </summary>
public static class PowerLimitConverter
{
    /// <summary>The resolution of a value in <paramref name="unit"/>: 1 W, 0.001 kW, 0.1 A.</summary>
    public static double Resolution(PowerUnit unit) => unit switch
    {
        PowerUnit.Watt => 1,
        PowerUnit.Kilowatt => 0.001,
        PowerUnit.Ampere => 0.1,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Not a power unit."),
    };

    /// <summary>The entity value for <paramref name="kilowatts"/> (≥ 0), rounded down to the unit's resolution.</summary>
    /// <exception cref="ArgumentException">Amperes without a positive battery voltage.</exception>
    public static double FromKilowatts(double kilowatts, PowerUnit unit, double? batteryVoltage)
    {
        if (!double.IsFinite(kilowatts) || kilowatts < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kilowatts), kilowatts, "A power limit must be a finite number of kW, at least 0.");
        }

        var exact = unit switch
        {
            PowerUnit.Watt => kilowatts * 1000,
            PowerUnit.Kilowatt => kilowatts,
            PowerUnit.Ampere => kilowatts * 1000 / RequireVoltage(batteryVoltage),
            _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Not a power unit."),
        };
        var steps = exact / Resolution(unit);
        // Rounding to 6 decimals first absorbs binary noise (0.3 kW is 299.99999999999994 W) before flooring.
        var value = Math.Floor(Math.Round(steps, 6)) * Resolution(unit);
        return Math.Round(value, 3);
    }

    /// <summary>The power in kW an entity value in <paramref name="unit"/> stands for.</summary>
    public static double ToKilowatts(double value, PowerUnit unit, double? batteryVoltage) => unit switch
    {
        PowerUnit.Watt => value / 1000,
        PowerUnit.Kilowatt => value,
        PowerUnit.Ampere => value * RequireVoltage(batteryVoltage) / 1000,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Not a power unit."),
    };

    private static double RequireVoltage(double? batteryVoltage) =>
        batteryVoltage is { } volts && double.IsFinite(volts) && volts > 0
            ? volts
            : throw new ArgumentException("A power limit in A needs executor.battery_voltage (the battery's nominal voltage) to be set.", nameof(batteryVoltage));
}
