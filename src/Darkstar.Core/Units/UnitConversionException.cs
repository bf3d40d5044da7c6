namespace Darkstar.Core.Units;

/// <summary>A sensor reports in a unit the core cannot convert: the message names the entity, the unit and what is accepted.</summary>
public sealed class UnitConversionException : Exception
{
    public UnitConversionException()
    {
    }

    public UnitConversionException(string message)
        : base(message)
    {
    }

    public UnitConversionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnitConversionException(string entityId, string? unit, string accepted, string? detail = null)
        : base(Describe(entityId, unit, accepted, detail))
    {
        EntityId = entityId;
        Unit = unit;
        Accepted = accepted;
    }

    public string? EntityId { get; }

    /// <summary>The unit as the sensor reported it; null when it reported none.</summary>
    public string? Unit { get; }

    /// <summary>The units that would have been accepted, for the message.</summary>
    public string? Accepted { get; }

    private static string Describe(string entityId, string? unit, string accepted, string? detail)
    {
        var given = string.IsNullOrWhiteSpace(unit) ? "no unit_of_measurement" : $"unit_of_measurement '{unit}'";
        var reason = detail is null ? string.Empty : $" ({detail})";
        return $"{entityId} has {given}{reason}; accepted: {accepted}.";
    }
}
