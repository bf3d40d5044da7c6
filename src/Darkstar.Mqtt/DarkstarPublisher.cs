using System.Globalization;
using System.Text.Json;
using Darkstar.Core.Controls;
using Darkstar.Mqtt.Discovery;
using static Darkstar.Mqtt.Discovery.DarkstarEntityIds;

namespace Darkstar.Mqtt;

/// <summary>
/// What the rest of the add-on calls to show its figures in Home Assistant: typed methods, one per kind of figure,
/// never raw topics. Each call queues retained QoS 1 states (a value that is not known is published as <c>None</c>,
/// which Home Assistant shows as unknown) and remembers them, so <see cref="RepublishAll"/> can send every current
/// state again after Home Assistant or the broker restarts. Thread-safe.
/// </summary>
public sealed class DarkstarPublisher
{
    /// <summary>The payload Home Assistant's MQTT entities read as "unknown".</summary>
    public const string UnknownState = "None";

    private readonly object _gate = new();
    private readonly MqttConnection _connection;
    private readonly DarkstarTopics _topics;
    private readonly Dictionary<string, string> _current = new(StringComparer.Ordinal);

    public DarkstarPublisher(MqttConnection connection, DarkstarTopics topics)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(topics);
        _connection = connection;
        _topics = topics;
    }

    /// <summary>Load and PV forecasts at p50, in kWh per slot, from the next slot: its value is the state, the series the attributes.</summary>
    public void PublishForecasts(SlotSeries? loadKwh, SlotSeries? pvKwh, string? forecastVersion)
    {
        PublishForecast(LoadForecast, loadKwh, forecastVersion);
        PublishForecast(PvForecast, pvKwh, forecastVersion);
    }

    /// <summary>The plan for the current slot; null when there is no usable plan.</summary>
    public void PublishPlan(PlanSnapshot? plan)
    {
        SetState(PlannedAction, plan is null ? null : ActionText(plan.Action));
        SetState(TargetSoc, Number(plan?.TargetSocPercent, 1));
        SetState(PlannedBatteryPower, Number(plan?.BatteryPowerKw, 3));
        SetState(PlannedGridPower, Number(plan?.GridPowerKw, 3));
        SetState(WaterHeaterPlannedNow, OnOff(plan?.WaterHeaterOn));
        SetAttributes(PlannedAction, plan is { HorizonStart: { } start, Actions: { } actions }
            ? SeriesAttributes.Build(w =>
            {
                w.WriteString("start", Core.Time.InstantText.Format(start));
                w.WriteNumber("step_minutes", 15);
                w.WriteStartArray("actions");
                foreach (var action in actions.Take(SlotSeries.MaxSlots))
                {
                    w.WriteStringValue(ActionText(action));
                }

                w.WriteEndArray();
                WriteOptional(w, "soc_percent", plan.SocPercent, 1);
                WriteOptional(w, "battery_kw", plan.BatteryKw, 3);
                WriteOptional(w, "grid_kw", plan.GridKw, 3);
            })
            : "{}");
    }

    /// <summary>Current import and export prices (currency per kWh), whether now is a cheap slot, and the known price series.</summary>
    public void PublishPrices(double? importPrice, double? exportPrice, bool? cheapSlotNow, SlotSeries? importSeries = null, SlotSeries? exportSeries = null)
    {
        SetState(ImportPrice, Number(importPrice, 4));
        SetState(ExportPrice, Number(exportPrice, 4));
        SetState(CheapSlotNow, OnOff(cheapSlotNow));
        SetAttributes(ImportPrice, SeriesPayload(importSeries, 4));
        SetAttributes(ExportPrice, SeriesPayload(exportSeries, 4));
    }

    /// <summary>Today's planned cost, yesterday's realised cost and the Oracle's regret, in the home's currency.</summary>
    public void PublishCosts(double? plannedToday, double? realisedYesterday, double? oracleRegret)
    {
        SetState(PlannedCostToday, Number(plannedToday, 2));
        SetState(RealisedCostYesterday, Number(realisedYesterday, 2));
        SetState(OracleRegret, Number(oracleRegret, 2));
    }

    /// <summary>With a peak fee: the period's peak so far and as planned, kW; unknown without one.</summary>
    public void PublishPeak(double? soFarKw, double? plannedKw)
    {
        SetState(PeakSoFar, Number(soFarKw, 3));
        SetState(PlannedPeak, Number(plannedKw, 3));
    }

    /// <summary>Each flexible load's energy today (run and planned, kWh), its next planned start and whether it runs now.</summary>
    public void PublishFlexibleLoads(IReadOnlyList<FlexibleLoadReading> loads)
    {
        ArgumentNullException.ThrowIfNull(loads);
        foreach (var load in loads)
        {
            var id = FlexibleLoad(load.Name);
            SetState(id, Number(load.KwhToday, 3));
            SetAttributes(id, load.KwhToday is null ? "{}" : SeriesAttributes.Build(w =>
            {
                WriteText(w, "next_start", load.NextStart is { } next ? Core.Time.InstantText.Format(next) : null);
                w.WriteBoolean("running_now", load.RunningNow);
                WriteNumber(w, "ran_kwh_today", load.RanKwhToday, 3);
                WriteNumber(w, "planned_kwh_today", load.KwhToday - load.RanKwhToday, 3);
            }));
        }
    }

    /// <summary>The car's charging as the last plan left it: its state, whether its target is reachable, the energy planned before its departure and when it is ready.</summary>
    public void PublishCar(Core.Car.CarPlanStatus car)
    {
        ArgumentNullException.ThrowIfNull(car);
        var enabled = car.State != Core.Car.CarChargingState.Disabled;
        SetState(CarStatus, Core.Car.CarPlanStatus.Text(car.State));
        SetState(CarTargetReachable, enabled ? OnOff(car.TargetReachable) : null);
        SetState(CarPlannedEnergy, enabled ? Number(car.PlannedKwh, 3) : null);
        SetState(CarReadyAt, car.ReadyAt is { } ready ? Core.Time.InstantText.Format(ready) : null);
        SetAttributes(CarStatus, SeriesAttributes.Build(w =>
        {
            WriteText(w, "reason", car.Reason);
            WriteNumber(w, "soc_percent", car.SocPercent, 1);
            WriteNumber(w, "target_soc_percent", car.TargetSocPercent, 1);
            WriteText(w, "departure", car.Departure is { } departure ? Core.Time.InstantText.Format(departure) : null);
        }));
    }

    /// <summary>The mean absolute error of the active forecast over the last 7 days, kWh per slot.</summary>
    public void PublishForecastAccuracy(double? maeKwh7Days) => SetState(ForecastMae7Days, Number(maeKwh7Days, 3));

    public void PublishStatus(Core.Domain.DarkstarStatus status, string? reason)
    {
        SetState(Status, Core.Domain.DarkstarStatusText.Of(status));
        SetAttributes(Status, SeriesAttributes.Build(w =>
        {
            if (reason is null)
            {
                w.WriteNull("reason");
            }
            else
            {
                w.WriteString("reason", reason);
            }
        }));
    }

    /// <summary>The states of the switches, selects and numbers.</summary>
    public void PublishControls(DarkstarControlValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var id in DarkstarControlValues.StatefulIds)
        {
            SetState(id, values.StateText(id));
        }
    }

    /// <summary>Publishes one control's state again, e.g. after a rejected command, so Home Assistant's optimistic UI snaps back.</summary>
    public void PublishControl(DarkstarControlValues values, string controlId)
    {
        ArgumentNullException.ThrowIfNull(values);
        SetState(controlId, values.StateText(controlId), force: true);
    }

    /// <summary>The manual blocks in force (the sensor: their count, the list in its attributes, and why the last command was refused), and the form's action and hours.</summary>
    public void PublishManualBlocks(IReadOnlyList<Core.Domain.ManualBlock> blocks, string formAction, double formHours, string? lastError)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        SetState(ManualBlockEntities.BlockAction, formAction, force: true);
        SetState(ManualBlockEntities.BlockHours, Number(formHours, 2), force: true);
        SetState(ManualBlockEntities.ManualBlocks, blocks.Count.ToString(CultureInfo.InvariantCulture));
        SetAttributes(ManualBlockEntities.ManualBlocks, SeriesAttributes.Build(w =>
        {
            w.WriteStartArray("blocks");
            foreach (var block in blocks)
            {
                w.WriteStartObject();
                w.WriteNumber("id", block.Id);
                w.WriteString("action", Core.Domain.BlockActionText.Of(block.Action));
                w.WriteString("start", Core.Time.InstantText.Format(block.Start));
                w.WriteString("end", Core.Time.InstantText.Format(block.End));
                WriteOptional(w, "target_soc_percent", block.TargetSocPercent);
                WriteOptional(w, "power_kw", block.PowerKw);
                WriteOptional(w, "energy_kwh", block.EnergyKwh);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (lastError is null)
            {
                w.WriteNull("last_error");
            }
            else
            {
                w.WriteString("last_error", lastError);
            }
        }));
    }

    /// <summary>Queues every state and attribute payload published so far once more.</summary>
    public void RepublishAll()
    {
        lock (_gate)
        {
            foreach (var (topic, payload) in _current)
            {
                _connection.Enqueue(topic, payload, retain: true);
            }
        }
    }

    /// <summary>Publishes every sensor without a value yet as unknown, so a fresh install shows no stale retained values.</summary>
    public void PublishUnknownWhereUnset(IEnumerable<DarkstarEntity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        foreach (var entity in entities.Where(e => e.HasState))
        {
            lock (_gate)
            {
                if (_current.ContainsKey(_topics.State(entity.Id)))
                {
                    continue;
                }
            }

            SetState(entity.Id, null);
        }
    }

    /// <summary>The last payload queued on <paramref name="topic"/>, or null.</summary>
    public string? CurrentPayload(string topic)
    {
        lock (_gate)
        {
            return _current.GetValueOrDefault(topic);
        }
    }

    internal static string ActionText(Core.Domain.PlannedAction action) => action.ToString().ToLowerInvariant();

    private void PublishForecast(string id, SlotSeries? series, string? forecastVersion)
    {
        SetState(id, Number(series is { Values.Count: > 0 } ? series.Values[0] : null, 3));
        SetAttributes(id, series is null
            ? "{}"
            : SeriesAttributes.Build(w =>
            {
                SeriesAttributes.WriteSeries(w, series, 3);
                w.WriteString("unit", "kWh");
                if (forecastVersion is not null)
                {
                    w.WriteString("forecast_version", forecastVersion);
                }
            }));
    }

    private static string SeriesPayload(SlotSeries? series, int decimals) =>
        series is null ? "{}" : SeriesAttributes.Build(w => SeriesAttributes.WriteSeries(w, series, decimals));

    private static void WriteOptional(Utf8JsonWriter writer, string name, IReadOnlyList<double?>? values, int decimals)
    {
        if (values is not null)
        {
            SeriesAttributes.WriteValues(writer, name, [.. values.Take(SlotSeries.MaxSlots)], decimals);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static void WriteText(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value, int decimals)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, Math.Round(v, decimals, MidpointRounding.AwayFromZero));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string? Number(double? value, int decimals) =>
        value is { } v && double.IsFinite(v)
            ? Math.Round(v, decimals, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture)
            : null;

    private static string? OnOff(bool? value) => value is { } on ? DarkstarControlValues.OnOff(on) : null;

    private void SetState(string entityId, string? state, bool force = false) => Set(_topics.State(entityId), state ?? UnknownState, force);

    private void SetAttributes(string entityId, string payload) => Set(_topics.Attributes(entityId), payload, force: false);

    private void Set(string topic, string payload, bool force)
    {
        lock (_gate)
        {
            if (!force && _current.TryGetValue(topic, out var previous) && previous == payload)
            {
                return;
            }

            _current[topic] = payload;
            _connection.Enqueue(topic, payload, retain: true);
        }
    }
}

/// <summary>
/// A flexible load as MQTT shows it: its energy today (what the plans the executor followed ran since local midnight and
/// what the latest plan runs in the rest of the day), when its next run starts by the plan (now, when it runs now; null
/// when the plan has none) and whether it runs in the current slot. Without a plan its energy today is unknown (null).
/// </summary>
public sealed record FlexibleLoadReading(string Name, double? KwhToday, double RanKwhToday, DateTimeOffset? NextStart, bool RunningNow);
