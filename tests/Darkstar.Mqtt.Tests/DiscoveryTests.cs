using System.Text;
using System.Text.Json.Nodes;
using Darkstar.Mqtt.Discovery;
using Darkstar.Mqtt.Tests.Support;
using Darkstar.Testing;

namespace Darkstar.Mqtt.Tests;

public sealed class DiscoveryTests
{
    // Written out so that renaming an entity id (which orphans it in every user's Home Assistant) fails here.
    private static readonly string[] PinnedUniqueIds =
    [
        "darkstar_load_forecast", "darkstar_pv_forecast", "darkstar_planned_action", "darkstar_target_soc",
        "darkstar_planned_battery_power", "darkstar_planned_grid_power", "darkstar_import_price", "darkstar_export_price",
        "darkstar_planned_cost_today", "darkstar_peak_so_far", "darkstar_planned_peak", "darkstar_realised_cost_yesterday", "darkstar_oracle_regret", "darkstar_forecast_mae_7d",
        "darkstar_status", "darkstar_water_heater_planned_now", "darkstar_cheap_slot_now", "darkstar_executor_enabled",
        "darkstar_shadow_mode", "darkstar_allow_export", "darkstar_forecast_version", "darkstar_risk_appetite",
        "darkstar_manual_override", "darkstar_min_soc", "darkstar_max_soc", "darkstar_water_heater_min_kwh_per_day",
        "darkstar_car_status", "darkstar_car_target_reachable", "darkstar_car_planned_energy", "darkstar_car_ready_at",
        "darkstar_car_target_soc", "darkstar_car_departure",
        "darkstar_vacation_mode", "darkstar_replan", "darkstar_retrain_aurora",
        "darkstar_manual_blocks", "darkstar_block_action", "darkstar_block_hours", "darkstar_add_block", "darkstar_clear_blocks",
    ];

    private static readonly string[] PinnedEntityIds =
    [
        "sensor.darkstar_load_forecast", "sensor.darkstar_pv_forecast", "sensor.darkstar_planned_action", "sensor.darkstar_target_soc",
        "sensor.darkstar_planned_battery_power", "sensor.darkstar_planned_grid_power", "sensor.darkstar_import_price",
        "sensor.darkstar_export_price", "sensor.darkstar_planned_cost_today", "sensor.darkstar_peak_so_far", "sensor.darkstar_planned_peak", "sensor.darkstar_realised_cost_yesterday",
        "sensor.darkstar_oracle_regret", "sensor.darkstar_forecast_mae_7d", "sensor.darkstar_status",
        "binary_sensor.darkstar_water_heater_planned_now", "binary_sensor.darkstar_cheap_slot_now", "switch.darkstar_executor_enabled",
        "switch.darkstar_shadow_mode", "switch.darkstar_allow_export", "select.darkstar_forecast_version", "select.darkstar_risk_appetite",
        "select.darkstar_manual_override", "number.darkstar_min_soc", "number.darkstar_max_soc",
        "number.darkstar_water_heater_min_kwh_per_day",
        "sensor.darkstar_car_status", "binary_sensor.darkstar_car_target_reachable", "sensor.darkstar_car_planned_energy",
        "sensor.darkstar_car_ready_at", "number.darkstar_car_target_soc", "text.darkstar_car_departure",
        "switch.darkstar_vacation_mode", "button.darkstar_replan", "button.darkstar_retrain_aurora",
        "sensor.darkstar_manual_blocks", "select.darkstar_block_action", "number.darkstar_block_hours", "button.darkstar_add_block",
        "button.darkstar_clear_blocks",
    ];

    [Fact]
    public void All_UniqueIdsAndEntityIds_ArePinned()
    {
        var entities = DarkstarEntities.All("EUR");

        Assert.Equal(PinnedUniqueIds, entities.Select(e => e.UniqueId));
        Assert.Equal(PinnedEntityIds, entities.Select(e => e.DefaultEntityId));
    }

