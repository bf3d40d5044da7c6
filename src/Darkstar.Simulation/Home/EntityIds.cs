namespace Darkstar.Simulation.Home;

/// <summary>The simulated home's entity ids: the contract with simulated-home.yaml.</summary>
public static class EntityIds
{
    public const string LoadEnergy = "sensor.darkstar_sim_load_energy";
    public const string PvEnergy = "sensor.darkstar_sim_pv_energy";
    public const string GridImportEnergy = "sensor.darkstar_sim_grid_import_energy";
    public const string GridExportEnergy = "sensor.darkstar_sim_grid_export_energy";
    public const string BatteryChargeEnergy = "sensor.darkstar_sim_battery_charge_energy";
    public const string BatteryDischargeEnergy = "sensor.darkstar_sim_battery_discharge_energy";
    public const string WaterHeaterEnergy = "sensor.darkstar_sim_water_heater_energy";
    public const string HeatPumpEnergy = "sensor.darkstar_sim_heat_pump_energy";
    public const string EvChargerEnergy = "sensor.darkstar_sim_ev_charger_energy";
    public const string BatterySoc = "sensor.darkstar_sim_battery_soc";

    public const string LoadPower = "sensor.darkstar_sim_load_power";
    public const string PvPower = "sensor.darkstar_sim_pv_power";
    public const string GridPower = "sensor.darkstar_sim_grid_power";
    public const string BatteryPower = "sensor.darkstar_sim_battery_power";
    public const string WaterHeaterPower = "sensor.darkstar_sim_water_heater_power";
    public const string OutdoorTemperature = "sensor.darkstar_sim_outdoor_temperature";

    public const string WorkMode = "select.darkstar_sim_work_mode";
    public const string GridCharging = "switch.darkstar_sim_grid_charging";
    public const string MaxChargePower = "number.darkstar_sim_max_charge_power";
    public const string MaxDischargePower = "number.darkstar_sim_max_discharge_power";
    public const string SocTarget = "number.darkstar_sim_soc_target";

    /// <summary>The inverter's reserve: no work mode discharges below it.</summary>
    public const string DischargeFloor = "number.darkstar_sim_discharge_floor";
    public const string WaterHeater = "switch.darkstar_sim_water_heater";
    public const string VacationMode = "input_boolean.darkstar_sim_vacation_mode";

    /// <summary>The car Darkstar charges (<see cref="SimulatedCar"/>): its SoC, whether it is home and plugged in, its charger.</summary>
    public const string CarSoc = "sensor.darkstar_sim_car_soc";
    public const string CarPluggedIn = "binary_sensor.darkstar_sim_car_plugged_in";
    public const string CarCharger = "switch.darkstar_sim_car_charger";
    public const string CarChargingCurrent = "number.darkstar_sim_car_charging_current";
    public const string NordpoolPrice = "sensor.darkstar_sim_nordpool_se3";

    /// <summary>A flexible load Darkstar switches (<c>flexible_loads</c>): the dishwasher, part of the house's measured load while on.</summary>
    public const string Dishwasher = "switch.darkstar_sim_dishwasher";

    /// <summary>The cumulative kWh counters (<c>total_increasing</c>).</summary>
    public static IReadOnlyList<string> EnergyCounters { get; } =
    [
        LoadEnergy, PvEnergy, GridImportEnergy, GridExportEnergy, BatteryChargeEnergy, BatteryDischargeEnergy, WaterHeaterEnergy,
        HeatPumpEnergy, EvChargerEnergy,
    ];
}

/// <summary>The options of <see cref="EntityIds.WorkMode"/>, as simulated-home.yaml names them.</summary>
public static class WorkModes
{
    public const string SelfConsumption = "Self consumption";
    public const string ForceCharge = "Force charge";
    public const string ForceDischarge = "Force discharge";
    public const string Hold = "Hold";
    public const string ForceExport = "Force export";

    public static IReadOnlyList<string> All { get; } = [SelfConsumption, ForceCharge, ForceDischarge, Hold, ForceExport];
}
