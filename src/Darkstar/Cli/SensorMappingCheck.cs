using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Options;
using Darkstar.Core.Units;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.Cli;

public enum FindingLevel
{
    Ok,
    Warning,
    Problem,
}

/// <summary>What Darkstar makes of one mapped entity: its state now, in the core unit, and anything wrong with it.</summary>
public sealed record SensorFinding(string Option, string EntityId, string? State, string? Unit, double? Value, FindingLevel Level, string Message);

/// <summary>
/// Checks the options' entity mapping against Home Assistant's states before Darkstar learns from it:
/// the entity exists, its unit converts, counters are counters, and a missing value is a gap, not zero.
/// </summary>
public static class SensorMappingCheck
{
    public static IReadOnlyList<SensorFinding> Check(DarkstarOptions options, IEnumerable<EntityState> states)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(states);
        var byId = states.GroupBy(s => s.EntityId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var findings = new List<SensorFinding>();
        foreach (var sensor in SensorRoles.Mapped(options.InputSensors))
        {
            findings.Add(CheckSensor("input_sensors." + sensor.OptionKey, sensor.EntityId, sensor.Quantity, byId));
        }

        if (options.Pricing.PriceSource == PriceSource.NordpoolSensor && !string.IsNullOrWhiteSpace(options.Pricing.NordpoolSensor))
        {
            findings.Add(CheckPriceSensor(options.Pricing, byId));
        }

        return findings;
    }

    private static SensorFinding CheckSensor(string option, string entityId, SensorQuantity? quantity, Dictionary<string, EntityState> byId)
    {
        if (!byId.TryGetValue(entityId, out var state))
        {
            return NotFound(option, entityId);
        }

        var unit = state.UnitOfMeasurement;
        if (quantity is null)
        {
            var on = state.State is "on" or "off";
            return new SensorFinding(option, entityId, state.State, unit, null, on ? FindingLevel.Ok : FindingLevel.Warning,
                on ? $"vacation mode is {state.State}" : $"state '{state.State}' is neither on nor off; Darkstar reads it as off");
        }

        if (!state.TryGetNumber(out var raw))
        {
            return new SensorFinding(option, entityId, state.State, unit, null, FindingLevel.Warning,
                $"no value now ('{state.State}'): Darkstar records a gap, never a zero");
        }

        double value;
        try
        {
            value = raw * UnitConverter.FactorToCoreUnit(quantity.Value, unit, entityId);
        }
        catch (UnitConversionException e)
        {
            return new SensorFinding(option, entityId, state.State, unit, null, FindingLevel.Problem, e.Message);
        }

        if (quantity == SensorQuantity.Energy && state.StateClass is not ("total_increasing" or "total"))
        {
            return new SensorFinding(option, entityId, state.State, unit, value, FindingLevel.Warning,
                $"state_class is '{state.StateClass ?? "none"}'; Darkstar expects a cumulative energy counter (total_increasing)");
        }

        return new SensorFinding(option, entityId, state.State, unit, value, FindingLevel.Ok, quantity == SensorQuantity.Energy ? "kWh counter" : "%");
    }

    private static SensorFinding CheckPriceSensor(PricingOptions pricing, Dictionary<string, EntityState> byId)
    {
        const string option = "pricing.nordpool_sensor";
        var entityId = pricing.NordpoolSensor!;
        if (!byId.TryGetValue(entityId, out var state))
        {
            return NotFound(option, entityId);
        }

        var unit = state.UnitOfMeasurement;
        if (!state.TryGetNumber(out var raw))
        {
            return new SensorFinding(option, entityId, state.State, unit, null, FindingLevel.Warning,
                $"no price now ('{state.State}'): Darkstar plans only as far as prices are known");
        }

        double price;
        try
        {
            price = UnitConverter.ToPricePerKilowattHour(raw, unit, pricing.Currency, entityId);
        }
        catch (UnitConversionException e)
        {
            return new SensorFinding(option, entityId, state.State, unit, null, FindingLevel.Problem, e.Message);
        }

        var today = CountArray(state, "raw_today");
        if (today == 0)
        {
            return new SensorFinding(option, entityId, state.State, unit, price, FindingLevel.Problem,
                "no raw_today attribute: is this the Nord Pool custom integration's price sensor?");
        }

        var tomorrowValid = state.Attributes.TryGetValue("tomorrow_valid", out var valid) && valid.ValueKind == JsonValueKind.True;
        var tomorrow = tomorrowValid ? $"{CountArray(state, "raw_tomorrow")} for tomorrow" : "tomorrow's not out yet";
        return new SensorFinding(option, entityId, state.State, unit, price, FindingLevel.Ok,
            $"{pricing.Currency}/kWh; {today} prices for today, {tomorrow}");
    }

    private static SensorFinding NotFound(string option, string entityId) =>
        new(option, entityId, null, null, null, FindingLevel.Problem, "not found in Home Assistant: check the entity id under Settings > Entities");

    private static int CountArray(EntityState state, string attribute) =>
        state.Attributes.TryGetValue(attribute, out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
}
