using Darkstar.Core.Time;

namespace Darkstar.Core.Options;

// The complete options of the add-on. Keys are the snake_case form of the property names
// (CapacityKwh → capacity_kwh); enum values are snake_case unless [OptionValue] says otherwise.
// A nullable option is optional and unset by default; every other option has the default shown.
// Sections are one level deep because the Supervisor validates option dictionaries only two levels deep; a list option
// (flexible_loads) holds items of one level of keys, as the Supervisor's schema allows a list of dictionaries.

/// <summary>All options of Darkstar, as loaded from /data/options.json or a YAML file.</summary>
public sealed record DarkstarOptions
{
    public HomeAssistantOptions HomeAssistant { get; init; } = new();

    public InputSensorOptions InputSensors { get; init; } = new();

    public BatteryOptions Battery { get; init; } = new();

    public GridOptions Grid { get; init; } = new();

    public PeakFeeOptions PeakFee { get; init; } = new();

    public PricingOptions Pricing { get; init; } = new();

    public WaterHeatingOptions WaterHeating { get; init; } = new();

    public CarOptions Car { get; init; } = new();

    public VacationOptions Vacation { get; init; } = new();

    /// <summary>The deferrable loads Darkstar plans and switches, each with its window, runs and switch; none by default.</summary>
    public OptionList<FlexibleLoadOptions> FlexibleLoads { get; init; } = [];

    public SIndexOptions SIndex { get; init; } = new();

    public ForecastingOptions Forecasting { get; init; } = new();

    public PlannerOptions Planner { get; init; } = new();

    public ExecutorOptions Executor { get; init; } = new();

    public MqttOptions Mqtt { get; init; } = new();

    public LocationOptions Location { get; init; } = new();

    public RetentionOptions Retention { get; init; } = new();

    [Matches(@"^\S(.*\S)?$", "a file path, e.g. /data/darkstar.db")]
    public string DatabasePath { get; init; } = "/data/darkstar.db";

    public LogLevelOption LogLevel { get; init; } = LogLevelOption.Info;
}

/// <summary>How to reach Home Assistant. Without a URL the add-on talks to the Supervisor's proxy with SUPERVISOR_TOKEN.</summary>
public sealed record HomeAssistantOptions
{
    [HttpUrl]
    public string? Url { get; init; }

    /// <summary>A long-lived access token (Home Assistant profile → Security).</summary>
    [Secret]
    [SingleToken]
    public string? Token { get; init; }
}

/// <summary>The Home Assistant sensors Darkstar learns from, by role. Energy counters are cumulative (total_increasing).</summary>
public sealed record InputSensorOptions
{
    [EntityId("sensor")]
    public string? TotalLoadConsumption { get; init; }

    [EntityId("sensor")]
    public string? TotalPvProduction { get; init; }

    [EntityId("sensor")]
    public string? TotalGridImport { get; init; }

    [EntityId("sensor")]
    public string? TotalGridExport { get; init; }

    [EntityId("sensor")]
    public string? TotalBatteryCharge { get; init; }

    [EntityId("sensor")]
    public string? TotalBatteryDischarge { get; init; }

    [EntityId("sensor")]
    public string? BatterySoc { get; init; }

    [EntityId("sensor")]
    public string? WaterHeaterConsumption { get; init; }

    [EntityId("input_boolean", "binary_sensor", "switch")]
    public string? VacationMode { get; init; }

    /// <summary>The electric car charger's energy meter, if the home has one: its charging is kept out of the load's daily rhythm.</summary>
    [EntityId("sensor")]
    public string? EvChargerConsumption { get; init; }

    /// <summary>The heat pump's energy meter, if the home has one: its energy is forecast from the temperature.</summary>
    [EntityId("sensor")]
    public string? HeatPumpConsumption { get; init; }
}

/// <summary>The home battery. A capacity of 0 means the home has none.</summary>
public sealed record BatteryOptions
{
    [Between(0, 1000)]
    public double CapacityKwh { get; init; } = 10;

    [Between(0, 100)]
    public double MinSocPercent { get; init; } = 10;

    [Between(0, 100)]
    public double MaxSocPercent { get; init; } = 100;

    [Between(0, 1000)]
    public double MaxChargeKw { get; init; } = 5;

    [Between(0, 1000)]
    public double MaxDischargeKw { get; init; } = 5;

