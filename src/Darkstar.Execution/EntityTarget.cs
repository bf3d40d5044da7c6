using System.Globalization;
using System.Text.Json.Nodes;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.Execution;

/// <summary>Which of the actuation profile's entities a target is for.</summary>
public enum ActuatorRole
{
    WorkMode,
    GridCharging,
    MaxChargePower,
    MaxDischargePower,
    SocTarget,
    DischargeFloor,
    WaterHeater,
    CarCharger,
    CarChargingCurrent,

    /// <summary>A flexible load's switch (<c>flexible_loads</c>).</summary>
    FlexibleLoad,
}

/// <summary>
/// The state one Home Assistant entity should be in for the current slot, how to tell whether it already
/// is, and the service call that puts it there.
/// </summary>
public abstract record EntityTarget(ActuatorRole Role, string EntityId)
{
    /// <summary>A note for the log when the wanted value was changed to keep within a limit; null otherwise.</summary>
    public string? ClampNote { get; init; }

    /// <summary>The entity's domain, e.g. <c>number</c>.</summary>
    public string Domain => EntityId[..EntityId.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>The service as <c>domain.service</c>, e.g. <c>number.set_value</c>.</summary>
    public string Service => $"{ServiceDomain}.{ServiceName}";

    /// <summary>The value sent, as text for the log.</summary>
    public abstract string ValueText { get; }

    protected virtual string ServiceDomain => Domain;

    protected abstract string ServiceName { get; }

    /// <summary>True when <paramref name="state"/> already is what this target wants (a missing or unavailable state never is).</summary>
    public abstract bool IsSatisfiedBy(EntityState? state);

    public ServiceCall ToServiceCall() => new(ServiceDomain, ServiceName, ServiceData(), ServiceTarget.Entity(EntityId));

    protected abstract JsonObject? ServiceData();

    internal static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>A <c>select</c> or <c>input_select</c> set to an option.</summary>
public sealed record SelectOptionTarget(ActuatorRole Role, string EntityId, string Option) : EntityTarget(Role, EntityId)
{
    public override string ValueText => Option;

    protected override string ServiceName => "select_option";

    public override bool IsSatisfiedBy(EntityState? state) => state is not null && string.Equals(state.State, Option, StringComparison.Ordinal);

    protected override JsonObject? ServiceData() => new() { ["option"] = Option };
}

/// <summary>A <c>switch</c> or <c>input_boolean</c> turned on or off.</summary>
public sealed record SwitchTarget(ActuatorRole Role, string EntityId, bool On) : EntityTarget(Role, EntityId)
{
    public override string ValueText => On ? "on" : "off";

    protected override string ServiceName => On ? "turn_on" : "turn_off";

    public override bool IsSatisfiedBy(EntityState? state) => state is not null && string.Equals(state.State, ValueText, StringComparison.Ordinal);

    protected override JsonObject? ServiceData() => null;
}

/// <summary>A <c>number</c> or <c>input_number</c> set to a value, equal within half its resolution.</summary>
public sealed record NumberValueTarget(ActuatorRole Role, string EntityId, double Value, double Resolution) : EntityTarget(Role, EntityId)
{
    public override string ValueText => Number(Value);

    protected override string ServiceName => "set_value";

    public override bool IsSatisfiedBy(EntityState? state) =>
        state is not null && state.TryGetNumber(out var current) && Math.Abs(current - Value) < Resolution / 2;

    protected override JsonObject? ServiceData() => new() { ["value"] = Value };
}

/// <summary>A <c>water_heater</c> whose target temperature is set (the on or off temperature).</summary>
public sealed record WaterHeaterTemperatureTarget(ActuatorRole Role, string EntityId, double Temperature) : EntityTarget(Role, EntityId)
{
    public override string ValueText => Number(Temperature);

    protected override string ServiceName => "set_temperature";

    public override bool IsSatisfiedBy(EntityState? state)
    {
        if (state is null || !state.HasValue || !state.Attributes.TryGetValue("temperature", out var attribute))
        {
            return false;
        }

        double? current = attribute.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Number => attribute.GetDouble(),
            System.Text.Json.JsonValueKind.String when double.TryParse(attribute.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        return current is { } value && Math.Abs(value - Temperature) < 0.25;
    }

    protected override JsonObject? ServiceData() => new() { ["temperature"] = Temperature };
}
