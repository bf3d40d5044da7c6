using System.Globalization;
using System.Text.Json.Nodes;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Simulation.Recording;
using Darkstar.Simulation.Sources;

namespace Darkstar.Simulation.Home;

/// <summary>
/// The home itself: every simulated minute PV and load come from the source, the battery follows the
/// work mode and the number entities within its power and SoC limits, the water heater draws its rated
/// power when on, the grid takes the balance, the counters advance and the entities are published.
/// Service calls change the controls; faults change what the sensors report.
/// </summary>
public sealed class HomeSimulation
{
    public const double BatteryCapacityKwh = 10;
    public const double BatteryMaxPowerKw = 5;
    public const double RoundTripEfficiency = 0.9;

    /// <summary>The inverter's reserve as it starts (<see cref="EntityIds.DischargeFloor"/> sets it): no work mode discharges below it.</summary>
    public const double MinimumSocPercent = 5;

    public const double InitialSocPercent = 50;
    public const double WaterHeaterPowerKw = 3;

    /// <summary>What the dishwasher (<see cref="EntityIds.Dishwasher"/>) draws while switched on.</summary>
    public const double DishwasherPowerKw = 1.8;

    /// <summary>A home on vacation uses this share of its usual load (fridge, standby, heating kept low).</summary>
    public const double VacationLoadFactor = 0.4;

    /// <summary>The config entry id of the simulated official Nord Pool integration.</summary>
    public const string NordpoolConfigEntryId = "01JDSSIMNORDPOOL0000000000";

    /// <summary>The simulated home's inverter and battery.</summary>
    public static InverterModel Inverter { get; } = new(BatteryCapacityKwh, BatteryMaxPowerKw, Math.Sqrt(RoundTripEfficiency));

    private readonly object _gate = new();
    private readonly IHomeSource _source;
    private readonly ContextIds _contextIds;
    private readonly Dictionary<string, double> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _counterOffsets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unavailable = new(StringComparer.Ordinal);
    private readonly List<ReceivedServiceCall> _receivedCalls = [];
    private int _serviceCallFailuresLeft;
    private readonly Dictionary<string, string> _energyUnits = new(StringComparer.Ordinal);
    private double _socKwh = BatteryCapacityKwh * InitialSocPercent / 100;
    private string _workMode = WorkModes.SelfConsumption;
    private bool _gridCharging;
    private double _maxChargeW = BatteryMaxPowerKw * 1000;
    private double _maxDischargeW = BatteryMaxPowerKw * 1000;
    private double _socTargetPercent = 100;
    private double _dischargeFloorPercent = MinimumSocPercent;
    private bool _waterHeaterOn;
    private readonly SimulatedCar _car = new(seed: 1);
    private readonly Dictionary<long, double> _carChargedBySlot = [];
    private bool _dishwasherOn;
    private readonly Dictionary<long, double> _dishwasherBySlot = [];
    private bool _vacation;
    private bool _withholdTomorrowPrices;
    private Powers _powers;
    private WeatherSample _weather;
    private string? _publishedPriceKey;

    public HomeSimulation(IHomeSource source, DateTimeOffset start, ContextIds contextIds)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _contextIds = contextIds ?? throw new ArgumentNullException(nameof(contextIds));
        Site = source.Site;
        Market = source.Market;
        States = new StateMachine(contextIds);
        Recorder = new Recorder(Site.TimeZone);
        States.Listen(Recorder.Record);
        LastTick = FloorToTick(start);
        var readings = source.CountersAt(LastTick);
        foreach (var counter in EntityIds.EnergyCounters)
        {
            _counters[counter] = 0;
        }