    [Between(0, 1, MinExclusive = true)]
    public double RoundTripEfficiency { get; init; } = 0.9;

    /// <summary>Wear cost per kWh charged or discharged, in the home's currency.</summary>
    [AtLeast(0)]
    public double CycleCostPerKwh { get; init; }
}

/// <summary>The grid connection.</summary>
public sealed record GridOptions
{
    [Between(0, 1000, MinExclusive = true)]
    public double MaxImportKw { get; init; } = 11;

    [Between(0, 1000)]
    public double MaxExportKw { get; init; } = 11;

    public bool ExportAllowed { get; init; } = true;
}

/// <summary>
/// The tariff around the day-ahead spot price, all in <see cref="Currency"/> per kWh:
/// import = (spot + transfer fee + energy tax) × (1 + VAT), export = spot + export bonus.
/// </summary>
public sealed record PricingOptions
{
    [Matches("^[A-Z]{3}$", "an ISO 4217 currency code of three capital letters, e.g. SEK or EUR")]
    public string Currency { get; init; } = "EUR";

    [Between(0, 100)]
    public double VatPercent { get; init; } = 25;

    [AtLeast(0)]
    public double TransferFeePerKwh { get; init; }

    [AtLeast(0)]
    public double EnergyTaxPerKwh { get; init; }

    public double ExportBonusPerKwh { get; init; }

    public PriceSource PriceSource { get; init; } = PriceSource.NordpoolSensor;

    [EntityId("sensor")]
    public string? NordpoolSensor { get; init; }

    [Matches("^[0-9A-Za-z]+$", "the config entry id of the Nord Pool integration (letters and digits, from Settings → Devices & services)")]
    public string? NordpoolConfigEntry { get; init; }

    [Matches("^[A-Z]{2,3}[0-9]?$", "a Nord Pool delivery area, e.g. SE3, NO1, DK2 or FI")]
    public string? PriceArea { get; init; }
}

/// <summary>The water heater as a flexible load, heated in blocks of whole slots.</summary>
public sealed record WaterHeatingOptions
{
    public bool Enabled { get; init; }

    [Between(0, 50, MinExclusive = true)]
    public double PowerKw { get; init; } = 3;

    [Between(0, 200)]
    public double MinKwhPerDay { get; init; } = 6;

    [Between(1, SlotGrid.SlotsPerUtcDay)]
    public int MaxBlocksPerDay { get; init; } = 2;

    /// <summary>Minimum time between the starts of two heating blocks.</summary>
    [Between(0, 1440)]
    [MultipleOf(15)]
    public int MinSpacingMinutes { get; init; } = 120;
}

/// <summary>
/// The electric car, charged to its target by its departure. The charger is switched on and off, or its current set (A);
/// its power is current × voltage × phases. The departure and target come from Home Assistant helpers when set, else
/// from Darkstar's own MQTT time and number entities, which start at <see cref="DepartureTime"/> and <see cref="TargetSocPercent"/>.
/// </summary>
public sealed record CarOptions
{
    public bool Enabled { get; init; }

    [Between(1, 300)]
    public double BatteryKwh { get; init; } = 60;

    [EntityId("sensor")]
    public string? SocSensor { get; init; }

    /// <summary>Whether the car is plugged in; unset, it is taken to be whenever it is home.</summary>
    [EntityId("binary_sensor", "sensor", "input_boolean")]
    public string? PluggedInSensor { get; init; }

    [EntityId("switch", "input_boolean")]
    public string? ChargerSwitchEntity { get; init; }

    [EntityId("number", "input_number")]
    public string? ChargerCurrentEntity { get; init; }

    [Between(0, 80)]
    public double MinCurrentA { get; init; } = 6;

    [Between(1, 80)]
    public double MaxCurrentA { get; init; } = 16;

    [Between(1, 3)]
    public int Phases { get; init; } = 3;

    [Between(100, 400)]
    public double VoltageV { get; init; } = 230;

    [Between(0.5, 1)]
    public double ChargeEfficiency { get; init; } = 0.9;

    [EntityId("input_datetime")]
    public string? DepartureEntity { get; init; }

    /// <summary>The daily departure (local HH:mm) the MQTT time entity starts at when no departure entity is set.</summary>
    public TimeOnly DepartureTime { get; init; } = new(7, 0);

