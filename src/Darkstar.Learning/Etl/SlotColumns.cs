using Darkstar.Core.Domain;

namespace Darkstar.Learning.Etl;

/// <summary>Which column of <see cref="SlotObservation"/> each energy role fills.</summary>
internal static class SlotColumns
{
    public static readonly SensorRole[] EnergyRoles =
    [
        SensorRole.TotalGridImport, SensorRole.TotalGridExport, SensorRole.TotalPvProduction, SensorRole.TotalLoadConsumption,
        SensorRole.WaterHeaterConsumption, SensorRole.TotalBatteryCharge, SensorRole.TotalBatteryDischarge,
    ];

    public static double? Get(SlotObservation observation, SensorRole role) => role switch
    {
        SensorRole.TotalGridImport => observation.ImportKwh,
        SensorRole.TotalGridExport => observation.ExportKwh,
        SensorRole.TotalPvProduction => observation.PvKwh,
        SensorRole.TotalLoadConsumption => observation.LoadKwh,
        SensorRole.WaterHeaterConsumption => observation.WaterKwh,
        SensorRole.TotalBatteryCharge => observation.BatteryChargeKwh,
        SensorRole.TotalBatteryDischarge => observation.BatteryDischargeKwh,
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
