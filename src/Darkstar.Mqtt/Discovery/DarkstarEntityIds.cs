namespace Darkstar.Mqtt.Discovery;

/// <summary>
/// The component ids of every Darkstar entity. They are part of each entity's unique id
/// (<c>darkstar_&lt;id&gt;</c>) and entity id, so they never change once released: rename the name, never the id.
/// </summary>
public static class DarkstarEntityIds
{
    public const string LoadForecast = "load_forecast";
    public const string PvForecast = "pv_forecast";
    public const string PlannedAction = "planned_action";
    public const string TargetSoc = "target_soc";
    public const string PlannedBatteryPower = "planned_battery_power";
    public const string PlannedGridPower = "planned_grid_power";
    public const string ImportPrice = "import_price";
    public const string ExportPrice = "export_price";
    public const string PlannedCostToday = "planned_cost_today";
    public const string RealisedCostYesterday = "realised_cost_yesterday";
    public const string OracleRegret = "oracle_regret";
    public const string ForecastMae7Days = "forecast_mae_7d";
    public const string Status = "status";
    public const string WaterHeaterPlannedNow = "water_heater_planned_now";
    public const string CheapSlotNow = "cheap_slot_now";
    public const string ExecutorEnabled = "executor_enabled";
    public const string ShadowMode = "shadow_mode";
    public const string AllowExport = "allow_export";
    public const string ForecastVersion = "forecast_version";
    public const string RiskAppetite = "risk_appetite";
    public const string ManualOverride = "manual_override";
    public const string MinSoc = "min_soc";
    public const string MaxSoc = "max_soc";
    public const string WaterHeaterMinKwhPerDay = "water_heater_min_kwh_per_day";
    public const string Replan = "replan";
    public const string RetrainAurora = "retrain_aurora";
}
