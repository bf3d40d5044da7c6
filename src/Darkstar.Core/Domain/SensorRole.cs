using Darkstar.Core.Options;
using Darkstar.Core.Units;

namespace Darkstar.Core.Domain;

/// <summary>The canonical roles of the Home Assistant sensors Darkstar learns from (options: <c>input_sensors</c>).</summary>
public enum SensorRole
{
    TotalLoadConsumption,
    TotalPvProduction,
    TotalGridImport,
    TotalGridExport,
    TotalBatteryCharge,
    TotalBatteryDischarge,
    BatterySoc,
    WaterHeaterConsumption,
    VacationMode,
    EvChargerConsumption,
    HeatPumpConsumption,
}

/// <summary>A role with the entity the options map it to.</summary>
public sealed record MappedSensor(SensorRole Role, string EntityId)
{
    /// <summary>The role's option key under <c>input_sensors</c>, e.g. <c>total_grid_import</c>.</summary>
    public string OptionKey => SensorRoles.OptionKey(Role);

    /// <summary>What the sensor measures; null for the on/off vacation flag.</summary>
    public SensorQuantity? Quantity => SensorRoles.QuantityOf(Role);
}

public static class SensorRoles
{
    public static string OptionKey(SensorRole role) => role switch
    {
        SensorRole.TotalLoadConsumption => "total_load_consumption",
        SensorRole.TotalPvProduction => "total_pv_production",
        SensorRole.TotalGridImport => "total_grid_import",
        SensorRole.TotalGridExport => "total_grid_export",
        SensorRole.TotalBatteryCharge => "total_battery_charge",
        SensorRole.TotalBatteryDischarge => "total_battery_discharge",
        SensorRole.BatterySoc => "battery_soc",
        SensorRole.WaterHeaterConsumption => "water_heater_consumption",
        SensorRole.VacationMode => "vacation_mode",
        SensorRole.EvChargerConsumption => "ev_charger_consumption",
        SensorRole.HeatPumpConsumption => "heat_pump_consumption",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a sensor role."),
    };

    public static SensorQuantity? QuantityOf(SensorRole role) => role switch
    {
        SensorRole.BatterySoc => SensorQuantity.StateOfCharge,
        SensorRole.VacationMode => null,
        _ => SensorQuantity.Energy,
    };

    /// <summary>Every role the options map to an entity, in the order of <see cref="SensorRole"/>.</summary>
    public static IReadOnlyList<MappedSensor> Mapped(InputSensorOptions sensors)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        (SensorRole Role, string? EntityId)[] all =
        [
            (SensorRole.TotalLoadConsumption, sensors.TotalLoadConsumption),
            (SensorRole.TotalPvProduction, sensors.TotalPvProduction),
            (SensorRole.TotalGridImport, sensors.TotalGridImport),
            (SensorRole.TotalGridExport, sensors.TotalGridExport),
            (SensorRole.TotalBatteryCharge, sensors.TotalBatteryCharge),
            (SensorRole.TotalBatteryDischarge, sensors.TotalBatteryDischarge),
            (SensorRole.BatterySoc, sensors.BatterySoc),
            (SensorRole.WaterHeaterConsumption, sensors.WaterHeaterConsumption),
            (SensorRole.VacationMode, sensors.VacationMode),
            (SensorRole.EvChargerConsumption, sensors.EvChargerConsumption),
            (SensorRole.HeatPumpConsumption, sensors.HeatPumpConsumption),
        ];
        return all.Where(s => !string.IsNullOrWhiteSpace(s.EntityId)).Select(s => new MappedSensor(s.Role, s.EntityId!)).ToList();
    }
}
