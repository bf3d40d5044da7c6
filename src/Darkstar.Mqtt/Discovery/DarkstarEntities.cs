using Darkstar.Core.Controls;
using static Darkstar.Mqtt.Discovery.DarkstarEntityIds;

namespace Darkstar.Mqtt.Discovery;

/// <summary>Every entity of the Darkstar device (DESIGN.md, "MQTT entities"), and those earlier versions retired.</summary>
public static class DarkstarEntities
{
    public static readonly IReadOnlyList<string> PlannedActions = ["charge", "discharge", "hold", "export", "idle"];

    public static readonly IReadOnlyList<string> StatusValues = Core.Domain.DarkstarStatusText.All;

    /// <summary>
    /// Components that earlier versions published and this one does not. On every announcement each is removed from
    /// Home Assistant: a platform-only entry in <c>cmps</c> and an empty retained per-entity config. Add an id here when an
    /// entity is retired; never reuse it.
    /// </summary>
    public static IReadOnlyList<RetiredEntity> Retired { get; } = [];

    /// <summary>
    /// The entities, with prices and costs in <paramref name="currency"/>, the forecast versions the select offers and a
    /// sensor for each of <paramref name="flexibleLoads"/> (the names of <c>flexible_loads</c>).
    /// </summary>
    public static IReadOnlyList<DarkstarEntity> All(string currency, IReadOnlyList<string>? forecastVersions = null, IReadOnlyList<string>? flexibleLoads = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        var controls = ControlCatalogue.All(forecastVersions).ToDictionary(c => c.Id, StringComparer.Ordinal);
        var pricePerKwh = $"{currency}/kWh";
        // A control's entity offers the values the control takes, no more and no fewer.
        DarkstarEntity Control(DarkstarEntity entity)
        {
            var control = controls[entity.Id];
            return entity with { Options = control.Options, Min = control.Min, Max = control.Max, Step = control.Step };
        }

        return
        [
            // Forecasts have no state_class: Home Assistant must not compile statistics of predictions.
            new() { Id = LoadForecast, Platform = EntityPlatform.Sensor, Name = "Load forecast", DeviceClass = "energy", Unit = "kWh", DisplayPrecision = 3, HasAttributes = true, Icon = "mdi:home-lightning-bolt-outline" },
            new() { Id = PvForecast, Platform = EntityPlatform.Sensor, Name = "PV forecast", DeviceClass = "energy", Unit = "kWh", DisplayPrecision = 3, HasAttributes = true, Icon = "mdi:solar-power-variant-outline" },
            new() { Id = PlannedAction, Platform = EntityPlatform.Sensor, Name = "Planned action", DeviceClass = "enum", Options = PlannedActions, HasAttributes = true, Icon = "mdi:battery-sync-outline" },
            new() { Id = TargetSoc, Platform = EntityPlatform.Sensor, Name = "Target SoC", DeviceClass = "battery", Unit = "%", StateClass = "measurement", DisplayPrecision = 0 },
            new() { Id = PlannedBatteryPower, Platform = EntityPlatform.Sensor, Name = "Planned battery power", DeviceClass = "power", Unit = "kW", StateClass = "measurement", DisplayPrecision = 2 },
            new() { Id = PlannedGridPower, Platform = EntityPlatform.Sensor, Name = "Planned grid power", DeviceClass = "power", Unit = "kW", StateClass = "measurement", DisplayPrecision = 2 },
            // A price per kWh is not a monetary amount (that device class takes a bare currency), so it has none.
            new() { Id = ImportPrice, Platform = EntityPlatform.Sensor, Name = "Import price", Unit = pricePerKwh, StateClass = "measurement", DisplayPrecision = 3, HasAttributes = true, Icon = "mdi:cash-plus" },
            new() { Id = ExportPrice, Platform = EntityPlatform.Sensor, Name = "Export price", Unit = pricePerKwh, StateClass = "measurement", DisplayPrecision = 3, HasAttributes = true, Icon = "mdi:cash-minus" },
            new() { Id = PlannedCostToday, Platform = EntityPlatform.Sensor, Name = "Planned cost today", DeviceClass = "monetary", Unit = currency, StateClass = "total", DisplayPrecision = 2 },
            // The grid's peak fee (peak_fee): the period's peak as the tariff measures it; unknown without a fee.
            new() { Id = PeakSoFar, Platform = EntityPlatform.Sensor, Name = "Peak so far this period", DeviceClass = "power", Unit = "kW", StateClass = "measurement", DisplayPrecision = 2, Icon = "mdi:transmission-tower-import" },
            new() { Id = PlannedPeak, Platform = EntityPlatform.Sensor, Name = "Planned peak this period", DeviceClass = "power", Unit = "kW", StateClass = "measurement", DisplayPrecision = 2, Icon = "mdi:chart-bell-curve-cumulative" },
            new() { Id = RealisedCostYesterday, Platform = EntityPlatform.Sensor, Name = "Realised cost yesterday", DeviceClass = "monetary", Unit = currency, StateClass = "total", DisplayPrecision = 2 },
            new() { Id = OracleRegret, Platform = EntityPlatform.Sensor, Name = "Oracle regret", DeviceClass = "monetary", Unit = currency, StateClass = "total", DisplayPrecision = 2, EntityCategory = "diagnostic" },
            new() { Id = ForecastMae7Days, Platform = EntityPlatform.Sensor, Name = "Forecast MAE (7 days)", Unit = "kWh", StateClass = "measurement", DisplayPrecision = 3, EntityCategory = "diagnostic", Icon = "mdi:chart-bell-curve" },
            new() { Id = Status, Platform = EntityPlatform.Sensor, Name = "Status", DeviceClass = "enum", Options = StatusValues, HasAttributes = true, EntityCategory = "diagnostic", Icon = "mdi:heart-pulse" },
            new() { Id = WaterHeaterPlannedNow, Platform = EntityPlatform.BinarySensor, Name = "Water heater planned now", DeviceClass = "running", Icon = "mdi:water-boiler" },
            new() { Id = CheapSlotNow, Platform = EntityPlatform.BinarySensor, Name = "Cheap slot now", Icon = "mdi:cash-clock" },
            Control(new() { Id = ExecutorEnabled, Platform = EntityPlatform.Switch, Name = "Executor enabled", Icon = "mdi:robot" }),
            Control(new() { Id = ShadowMode, Platform = EntityPlatform.Switch, Name = "Shadow mode", EntityCategory = "config", Icon = "mdi:eye-outline" }),
            Control(new() { Id = AllowExport, Platform = EntityPlatform.Switch, Name = "Allow export", EntityCategory = "config", Icon = "mdi:transmission-tower-export" }),
            Control(new() { Id = ForecastVersion, Platform = EntityPlatform.Select, Name = "Active forecast version", EntityCategory = "config", Icon = "mdi:chart-timeline-variant" }),
            Control(new() { Id = RiskAppetite, Platform = EntityPlatform.Select, Name = "Risk appetite", EntityCategory = "config", Icon = "mdi:scale-balance" }),
            Control(new() { Id = ManualOverride, Platform = EntityPlatform.Select, Name = "Manual override", Icon = "mdi:hand-back-right-outline" }),
            Control(new() { Id = MinSoc, Platform = EntityPlatform.Number, Name = "Minimum SoC", DeviceClass = "battery", Unit = "%", EntityCategory = "config" }),
            Control(new() { Id = MaxSoc, Platform = EntityPlatform.Number, Name = "Maximum SoC", DeviceClass = "battery", Unit = "%", EntityCategory = "config" }),
            Control(new() { Id = WaterHeaterMinKwhPerDay, Platform = EntityPlatform.Number, Name = "Water heater minimum per day", DeviceClass = "energy", Unit = "kWh", EntityCategory = "config", Icon = "mdi:water-thermometer" }),
            // The car (car.*): disabled while the option is off. Its target and departure are Darkstar's own where no helper of Home Assistant holds them.
            new() { Id = CarStatus, Platform = EntityPlatform.Sensor, Name = "Car charging", DeviceClass = "enum", Options = Core.Car.CarPlanStatus.StateTexts, HasAttributes = true, Icon = "mdi:car-electric" },
            new() { Id = CarTargetReachable, Platform = EntityPlatform.BinarySensor, Name = "Car target reachable", Icon = "mdi:car-clock" },
            new() { Id = CarPlannedEnergy, Platform = EntityPlatform.Sensor, Name = "Car planned energy", DeviceClass = "energy", Unit = "kWh", DisplayPrecision = 2, Icon = "mdi:ev-station" },
            new() { Id = CarReadyAt, Platform = EntityPlatform.Sensor, Name = "Car planned ready", DeviceClass = "timestamp", Icon = "mdi:car-clock" },
            Control(new() { Id = CarTargetSoc, Platform = EntityPlatform.Number, Name = "Car target SoC", DeviceClass = "battery", Unit = "%", Icon = "mdi:car-battery" }),
            Control(new() { Id = CarDeparture, Platform = EntityPlatform.Text, Name = "Car departure", Pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", Icon = "mdi:car-clock" }),
            // One sensor per flexible load (flexible_loads): its energy today (run and planned), its next start in the attributes.
            .. (flexibleLoads ?? []).Select(name => new DarkstarEntity
            {
                Id = FlexibleLoad(name), Platform = EntityPlatform.Sensor, Name = $"Flexible load {name}", DeviceClass = "energy", Unit = "kWh",
                DisplayPrecision = 2, HasAttributes = true, Icon = "mdi:power-plug-outline",
            }),
            Control(new() { Id = VacationMode, Platform = EntityPlatform.Switch, Name = "Vacation mode", Icon = "mdi:palm-tree" }),
            Control(new() { Id = Replan, Platform = EntityPlatform.Button, Name = "Re-plan now", Icon = "mdi:refresh" }),
            Control(new() { Id = RetrainAurora, Platform = EntityPlatform.Button, Name = "Retrain Aurora", EntityCategory = "config", Icon = "mdi:school-outline" }),
            .. ManualBlockEntities.All,
        ];
    }
}
