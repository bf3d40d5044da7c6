namespace Darkstar.Mqtt;

/// <summary>The plan's decision for the current slot, and the horizon behind it.</summary>
public sealed record PlanSnapshot
{
    /// <summary>charge, discharge, hold, export or idle.</summary>
    public required Core.Domain.PlannedAction Action { get; init; }

    public double? TargetSocPercent { get; init; }

    /// <summary>Positive charges the battery, negative discharges it.</summary>
    public double? BatteryPowerKw { get; init; }

    /// <summary>Positive imports from the grid, negative exports to it.</summary>
    public double? GridPowerKw { get; init; }

    public bool? WaterHeaterOn { get; init; }

    /// <summary>The planned action per slot over the horizon, from the current slot; optional.</summary>
    public DateTimeOffset? HorizonStart { get; init; }

    public IReadOnlyList<Core.Domain.PlannedAction>? Actions { get; init; }

    public IReadOnlyList<double?>? SocPercent { get; init; }

    public IReadOnlyList<double?>? BatteryKw { get; init; }

    public IReadOnlyList<double?>? GridKw { get; init; }
}