    [EntityId("input_number", "number")]
    public string? TargetSocEntity { get; init; }

    [Between(1, 100)]
    public double TargetSocPercent { get; init; } = 80;

    public double MinChargeKw => MinCurrentA * VoltageV * Phases / 1000;

    public double MaxChargeKw => MaxCurrentA * VoltageV * Phases / 1000;
}

/// <summary>
/// Vacation: the load forecast is lowered to <see cref="LoadFactor"/> of itself, flexible loads rest, and the water heater
/// heats once a week (on <see cref="LegionellaWeekday"/>, its daily energy) against legionella. Also an MQTT switch.
/// </summary>
public sealed record VacationOptions
{
    public bool Enabled { get; init; }

    [Between(0, 1)]
    public double LoadFactor { get; init; } = 0.5;

    public DayOfWeek LegionellaWeekday { get; init; } = DayOfWeek.Sunday;
}

/// <summary>The S-index: the safety factor on the load forecast the planner keeps energy for.</summary>
public sealed record SIndexOptions
{
    public SIndexMode Mode { get; init; } = SIndexMode.Dynamic;

    [Between(0.5, 3)]
    public double BaseFactor { get; init; } = 1.05;

    [Between(0, 5)]
    public double PvDeficitWeight { get; init; } = 0.3;

    [Between(0, 5)]
    public double TemperatureWeight { get; init; } = 0.2;

    [Between(0.5, 5)]
    public double MaxFactor { get; init; } = 1.5;

    /// <summary>1 is cautious (large margins), 5 takes risks for lower cost.</summary>
    [Between(1, 5)]
    public int RiskAppetite { get; init; } = 3;
}

/// <summary>Aurora forecasting and its weekly retraining.</summary>
public sealed record ForecastingOptions
{
    public ForecastVersion ActiveForecastVersion { get; init; } = ForecastVersion.Baseline7DayAverage;

    /// <summary>Days of history Aurora trains on; it needs at least 14 with clean data, so fewer could never train.</summary>
    [Between(14, 3650, Reason = "Aurora needs at least 14 days to train")]
    public int TrainingDays { get; init; } = 90;

    public DayOfWeek RetrainWeekday { get; init; } = DayOfWeek.Sunday;

    /// <summary>Local time of day (HH:mm) in the home's time zone.</summary>
    public TimeOnly RetrainTime { get; init; } = new(3, 0);

    /// <summary>
    /// Base URL of an Open-Meteo service with <c>/v1/forecast</c> and <c>/v1/archive</c> (self-hosted, or the simulated
    /// home); unset, Open-Meteo's public service.
    /// </summary>
    [HttpUrl]
    public string? WeatherUrl { get; init; }
}

/// <summary>The Kepler receding-horizon planner.</summary>
public sealed record PlannerOptions
{
    [Between(1, 48)]
    public int HorizonHours { get; init; } = 48;

    [Between(15, 1440)]
    [MultipleOf(15)]
    public int ReplanMinutes { get; init; } = 15;

    /// <summary>Logs what the latest trained Antares policy would do in each slot, beside the plan; never executed.</summary>
    public bool AntaresShadow { get; init; }
}

/// <summary>
/// How a planned slot becomes Home Assistant actions. In shadow mode the executor logs what it would
/// command and commands nothing. The <c>work_mode_*</c> options are the select options to choose per
/// planned action.
/// </summary>
public sealed record ExecutorOptions
{
    public bool Enabled { get; init; } = true;

    public bool ShadowMode { get; init; } = true;

    [EntityId("select", "input_select")]
    public string? WorkModeEntity { get; init; }

    public string? WorkModeCharge { get; init; }

    public string? WorkModeDischarge { get; init; }

    public string? WorkModeHold { get; init; }

    public string? WorkModeExport { get; init; }

    public string? WorkModeSelfConsumption { get; init; }

    [EntityId("switch", "input_boolean")]
    public string? GridChargingEntity { get; init; }

    [EntityId("number", "input_number")]
    public string? MaxChargePowerEntity { get; init; }

    public PowerUnit MaxChargePowerUnit { get; init; } = PowerUnit.Watt;

    [EntityId("number", "input_number")]
    public string? MaxDischargePowerEntity { get; init; }

    public PowerUnit MaxDischargePowerUnit { get; init; } = PowerUnit.Watt;

