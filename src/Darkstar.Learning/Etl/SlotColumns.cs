using Darkstar.Core.Domain;

namespace Darkstar.Learning.Etl;

/// <summary>Which column of <see cref="SlotObservation"/> each energy role fills.</summary>
internal static class SlotColumns
{
    public static readonly SensorRole[] EnergyRoles =
    [
        SensorRole.TotalGridImport, SensorRole.TotalGridExport, SensorRole.TotalPvProduction, SensorRole.TotalLoadConsumption,
        SensorRole.WaterHeaterConsumption, SensorRole.TotalBatteryCharge, SensorRole.TotalBatteryDischarge,
        SensorRole.EvChargerConsumption, SensorRole.HeatPumpConsumption,
    ];

    /// <summary>
    /// A meter inside the load that only informs the forecast (the car's charger, the heat pump): its gaps and missing
    /// readings leave the slot's load measured, and its made-up values are not stored.
    /// </summary>
    public static bool IsSubMeter(SensorRole role) => role is SensorRole.EvChargerConsumption or SensorRole.HeatPumpConsumption;

    /// <summary>The position of <paramref name="role"/> in <see cref="EnergyRoles"/>.</summary>
    public static int IndexOf(SensorRole role) => role switch
    {
        SensorRole.TotalGridImport => 0,
        SensorRole.TotalGridExport => 1,
        SensorRole.TotalPvProduction => 2,
        SensorRole.TotalLoadConsumption => 3,
        SensorRole.WaterHeaterConsumption => 4,
        SensorRole.TotalBatteryCharge => 5,
        SensorRole.TotalBatteryDischarge => 6,
        SensorRole.EvChargerConsumption => 7,
        SensorRole.HeatPumpConsumption => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not an energy role."),
    };

    /// <summary>The observation with every energy column set from <paramref name="energy"/>, in the order of <see cref="EnergyRoles"/>.</summary>
    public static SlotObservation WithEnergy(SlotObservation observation, ReadOnlySpan<double?> energy) => observation with
    {
        ImportKwh = energy[0],
        ExportKwh = energy[1],
        PvKwh = energy[2],
        LoadKwh = energy[3],
        WaterKwh = energy[4],
        BatteryChargeKwh = energy[5],
        BatteryDischargeKwh = energy[6],
        EvKwh = energy[7],
        HeatPumpKwh = energy[8],
    };

    public static double? Get(SlotObservation observation, SensorRole role) => role switch
    {
        SensorRole.TotalGridImport => observation.ImportKwh,
        SensorRole.TotalGridExport => observation.ExportKwh,
        SensorRole.TotalPvProduction => observation.PvKwh,
        SensorRole.TotalLoadConsumption => observation.LoadKwh,
        SensorRole.WaterHeaterConsumption => observation.WaterKwh,
        SensorRole.TotalBatteryCharge => observation.BatteryChargeKwh,
        SensorRole.TotalBatteryDischarge => observation.BatteryDischargeKwh,
        SensorRole.EvChargerConsumption => observation.EvKwh,
        SensorRole.HeatPumpConsumption => observation.HeatPumpKwh,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not an energy role."),
    };

    public static SlotObservation With(SlotObservation observation, SensorRole role, double? kwh) => role switch
    {
        SensorRole.TotalGridImport => observation with { ImportKwh = kwh },
        SensorRole.TotalGridExport => observation with { ExportKwh = kwh },
        SensorRole.TotalPvProduction => observation with { PvKwh = kwh },
        SensorRole.TotalLoadConsumption => observation with { LoadKwh = kwh },
        SensorRole.WaterHeaterConsumption => observation with { WaterKwh = kwh },
        SensorRole.TotalBatteryCharge => observation with { BatteryChargeKwh = kwh },
        SensorRole.TotalBatteryDischarge => observation with { BatteryDischargeKwh = kwh },
        SensorRole.EvChargerConsumption => observation with { EvKwh = kwh },
        SensorRole.HeatPumpConsumption => observation with { HeatPumpKwh = kwh },
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not an energy role."),
    };

    /// <summary>
    /// Load from the energy balance when there is no load sensor: import − export + PV + discharge − charge.
    /// A role that is not mapped counts as zero (a home without a battery); a mapped one without a value makes the load unknown.
    /// </summary>
    public static double? DeriveLoad(SlotObservation observation, IReadOnlySet<SensorRole> mapped)
    {
        double? Term(SensorRole role) => mapped.Contains(role) ? Get(observation, role) : 0;
        var import = Term(SensorRole.TotalGridImport);
        var export = Term(SensorRole.TotalGridExport);
        var pv = Term(SensorRole.TotalPvProduction);
        var discharge = Term(SensorRole.TotalBatteryDischarge);
        var charge = Term(SensorRole.TotalBatteryCharge);
        return import - export + pv + discharge - charge;
    }
}
