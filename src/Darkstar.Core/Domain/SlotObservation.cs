namespace Darkstar.Core.Domain;

/// <summary>
/// What happened in the house during one 15-minute slot. Energies are kWh in the slot, state of charge
/// is percent, prices are the home's currency per kWh. A measurement that is not known is null, never 0.
/// </summary>
public sealed record SlotObservation
{
    /// <summary>The UTC start of the slot, aligned to the quarter hour.</summary>
    public required DateTimeOffset SlotStart { get; init; }

    public double? ImportKwh { get; init; }

    public double? ExportKwh { get; init; }

    public double? PvKwh { get; init; }

    public double? LoadKwh { get; init; }

    public double? WaterKwh { get; init; }

    /// <summary>What the electric car's charger metered (part of the load); null where the home maps no such meter.</summary>
    public double? EvKwh { get; init; }

    /// <summary>What the heat pump metered (part of the load); null where the home maps no such meter.</summary>
    public double? HeatPumpKwh { get; init; }

    public double? BatteryChargeKwh { get; init; }

    public double? BatteryDischargeKwh { get; init; }

    public double? SocStartPercent { get; init; }

    public double? SocEndPercent { get; init; }

    public double? ImportPrice { get; init; }

    public double? ExportPrice { get; init; }

    public SlotQuality QualityFlags { get; init; }

    /// <summary>
    /// The load the planner must serve as it stands: all of it, or, when the planner schedules the water heater itself
    /// (<paramref name="waterHeaterPlanned"/>), the load less the heater's metered energy, since the plan adds the
    /// heating it schedules on top. What is forecast, and what the forecast and the Oracle are measured against.
    /// Null when the load is unknown.
    /// </summary>
    public double? UnplannedLoadKwh(bool waterHeaterPlanned) =>
        LoadKwh is { } load ? (waterHeaterPlanned ? Math.Max(0, load - (WaterKwh ?? 0)) : load) : null;
}
