namespace Darkstar.Core.Domain;

/// <summary>
/// The last cumulative reading taken for one sensor role (import, export, pv, ...), so the ETL resumes
/// exactly where it stopped. The value is kept in the sensor's own unit, with that unit, so that a
/// change of unit on the Home Assistant side is noticed instead of being read as a jump.
/// </summary>
public sealed record SensorTotal
{
    public required string Role { get; init; }

    public required string EntityId { get; init; }

    public required double LastValue { get; init; }

    /// <summary>The sensor's <c>unit_of_measurement</c> when the value was read (kWh, Wh, MWh), or null.</summary>
    public string? Unit { get; init; }

    /// <summary>When Home Assistant took the reading.</summary>
    public required DateTimeOffset LastReadingAt { get; init; }

    /// <summary>When Darkstar stored it.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