    [Fact]
    public void All_FlexibleLoads_OneEnergySensorEachBeforeTheVacationSwitch()
    {
        var entities = DarkstarEntities.All("EUR", flexibleLoads: ["dishwasher", "pool_pump"]).ToList();

        Assert.Equal(PinnedUniqueIds.Length + 2, entities.Count);
        var loads = entities.Where(e => e.Id.StartsWith(DarkstarEntityIds.FlexibleLoadPrefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(["sensor.darkstar_flexible_load_dishwasher", "sensor.darkstar_flexible_load_pool_pump"], loads.Select(e => e.DefaultEntityId));
        Assert.All(loads, e => Assert.Equal(("energy", "kWh", true), (e.DeviceClass, e.Unit, e.HasAttributes)));
        Assert.Equal("vacation_mode", entities[entities.IndexOf(loads[^1]) + 1].Id);
    }

    [Fact]
    public void Build_EveryComponent_HasPlatformUniqueIdAndDefaultEntityIdButNoObjectId()
    {
        var document = DiscoveryDocument.Build(RunningService.Topics, DarkstarEntities.All("EUR"), [], "1.0.0");

        var components = document["cmps"]!.AsObject();
        Assert.Equal(PinnedUniqueIds.Length, components.Count);
        Assert.All(components, c =>
        {
            var component = c.Value!.AsObject();
            Assert.NotNull(component["p"]);
            Assert.Equal("darkstar_" + c.Key, (string?)component["unique_id"]);
            Assert.NotNull(component["default_entity_id"]);
            Assert.False(component.ContainsKey("object_id"));
        });
    }

    [Fact]
    public void Build_Classes_FollowHomeAssistantRules()
    {
        var components = DiscoveryDocument.Build(RunningService.Topics, DarkstarEntities.All("EUR"), [], "1.0.0")["cmps"]!.AsObject();

        // Forecasts must not feed long-term statistics; money is a total; power is a measurement.
        Assert.Null(components["load_forecast"]!["state_class"]);
        Assert.Null(components["pv_forecast"]!["state_class"]);
        foreach (var id in new[] { "planned_cost_today", "realised_cost_yesterday", "oracle_regret" })
        {
            Assert.Equal("monetary", (string?)components[id]!["device_class"]);
            Assert.Equal("total", (string?)components[id]!["state_class"]);
            Assert.Equal("EUR", (string?)components[id]!["unit_of_measurement"]);
        }

        foreach (var id in new[] { "planned_battery_power", "planned_grid_power" })
        {
            Assert.Equal("power", (string?)components[id]!["device_class"]);
            Assert.Equal("kW", (string?)components[id]!["unit_of_measurement"]);
            Assert.Equal("measurement", (string?)components[id]!["state_class"]);
        }

        Assert.Equal("EUR/kWh", (string?)components["import_price"]!["unit_of_measurement"]);
        Assert.Null(components["import_price"]!["device_class"]);
        Assert.Equal(["charge", "discharge", "hold", "export", "idle"], components["planned_action"]!["options"]!.AsArray().Select(o => (string?)o));
        Assert.Equal(["auto", "force_charge", "force_discharge", "hold", "force_export"], components["manual_override"]!["options"]!.AsArray().Select(o => (string?)o));
    }

    [Fact]
    public void Build_RetiredComponent_IsPlatformOnlyInCmps()
    {
        var document = DiscoveryDocument.Build(
            RunningService.Topics, DarkstarEntities.All("EUR"), [new RetiredEntity("old_sensor", EntityPlatform.Sensor)], "1.0.0");

        var retired = document["cmps"]!["old_sensor"]!.AsObject();
        Assert.Equal("sensor", (string?)retired["p"]);
        Assert.Single(retired);
        Assert.Equal("homeassistant/sensor/darkstar/old_sensor/config", RunningService.Topics.EntityConfig(EntityPlatform.Sensor, "old_sensor"));
    }

    [Fact]
    public void PublishForecasts_48HoursOfQuarterHours_AttributesUnder16KiB()
    {
        var publisher = new DarkstarPublisher(UnstartedConnection(), RunningService.Topics);
        var start = new DateTimeOffset(2026, 11, 21, 12, 15, 0, TimeSpan.Zero);
        // The widest values a home could produce, every one with all its decimals.
        var values = Enumerable.Range(0, 192).Select(i => (double?)(-99999.123456 - i)).ToList();
        var actions = Enumerable.Repeat(Core.Domain.PlannedAction.Discharge, 192).ToList();

        publisher.PublishForecasts(SlotSeries.QuarterHours(start, values), SlotSeries.QuarterHours(start, values), "baseline_7_day_avg");
        publisher.PublishPlan(new PlanSnapshot
        {
            Action = Core.Domain.PlannedAction.Discharge,
            HorizonStart = start,
            Actions = actions,
            SocPercent = values,
            BatteryKw = values,
            GridKw = values,
        });
        publisher.PublishPrices(1, 1, true, SlotSeries.QuarterHours(start, values), SlotSeries.QuarterHours(start, values));

        foreach (var id in new[] { "load_forecast", "pv_forecast", "planned_action", "import_price", "export_price" })
        {
            var payload = publisher.CurrentPayload(RunningService.Topics.Attributes(id));
            Assert.NotNull(payload);
            Assert.InRange(Encoding.UTF8.GetByteCount(payload), 1000, SeriesAttributes.MaxPayloadBytes - 1);
            var json = JsonNode.Parse(payload)!.AsObject();
            Assert.True(json.ContainsKey("start"), id);
        }

        var load = JsonNode.Parse(publisher.CurrentPayload(RunningService.Topics.Attributes("load_forecast"))!)!;
        Assert.Equal(192, load["values"]!.AsArray().Count);
        Assert.Equal(15, (int)load["step_minutes"]!);
        Assert.Equal("2026-11-21T12:15:00Z", (string?)load["start"]);
        Assert.Equal("-99999.123", publisher.CurrentPayload(RunningService.Topics.State("load_forecast")));
    }

    [Fact]
    public void PublishForecasts_SeriesLongerThanTheHorizon_IsRejected()
    {
        var publisher = new DarkstarPublisher(UnstartedConnection(), RunningService.Topics);
        var tooLong = Enumerable.Repeat((double?)1.0, SlotSeries.MaxSlots + 1).ToList();

        Assert.Throws<ArgumentException>(() => publisher.PublishForecasts(SlotSeries.QuarterHours(DateTimeOffset.UnixEpoch, tooLong), null, null));
    }

    private static MqttConnection UnstartedConnection() =>
        new(RunningService.SettingsFor("127.0.0.1", 1), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MqttConnection>.Instance);
}