        _counters[EntityIds.LoadEnergy] = readings.GetValueOrDefault(MeterNames.Load);
        _counters[EntityIds.PvEnergy] = readings.GetValueOrDefault(MeterNames.Pv);
        _counters[EntityIds.GridImportEnergy] = readings.GetValueOrDefault(MeterNames.GridImport);
        _counters[EntityIds.GridExportEnergy] = readings.GetValueOrDefault(MeterNames.GridExport);
        _counters[EntityIds.HeatPumpEnergy] = readings.GetValueOrDefault(MeterNames.HeatPump);
        _counters[EntityIds.EvChargerEnergy] = readings.GetValueOrDefault(MeterNames.EvCharger);
        _weather = source.Weather(LastTick);
        lock (_gate)
        {
            PublishAll(LastTick);
            Recorder.CompileUntil(LastTick);
        }
    }

    public HomeSite Site { get; }

    public HomeMarket Market { get; }

    public StateMachine States { get; }

    public Recorder Recorder { get; }

    /// <summary>The last instant the physics has run to (a whole minute).</summary>
    public DateTimeOffset LastTick { get; private set; }

    /// <summary>The battery's state of charge in percent, unrounded.</summary>
    public double SocPercent
    {
        get
        {
            lock (_gate)
            {
                return _socKwh / BatteryCapacityKwh * 100;
            }
        }
    }

    /// <summary>The car's state of charge in percent, unrounded, and whether it is home.</summary>
    public (double SocPercent, bool Home) Car
    {
        get
        {
            lock (_gate)
            {
                return (_car.SocPercent, _car.Home);
            }
        }
    }

    /// <summary>Energy the car's charger drew in the slot that starts at <paramref name="slotStart"/>, kWh (its share of the EV charger's meter).</summary>
    public double CarChargedKwh(DateTimeOffset slotStart)
    {
        lock (_gate)
        {
            return _carChargedBySlot.GetValueOrDefault(SlotGrid.IndexOf(slotStart));
        }
    }

    /// <summary>Energy the dishwasher drew in the slot that starts at <paramref name="slotStart"/>, kWh (part of the load's meter).</summary>
    public double DishwasherKwh(DateTimeOffset slotStart)
    {
        lock (_gate)
        {
            return _dishwasherBySlot.GetValueOrDefault(SlotGrid.IndexOf(slotStart));
        }
    }

    /// <summary>Energy the car's day of driving takes on <paramref name="day"/> (local), kWh.</summary>
    public double CarDrivingKwh(DateOnly day) => _car.DrivingKwh(day);

    /// <summary>
    /// The energy <paramref name="counterEntityId"/> has counted since the home began, in kWh and unrounded, whatever
    /// resets and unit switches its sensor has shown since: the ground truth a test compares learned slots with.
    /// </summary>
    public double MeasuredKwh(string counterEntityId)
    {
        lock (_gate)
        {
            return _counters.TryGetValue(counterEntityId, out var kwh)
                ? kwh
                : throw new ArgumentException($"{counterEntityId} is not one of the simulated home's energy counters.", nameof(counterEntityId));
        }
    }

    /// <summary>Runs the physics minute by minute up to <paramref name="instant"/>.</summary>
    public void RunUntil(DateTimeOffset instant)
    {
        lock (_gate)
        {
            while (LastTick + SimulationClockTick <= instant)
            {
                var next = LastTick + SimulationClockTick;
                Step(LastTick, next);
                LastTick = next;
                PublishAll(next);
                Recorder.CompileUntil(next);
            }
        }
    }

    /// <summary>
    /// Every service call the home received, in order, whether it succeeded or not: tests assert from it what
    /// a client commanded (or that it commanded nothing).
    /// </summary>
    public IReadOnlyList<ReceivedServiceCall> ReceivedServiceCalls
    {
        get
        {
            lock (_receivedCalls)
            {
                return [.. _receivedCalls];
            }
        }
    }

    /// <summary>Carries out a service call at <paramref name="now"/>, as Home Assistant's service registry would.</summary>
    public ServiceCallResult CallService(string domain, string service, JsonObject? data, JsonObject? target, bool returnResponse, DateTimeOffset now, string? userId)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(service);
        var failure = TryConsumeServiceCallFailure();
        RecordCall(domain, service, data, target, now, failure);
        if (failure)
        {
            throw new ServiceCallException("home_assistant_error", $"Simulated failure of {domain}.{service}: the device did not answer.");
        }

        var description = ServiceCatalog.Find(domain, service)
            ?? throw new ServiceCallException("not_found", $"Action {domain}.{service} not found.");
        if (returnResponse && description.Response == ServiceResponse.None)
        {
            throw new ServiceCallException("service_validation_error", $"An action which does not return responses can't be called with return_response=True ({domain}.{service}).");
        }

        if (!returnResponse && description.Response == ServiceResponse.Only)
        {
            throw new ServiceCallException("service_validation_error", $"Action {domain}.{service} requires responses and must be called with return_response=True.");
        }

        data ??= [];
        var context = _contextIds.Next(now, userId);
        var changed = new List<EntityState>();
        lock (_gate)
        {
            RunUntil(now);
            var at = now < LastTick ? LastTick : now;
            using var listening = States.Listen(change => changed.Add(change.NewState));
            JsonNode? response = null;
            if (domain == "nordpool")
            {
                response = PricesForDate(data);
            }
            else
            {
                foreach (var entityId in TargetEntities(data, target))
                {
                    ApplyControl(domain, service, entityId, data);
                }

                PublishControls(at, context);
            }

            return new ServiceCallResult(context, changed, returnResponse ? response : null);
        }
    }

    /// <summary>The next <paramref name="count"/> service calls fail with <c>home_assistant_error</c> and change nothing.</summary>
    internal void FailNextServiceCalls(int count) => Interlocked.Exchange(ref _serviceCallFailuresLeft, count);

    private bool TryConsumeServiceCallFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref _serviceCallFailuresLeft);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _serviceCallFailuresLeft, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private void RecordCall(string domain, string service, JsonObject? data, JsonObject? target, DateTimeOffset now, bool failed)
    {
        var entityIds = new List<string>();
        foreach (var node in new[] { target?["entity_id"], data?["entity_id"] })
        {
            switch (node)
            {
                case JsonArray array:
                    entityIds.AddRange(array.Select(item => item?.GetValue<string>() ?? string.Empty));
                    break;
                case JsonValue single when single.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    entityIds.AddRange(single.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    break;
            }
        }

        var call = new ReceivedServiceCall(domain, service, entityIds, data?.ToJsonString() ?? "{}", now, failed);
        lock (_receivedCalls)
        {
            _receivedCalls.Add(call);
        }
    }

    internal void SetUnavailable(string entityId, bool unavailable, DateTimeOffset now)
    {
        lock (_gate)
        {
            RequireEntity(entityId);
            if (unavailable)
            {
                _unavailable.Add(entityId);
            }
            else
            {
                _unavailable.Remove(entityId);
            }

            PublishAll(Max(now, LastTick));
        }
    }

    internal void ResetCounter(string entityId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_counters.TryGetValue(entityId, out var value))
            {
                throw new ArgumentException($"{entityId} is not one of the simulated home's energy counters.", nameof(entityId));
            }

            _counterOffsets[entityId] = value;
            PublishAll(Max(now, LastTick));
        }
    }

    internal void SetEnergyUnit(string entityId, string unit, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_counters.ContainsKey(entityId))
            {
                throw new ArgumentException($"{entityId} is not one of the simulated home's energy counters.", nameof(entityId));
            }

            if (UnitClasses.Convert(1, "kWh", unit) is null)
            {
                throw new ArgumentException($"'{unit}' is not an energy unit (Wh, kWh, MWh).", nameof(unit));
            }

            _energyUnits[entityId] = unit;
            PublishAll(Max(now, LastTick));
        }
    }

    internal void WithholdTomorrowPrices(bool withhold, DateTimeOffset now)
    {
        lock (_gate)
        {
            _withholdTomorrowPrices = withhold;
            PublishAll(Max(now, LastTick));
        }
    }

    private static readonly TimeSpan SimulationClockTick = Clock.SimulationClock.TickInterval;

    private static DateTimeOffset FloorToTick(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % SimulationClockTick.Ticks), TimeSpan.Zero);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void Step(DateTimeOffset from, DateTimeOffset to)
    {
        var hours = (to - from).TotalHours;
        var sample = _source.Sample(from, to - from);
        _weather = _source.Weather(from + ((to - from) / 2));
        var load = sample.LoadKw;
        var heatPump = sample.HeatPumpKw;
        var car = sample.EvChargerKw;
        var grossImport = sample.GridImportKw;
        var grossExport = sample.GridExportKw;
        if (_vacation)
        {
            // The car is away; the rest of the home, the heat pump with it, runs at its vacation share.
            load = (load - car) * VacationLoadFactor;
            heatPump *= VacationLoadFactor;
            car = 0;
            grossImport = null;
            grossExport = null;
        }

        var water = _waterHeaterOn ? WaterHeaterPowerKw : 0;
        // The car Darkstar charges is a load of its own beside the home's (whose own charging the source replays).
        var managedCar = _car.Step(from, to - from, Site.TimeZone);
        load += managedCar;
        // The dishwasher Darkstar switches is one more of the house's loads, measured in its total.
        var dishwasher = _dishwasherOn ? DishwasherPowerKw : 0;
        load += dishwasher;
        var pv = sample.PvKw;
        var surplus = pv - load - water;
        var (charge, discharge) = Battery(surplus, hours);

        // The grid takes the balance. A replayed home keeps its measured gross flows and only the
        // battery and the water heater move them, so with both idle the meters replay exactly.
        double import, export;
        var extra = water + managedCar + dishwasher + charge - discharge;
        if (grossImport is { } gi && grossExport is { } ge)
        {
            if (extra >= 0)
            {
                export = Math.Max(ge - extra, 0);
                import = gi + Math.Max(extra - ge, 0);
            }
            else
            {
                import = Math.Max(gi + extra, 0);
                export = ge + Math.Max(-extra - gi, 0);
            }
        }
        else
        {
            var net = load + water + charge - pv - discharge;
            import = Math.Max(net, 0);
            export = Math.Max(-net, 0);
        }

        _socKwh = Inverter.SocAfter(_socKwh, charge, discharge, hours);
        _counters[EntityIds.LoadEnergy] += (load + water) * hours;
        _counters[EntityIds.PvEnergy] += pv * hours;
        _counters[EntityIds.GridImportEnergy] += import * hours;
        _counters[EntityIds.GridExportEnergy] += export * hours;
        _counters[EntityIds.BatteryChargeEnergy] += charge * hours;
        _counters[EntityIds.BatteryDischargeEnergy] += discharge * hours;
        _counters[EntityIds.WaterHeaterEnergy] += water * hours;
        _counters[EntityIds.HeatPumpEnergy] += heatPump * hours;
        _counters[EntityIds.EvChargerEnergy] += (car + managedCar) * hours;
        if (dishwasher > 0)
        {
            var slot = SlotGrid.IndexOf(from);
            _dishwasherBySlot[slot] = _dishwasherBySlot.GetValueOrDefault(slot) + (dishwasher * hours);
        }

        if (managedCar > 0)
        {
            var slot = SlotGrid.IndexOf(from);
            _carChargedBySlot[slot] = _carChargedBySlot.GetValueOrDefault(slot) + (managedCar * hours);
        }

        _powers = new Powers(load + water, pv, import - export, charge - discharge, water);
    }

    /// <summary>The battery's AC charge and discharge power (kW) for one step, by work mode, within every limit.</summary>
    private (double Charge, double Discharge) Battery(double surplus, double hours) =>
        Inverter.Powers(new InverterControls(_workMode, _gridCharging, _maxChargeW, _maxDischargeW, _socTargetPercent, _dischargeFloorPercent), _socKwh, surplus, hours);

    private void ApplyControl(string domain, string service, string entityId, JsonObject data)
    {
        switch (domain, service, entityId)
        {
            case ("select", "select_option", EntityIds.WorkMode):
                var option = data["option"]?.GetValue<string>()
                    ?? throw new ServiceCallException("invalid_format", "required key not provided @ data['option']");
                if (!WorkModes.All.Contains(option))
                {
                    throw new ServiceCallException("service_validation_error", $"Option {option} is not valid for entity {entityId}, valid options are: {string.Join(", ", WorkModes.All)}");
                }

                _workMode = option;
                break;
            case ("number", "set_value", EntityIds.MaxChargePower or EntityIds.MaxDischargePower or EntityIds.SocTarget or EntityIds.DischargeFloor):
                var value = NumberValue(data);
                var (min, max) = entityId is EntityIds.SocTarget or EntityIds.DischargeFloor ? (0.0, 100.0) : (0.0, BatteryMaxPowerKw * 1000);
                if (value < min || value > max)
                {
                    throw new ServiceCallException("service_validation_error", string.Create(CultureInfo.InvariantCulture, $"Value {value} for {entityId} is outside valid range {min} - {max}"));
                }

                if (entityId == EntityIds.MaxChargePower)
                {
                    _maxChargeW = value;
                }
                else if (entityId == EntityIds.MaxDischargePower)
                {
                    _maxDischargeW = value;
                }
                else if (entityId == EntityIds.DischargeFloor)
                {
                    _dischargeFloorPercent = value;
                }
                else
                {
                    _socTargetPercent = value;
                }

                break;
            case ("switch" or "input_boolean" or "homeassistant", "turn_on" or "turn_off" or "toggle", EntityIds.GridCharging or EntityIds.WaterHeater or EntityIds.VacationMode):
                var current = entityId switch
                {
                    EntityIds.GridCharging => _gridCharging,
                    EntityIds.WaterHeater => _waterHeaterOn,
                    _ => _vacation,
                };
                var on = service switch { "turn_on" => true, "turn_off" => false, _ => !current };
                if (entityId == EntityIds.GridCharging)
                {
                    _gridCharging = on;
                }
                else if (entityId == EntityIds.WaterHeater)
                {
                    _waterHeaterOn = on;
                }
                else
                {
                    _vacation = on;
                }

                break;
            case ("switch" or "homeassistant", "turn_on" or "turn_off" or "toggle", EntityIds.Dishwasher):
                _dishwasherOn = service switch { "turn_on" => true, "turn_off" => false, _ => !_dishwasherOn };
                break;
            case ("switch" or "homeassistant", "turn_on" or "turn_off" or "toggle", EntityIds.CarCharger):
                _car.ChargerOn = service switch { "turn_on" => true, "turn_off" => false, _ => !_car.ChargerOn };
                break;
            case ("number", "set_value", EntityIds.CarChargingCurrent):
                var amperes = NumberValue(data);
                if (amperes < 0 || amperes > SimulatedCar.MaxCurrentA || (amperes > 0 && amperes < SimulatedCar.MinCurrentA))
                {
                    throw new ServiceCallException("service_validation_error", string.Create(CultureInfo.InvariantCulture,
                        $"Value {amperes} for {entityId} is outside valid range: 0 (paused) or {SimulatedCar.MinCurrentA} - {SimulatedCar.MaxCurrentA}"));
                }

                _car.CurrentA = amperes;
                break;
            default:
                // Home Assistant skips entities of the target that the action does not apply to.
                break;
        }
    }

    private static double NumberValue(JsonObject data)
    {
        var node = data["value"] ?? throw new ServiceCallException("invalid_format", "required key not provided @ data['value']");
        // A number, or a number in a string (Home Assistant's schema coerces both), whatever type backs the node.
        var text = node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? value.GetValue<string>()
            : node.ToJsonString();
        if (node.GetValueKind() is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.String &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return number;
        }

        throw new ServiceCallException("invalid_format", $"expected float for dictionary value @ data['value']. Got {node.ToJsonString()}");
    }

    private static List<string> TargetEntities(JsonObject data, JsonObject? target)
    {
        var ids = new List<string>();
        void Add(JsonNode? node)
        {
            switch (node)
            {
                case JsonArray array:
                    ids.AddRange(array.Select(item => item!.GetValue<string>()));
                    break;
                case JsonValue single:
                    ids.AddRange(single.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    break;
            }
        }

        Add(target?["entity_id"]);
        Add(data["entity_id"]);
        data.Remove("entity_id");
        return ids;
    }

    private JsonObject PricesForDate(JsonObject data)
    {
        var entry = data["config_entry"]?.GetValue<string>()
            ?? throw new ServiceCallException("invalid_format", "required key not provided @ data['config_entry']");
        if (entry != NordpoolConfigEntryId)
        {
            throw new ServiceCallException("service_validation_error", $"Config entry {entry} was not found (the Nord Pool entry is {NordpoolConfigEntryId}).");
        }

        var dateText = data["date"]?.GetValue<string>() ?? throw new ServiceCallException("invalid_format", "required key not provided @ data['date']");
        if (!DayText.TryParse(dateText, out var day))
        {
            throw new ServiceCallException("invalid_format", $"Invalid date specified for dictionary value @ data['date']. Got '{dateText}'");
        }

        var areas = data["areas"] switch
        {
            JsonArray array => array.Select(a => a!.GetValue<string>()).ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => [Market.PriceArea],
        };
        var prices = VisiblePrices(day, LastTick)
            ?? throw new ServiceCallException("service_validation_error", $"No Nord Pool prices are available for {DayText.Format(day)}.");
        var response = new JsonObject();
        foreach (var area in areas)
        {
            if (area != Market.PriceArea)
            {
                throw new ServiceCallException("service_validation_error", $"Area {area} is not configured (this home's area is {Market.PriceArea}).");
            }

            // The official integration answers in the currency per MWh, with UTC instants.
            response[area] = new JsonArray([.. prices.Select(p => (JsonNode)new JsonObject
            {
                ["start"] = HaJson.Timestamp(p.Start),
                ["end"] = HaJson.Timestamp(p.End),
                ["price"] = Math.Round(p.PricePerKwh * 1000, 2),
            })]);
        }

        return response;
    }

    /// <summary>Today's prices always; tomorrow's once published (and not withheld); none further ahead.</summary>
    private IReadOnlyList<PricePoint>? VisiblePrices(DateOnly day, DateTimeOffset now)
    {
        var today = SlotGrid.LocalDateOf(now, Site.TimeZone);
        if (day <= today)
        {
            return _source.PricesForDay(day);
        }

        return day == today.AddDays(1) && TomorrowPublished(now) ? _source.PricesForDay(day) : null;
    }

    private bool TomorrowPublished(DateTimeOffset now) =>
        !_withholdTomorrowPrices && TimeZoneInfo.ConvertTime(now, Site.TimeZone).Hour >= DayAheadPrices.PublishedLocalHour;

    private void RequireEntity(string entityId)
    {
        if (States.Get(entityId) is null)
        {
            throw new ArgumentException($"{entityId} is not an entity of the simulated home.", nameof(entityId));
        }
    }

    private void PublishAll(DateTimeOffset now)
    {
        foreach (var counter in EntityIds.EnergyCounters)
        {
            var unit = _energyUnits.GetValueOrDefault(counter, "kWh");
            var kwh = _counters[counter] - _counterOffsets.GetValueOrDefault(counter);
            var value = UnitClasses.Convert(kwh, "kWh", unit)!.Value;
            PublishSensor(counter, Number(value, unit == "Wh" ? 0 : 3), now, new Dictionary<string, object?>
            {
                ["state_class"] = "total_increasing",
                ["unit_of_measurement"] = unit,
                ["device_class"] = "energy",
                ["friendly_name"] = FriendlyName(counter),
            });
        }

        PublishSensor(EntityIds.BatterySoc, Number(_socKwh / BatteryCapacityKwh * 100, 1), now, Measurement("%", "battery", EntityIds.BatterySoc));
        PublishSensor(EntityIds.LoadPower, Number(_powers.LoadKw * 1000, 0), now, Measurement("W", "power", EntityIds.LoadPower));
        PublishSensor(EntityIds.PvPower, Number(_powers.PvKw * 1000, 0), now, Measurement("W", "power", EntityIds.PvPower));
        PublishSensor(EntityIds.GridPower, Number(_powers.GridKw * 1000, 0), now, Measurement("W", "power", EntityIds.GridPower));
        PublishSensor(EntityIds.BatteryPower, Number(_powers.BatteryKw * 1000, 0), now, Measurement("W", "power", EntityIds.BatteryPower));
        PublishSensor(EntityIds.WaterHeaterPower, Number(_powers.WaterHeaterKw * 1000, 0), now, Measurement("W", "power", EntityIds.WaterHeaterPower));
        PublishSensor(EntityIds.CarSoc, Number(_car.SocPercent, 1), now, Measurement("%", "battery", EntityIds.CarSoc));
        PublishSensor(EntityIds.CarPluggedIn, OnOff(_car.Home), now, new Dictionary<string, object?>
        {
            ["device_class"] = "plug",
            ["friendly_name"] = FriendlyName(EntityIds.CarPluggedIn),
        });
        PublishSensor(EntityIds.OutdoorTemperature, Number(_weather.TemperatureC, 1), now, Measurement("°C", "temperature", EntityIds.OutdoorTemperature));
        PublishControls(now, null);
        PublishPrices(now);
    }

    private void PublishControls(DateTimeOffset now, StateContext? context)
    {
        PublishSensor(EntityIds.WorkMode, _workMode, now, new Dictionary<string, object?>
        {
            ["options"] = WorkModes.All,
            ["friendly_name"] = FriendlyName(EntityIds.WorkMode),
            ["icon"] = "mdi:home-battery",
        }, context);
        PublishSensor(EntityIds.GridCharging, OnOff(_gridCharging), now, new Dictionary<string, object?> { ["friendly_name"] = FriendlyName(EntityIds.GridCharging) }, context);
        PublishSensor(EntityIds.WaterHeater, OnOff(_waterHeaterOn), now, new Dictionary<string, object?> { ["friendly_name"] = FriendlyName(EntityIds.WaterHeater) }, context);
        PublishSensor(EntityIds.VacationMode, OnOff(_vacation), now, new Dictionary<string, object?>
        {
            ["editable"] = true,
            ["icon"] = "mdi:airplane",
            ["friendly_name"] = FriendlyName(EntityIds.VacationMode),
        }, context);
        PublishSensor(EntityIds.CarCharger, OnOff(_car.ChargerOn), now, new Dictionary<string, object?> { ["friendly_name"] = FriendlyName(EntityIds.CarCharger) }, context);
        PublishSensor(EntityIds.Dishwasher, OnOff(_dishwasherOn), now, new Dictionary<string, object?> { ["friendly_name"] = FriendlyName(EntityIds.Dishwasher) }, context);
        PublishSensor(EntityIds.CarChargingCurrent, Number(_car.CurrentA, 0), now, NumberAttributes(EntityIds.CarChargingCurrent, SimulatedCar.MaxCurrentA, 1, "A"), context);
        PublishSensor(EntityIds.MaxChargePower, Number(_maxChargeW, 1), now, NumberAttributes(EntityIds.MaxChargePower, BatteryMaxPowerKw * 1000, 100, "W"), context);
        PublishSensor(EntityIds.MaxDischargePower, Number(_maxDischargeW, 1), now, NumberAttributes(EntityIds.MaxDischargePower, BatteryMaxPowerKw * 1000, 100, "W"), context);
        PublishSensor(EntityIds.SocTarget, Number(_socTargetPercent, 1), now, NumberAttributes(EntityIds.SocTarget, 100, 1, "%"), context);
        PublishSensor(EntityIds.DischargeFloor, Number(_dischargeFloorPercent, 1), now, NumberAttributes(EntityIds.DischargeFloor, 100, 1, "%"), context);
    }

    /// <summary>The Nord Pool sensor as the custom integration shows it; republished when its price or its days change.</summary>
    private void PublishPrices(DateTimeOffset now)
    {
        var today = SlotGrid.LocalDateOf(now, Site.TimeZone);
        var todays = _source.PricesForDay(today);
        var tomorrows = TomorrowPublished(now) ? _source.PricesForDay(today.AddDays(1)) : null;
        var current = todays?.FirstOrDefault(p => p.Start <= now && now < p.End);
        var key = string.Create(CultureInfo.InvariantCulture, $"{today}|{tomorrows is not null}|{current?.Start.UtcTicks}|{_unavailable.Contains(EntityIds.NordpoolPrice)}");
        if (key == _publishedPriceKey)
        {
            return;
        }

        _publishedPriceKey = key;
        var zone = Site.TimeZone;
        List<Dictionary<string, object?>> Raw(IReadOnlyList<PricePoint>? prices) =>
            prices is null ? [] : [.. prices.Select(p => new Dictionary<string, object?>
            {
                ["start"] = HaJson.LocalTimestamp(p.Start, zone),
                ["end"] = HaJson.LocalTimestamp(p.End, zone),
                ["value"] = Math.Round(p.PricePerKwh, 5),
            })];
        var values = todays?.Select(p => Math.Round(p.PricePerKwh, 5)).ToList() ?? [];
        var attributes = new Dictionary<string, object?>
        {
            ["average"] = values.Count > 0 ? Math.Round(values.Average(), 5) : null,
            ["min"] = values.Count > 0 ? values.Min() : null,
            ["max"] = values.Count > 0 ? values.Max() : null,
            ["unit"] = "kWh",
            ["currency"] = Market.Currency,
            ["country"] = Market.Country,
            ["region"] = Market.PriceArea,
            ["low_price"] = current is { } c && values.Count > 0 && c.PricePerKwh < values.Average(),
            ["today"] = values,
            ["tomorrow"] = tomorrows?.Select(p => Math.Round(p.PricePerKwh, 5)).ToList() ?? [],
            ["tomorrow_valid"] = tomorrows is not null,
            ["raw_today"] = Raw(todays),
            ["raw_tomorrow"] = Raw(tomorrows),
            ["current_price"] = current is { } now2 ? Math.Round(now2.PricePerKwh, 5) : null,
            ["price_in_cents"] = false,
            ["unit_of_measurement"] = $"{Market.Currency}/kWh",
            ["device_class"] = "monetary",
            ["icon"] = "mdi:flash",
            ["friendly_name"] = $"Nord Pool {Market.PriceArea}",
        };
        var state = current is { } price ? Number(price.PricePerKwh, 5) : "unknown";
        PublishSensor(EntityIds.NordpoolPrice, state, now, attributes);
    }

    private void PublishSensor(string entityId, string state, DateTimeOffset now, Dictionary<string, object?> attributes, StateContext? context = null)
    {
        if (_unavailable.Contains(entityId))
        {
            state = "unavailable";
        }

        States.Set(entityId, state, attributes, now, context);
    }

    private static Dictionary<string, object?> Measurement(string unit, string deviceClass, string entityId) => new()
    {
        ["state_class"] = "measurement",
        ["unit_of_measurement"] = unit,
        ["device_class"] = deviceClass,
        ["friendly_name"] = FriendlyName(entityId),
    };

    private static Dictionary<string, object?> NumberAttributes(string entityId, double max, double step, string unit) => new()
    {
        ["min"] = 0.0,
        ["max"] = max,
        ["step"] = step,
        ["mode"] = "box",
        ["unit_of_measurement"] = unit,
        ["friendly_name"] = FriendlyName(entityId),
    };

    private static string FriendlyName(string entityId)
    {
        var objectId = entityId[(entityId.IndexOf('.', StringComparison.Ordinal) + 1)..].Replace("darkstar_sim_", "", StringComparison.Ordinal);
        var words = objectId.Replace('_', ' ');
        return "Darkstar sim " + words;
    }

    private static string OnOff(bool on) => on ? "on" : "off";

    /// <summary>A number as Home Assistant's state text: rounded, invariant, no exponent, no "-0".</summary>
    private static string Number(double value, int decimals)
    {
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        if (rounded == 0)
        {
            rounded = 0;
        }

        return rounded.ToString("0.#########", CultureInfo.InvariantCulture);
    }

    private readonly record struct Powers(double LoadKw, double PvKw, double GridKw, double BatteryKw, double WaterHeaterKw);
}