    /// <summary>Nominal battery voltage, to turn kW into A for power limits given in amperes.</summary>
    [Between(0, 1000, MinExclusive = true)]
    public double? BatteryVoltage { get; init; }

    [EntityId("number", "input_number")]
    public string? SocTargetEntity { get; init; }

    /// <summary>
    /// The inverter's discharge floor (reserve, backup SoC): no work mode discharges below it. The executor keeps it at the
    /// minimum SoC, so that self-consumption stops there by itself between ticks.
    /// </summary>
    [EntityId("number", "input_number")]
    public string? DischargeFloorEntity { get; init; }

    /// <summary>A SoC target within this many points of the one the inverter has is not rewritten.</summary>
    [Between(0, 50)]
    public double SocTargetHysteresisPercent { get; init; } = 5;

    /// <summary>A power limit within this many kW of the one the inverter has is not rewritten.</summary>
    [Between(0, 100)]
    public double PowerLimitHysteresisKw { get; init; } = 0.5;

    /// <summary>
    /// Within a slot, a work mode stays at least this long before the executor changes it again (safe mode, the user's
    /// override and the SoC limits excepted; a new slot may change it at once).
    /// </summary>
    [Between(0, 60)]
    public int WorkModeMinDwellMinutes { get; init; } = 15;

    /// <summary>A switch turned on and off, or a water_heater whose target temperature is set to the on/off temperatures.</summary>
    [EntityId("switch", "input_boolean", "water_heater")]
    public string? WaterHeaterEntity { get; init; }

    [Between(0, 100)]
    public double WaterHeaterOnTemperature { get; init; } = 65;

    [Between(0, 100)]
    public double WaterHeaterOffTemperature { get; init; } = 40;
}

/// <summary>MQTT discovery. Without a host the add-on uses the broker the Supervisor's MQTT service provides.</summary>
public sealed record MqttOptions
{
    [Matches(@"^[^#+/\s]+(/[^#+/\s]+)*$", "an MQTT topic without wildcards, spaces or leading/trailing '/', e.g. homeassistant")]
    public string DiscoveryPrefix { get; init; } = "homeassistant";

    [Matches(@"^[^#+/\s]+(/[^#+/\s]+)*$", "an MQTT topic without wildcards, spaces or leading/trailing '/', e.g. darkstar")]
    public string TopicBase { get; init; } = "darkstar";

    [Matches(@"^[^\s/:]+$", "a host name or IP address without scheme or port, e.g. core-mosquitto or 192.168.1.10")]
    public string? Host { get; init; }

    [Between(1, 65535)]
    public int Port { get; init; } = 1883;

    public string? Username { get; init; }

    [Secret]
    public string? Password { get; init; }

    public bool Tls { get; init; }
}

/// <summary>
/// How long the database keeps what it no longer needs whole (a daily clean-up after local midnight). What was measured
/// (slots, prices, observed weather, the Oracle's days) is kept for good; these bound the rest, so that years of data fit
/// a Raspberry Pi's SD card.
/// </summary>
public sealed record RetentionOptions
{
    /// <summary>Days every forecast issue is kept; after them only the day-ahead and the hour-ahead issue of each slot.</summary>
    [Between(2, 365, Reason = "the forecast error of the last complete day is scored from every issue")]
    public int ForecastIssuesDays { get; init; } = 7;

    /// <summary>Days every plan is kept whole; after them a plan keeps only the slots it was in charge of.</summary>
    [Between(2, 3650, Reason = "yesterday's executed plans make its Antares episodes")]
    public int PlansDays { get; init; } = 30;

    /// <summary>Days of the executor's log (commands and safe-mode episodes).</summary>
    [Between(2, 3650, Reason = "yesterday's log makes its Antares episodes")]
    public int ExecutionLogDays { get; init; } = 90;

    /// <summary>Days of Antares training episodes (by the day they describe).</summary>
    [Between(7, 3650, Reason = "Antares trains on at least a week of episodes")]
    public int EpisodesDays { get; init; } = 365;
}

/// <summary>Overrides of the home's location and time zone; unset, they come from Home Assistant's configuration.</summary>
public sealed record LocationOptions
{
    [Between(-90, 90)]
    public double? Latitude { get; init; }

    [Between(-180, 180)]
    public double? Longitude { get; init; }

    [IanaTimeZone]
    public string? TimeZone { get; init; }
}
