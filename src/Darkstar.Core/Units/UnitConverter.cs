using System.Collections.Frozen;

namespace Darkstar.Core.Units;

/// <summary>
/// Converts sensor values from their <c>unit_of_measurement</c> into the core units: kWh, kW, percent,
/// and the home's currency per kWh. Units are matched case-sensitively, as Home Assistant writes them
/// (<c>kWh</c>, not <c>KWH</c>), because a wrong case usually means a wrongly configured sensor.
/// </summary>
public static class UnitConverter
{
    private static readonly FrozenDictionary<string, double> KilowattHoursPer = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["Wh"] = 0.001,
        ["kWh"] = 1.0,
        ["MWh"] = 1000.0,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, double> KilowattsPer = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["W"] = 0.001,
        ["kW"] = 1.0,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Sub-units of a currency, written as Home Assistant price sensors write them, with the currencies they belong to.
    private static readonly FrozenDictionary<string, string[]> SubUnits = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["ct"] = ["EUR"],
        ["c"] = ["EUR"],
        ["öre"] = ["SEK", "NOK", "DKK"],
        // Norwegian and Danish spell it with ø.
        ["øre"] = ["NOK", "DKK"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private const string EnergyAccepted = "Wh, kWh, MWh";
    private const string PowerAccepted = "W, kW";
    private const string PercentAccepted = "%";

    /// <summary>The factor that turns a value in <paramref name="unit"/> into the core unit of <paramref name="quantity"/>.</summary>
    /// <param name="currency">The home's currency (ISO 4217); required for <see cref="SensorQuantity.Price"/>.</param>
    public static double FactorToCoreUnit(SensorQuantity quantity, string? unit, string entityId, string? currency = null) =>
        quantity switch
        {
            SensorQuantity.Energy => Lookup(KilowattHoursPer, unit, entityId, EnergyAccepted),
            SensorQuantity.Power => Lookup(KilowattsPer, unit, entityId, PowerAccepted),
            SensorQuantity.StateOfCharge => Normalize(unit) == "%" ? 1.0 : throw new UnitConversionException(entityId, unit, PercentAccepted),
            SensorQuantity.Price => PriceFactor(unit, entityId, currency ?? throw new ArgumentNullException(nameof(currency), "A price conversion needs the home's currency.")),
            _ => throw new ArgumentOutOfRangeException(nameof(quantity), quantity, "Unknown quantity."),
        };

    /// <summary>Converts an energy reading (Wh, kWh, MWh) into kWh.</summary>
    public static double ToKilowattHours(double value, string? unit, string entityId) =>
        value * FactorToCoreUnit(SensorQuantity.Energy, unit, entityId);

    /// <summary>Converts a power reading (W, kW) into kW.</summary>
    public static double ToKilowatts(double value, string? unit, string entityId) =>
        value * FactorToCoreUnit(SensorQuantity.Power, unit, entityId);

    /// <summary>Checks that a state-of-charge reading is in percent and returns it.</summary>
    public static double ToPercent(double value, string? unit, string entityId) =>
        value * FactorToCoreUnit(SensorQuantity.StateOfCharge, unit, entityId);

    /// <summary>
    /// Converts a price into <paramref name="currency"/> per kWh, from <c>CUR/kWh</c>, <c>CUR/MWh</c> or a
    /// sub-unit (<c>ct/kWh</c>, <c>c/kWh</c> for EUR; <c>öre/kWh</c> for SEK, NOK and DKK).
    /// </summary>
    public static double ToPricePerKilowattHour(double value, string? unit, string currency, string entityId) =>
        value * FactorToCoreUnit(SensorQuantity.Price, unit, entityId, currency);

    private static string? Normalize(string? unit) => string.IsNullOrWhiteSpace(unit) ? null : unit.Trim();

    private static double Lookup(FrozenDictionary<string, double> factors, string? unit, string entityId, string accepted)
    {
        var key = Normalize(unit);
        return key is not null && factors.TryGetValue(key, out var factor)
            ? factor
            : throw new UnitConversionException(entityId, unit, accepted);
    }

    private static double PriceFactor(string? unit, string entityId, string currency)
    {
        var accepted = AcceptedPriceUnits(currency);
        var key = Normalize(unit);
        var slash = key?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (key is null || slash <= 0 || slash != key.LastIndexOf('/'))
        {
            throw new UnitConversionException(entityId, unit, accepted);
        }

        var money = key[..slash].Trim();
        var perEnergy = key[(slash + 1)..].Trim();
        var energyFactor = perEnergy switch
        {
            "kWh" => 1.0,
            "MWh" => 1000.0,
            _ => throw new UnitConversionException(entityId, unit, accepted),
        };

        if (SubUnits.TryGetValue(money, out var owners))
        {
            return owners.Contains(currency, StringComparer.Ordinal)
                ? 0.01 / energyFactor
                : throw new UnitConversionException(entityId, unit, accepted, $"{money} is a sub-unit of {string.Join('/', owners)}, but the home's currency (pricing.currency) is {currency}");
        }

        if (IsCurrencyCode(money))
        {
            return string.Equals(money, currency, StringComparison.Ordinal)
                ? 1.0 / energyFactor
                : throw new UnitConversionException(entityId, unit, accepted, $"the price is in {money}, but the home's currency (pricing.currency) is {currency}");
        }

        throw new UnitConversionException(entityId, unit, accepted);
    }

    private static bool IsCurrencyCode(string text) => text.Length == 3 && text.All(char.IsAsciiLetterUpper);

    private static string AcceptedPriceUnits(string currency)
    {
        var units = new List<string> { $"{currency}/kWh", $"{currency}/MWh" };
        units.AddRange(SubUnits.Where(s => s.Value.Contains(currency, StringComparer.Ordinal)).Select(s => $"{s.Key}/kWh").Order(StringComparer.Ordinal));
        return string.Join(", ", units);
    }
}
