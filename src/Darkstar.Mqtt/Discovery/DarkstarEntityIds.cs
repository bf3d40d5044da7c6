using Darkstar.Core.Controls;

namespace Darkstar.Mqtt.Discovery;

/// <summary>
/// The component ids of every Darkstar entity. They are part of each entity's unique id
/// (<c>darkstar_&lt;id&gt;</c>) and entity id, so they never change once released: rename the name, never the id. The
/// controls' ids are the <see cref="ControlCatalogue"/>'s.
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

    public const string PeakSoFar = "peak_so_far";

    public const string PlannedPeak = "planned_peak";
    public const string RealisedCostYesterday = "realised_cost_yesterday";
    public const string OracleRegret = "oracle_regret";
    public const string ForecastMae7Days = "forecast_mae_7d";
    public const string Status = "status";
    public const string WaterHeaterPlannedNow = "water_heater_planned_now";
    public const string CheapSlotNow = "cheap_slot_now";

    /// <summary>The prefix of each flexible load's sensor, followed by the load's name (<c>flexible_loads</c>).</summary>
    public const string FlexibleLoadPrefix = "flexible_load_";

    /// <summary>The sensor of the flexible load <paramref name="name"/>: its energy today and its next start.</summary>
    public static string FlexibleLoad(string name) => FlexibleLoadPrefix + name;
    public const string ExecutorEnabled = ControlCatalogue.ExecutorEnabled;
    public const string ShadowMode = ControlCatalogue.ShadowMode;
    public const string AllowExport = ControlCatalogue.AllowExport;
    public const string ForecastVersion = ControlCatalogue.ForecastVersion;
    public const string RiskAppetite = ControlCatalogue.RiskAppetite;
    public const string ManualOverride = ControlCatalogue.ManualOverride;
    public const string MinSoc = ControlCatalogue.MinSoc;
    public const string MaxSoc = ControlCatalogue.MaxSoc;
    public const string WaterHeaterMinKwhPerDay = ControlCatalogue.WaterHeaterMinKwhPerDay;
    public const string CarTargetSoc = ControlCatalogue.CarTargetSoc;
    public const string CarDeparture = ControlCatalogue.CarDeparture;
    public const string CarStatus = "car_status";
    public const string CarTargetReachable = "car_target_reachable";
    public const string CarPlannedEnergy = "car_planned_energy";
    public const string CarReadyAt = "car_ready_at";
    public const string VacationMode = ControlCatalogue.VacationMode;
    public const string Replan = ControlCatalogue.Replan;
    public const string RetrainAurora = ControlCatalogue.RetrainAurora;
}
