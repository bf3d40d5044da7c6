using Darkstar.Core.Time;

namespace Darkstar.Core.Options;

/// <summary>
/// Checks bound options: each option against its own rules (ranges, entity ids, patterns), then the rules
/// that tie options together (what is required given the rest). Messages never repeat a secret.
/// </summary>
internal static class OptionsValidator
{
    public static void Validate(DarkstarOptions options, OptionsContext context, List<OptionError> errors)
    {
        foreach (var option in OptionsModel.Options)
        {
            var value = option.GetValue(options);
            if (value is null)
            {
                continue;
            }

            foreach (var rule in option.Rules)
            {
                if (rule.Check(value) is { } problem)
                {
                    errors.Add(Error(option.Path, options, problem));
                    break;
                }
            }
        }

        ValidateHomeAssistant(options, context, errors);
        ValidateInputSensors(options, errors);
        ValidateBattery(options, errors);
        ValidatePricing(options, errors);
        ValidatePeakFee(options, errors);
        ValidateWaterHeating(options, errors);
        ValidateCar(options, errors);
        ValidateFlexibleLoads(options, errors);
        ValidateSIndex(options, errors);
        ValidateExecutor(options, errors);
        ValidateMqtt(options, errors);
        ValidateLocation(options, errors);
    }

    private static void ValidateHomeAssistant(DarkstarOptions options, OptionsContext context, List<OptionError> errors)
    {
        var ha = options.HomeAssistant;
        if (ha.Url is null && !context.HasSupervisorToken)
        {
            errors.Add(Missing("home_assistant.url", "required outside the add-on (no SUPERVISOR_TOKEN): set Home Assistant's address, e.g. http://homeassistant.local:8123"));
        }

        // A URL of its own means Darkstar is not going through the Supervisor proxy, so the Supervisor token does not apply.
        if (ha.Token is null && (ha.Url is not null || !context.HasSupervisorToken))
        {
            errors.Add(Missing("home_assistant.token", "required with home_assistant.url set or outside the add-on: create a long-lived access token in your Home Assistant profile (Security) and put it here"));
        }
    }

    private static void ValidateInputSensors(DarkstarOptions options, List<OptionError> errors)
    {
        var sensors = options.InputSensors;
        if (sensors.TotalLoadConsumption is null)
        {
            // The house load follows from the grid counters when it is not measured directly.
            if (sensors.TotalGridImport is null)
            {
                errors.Add(Missing("input_sensors.total_grid_import", "set the cumulative grid import energy sensor (kWh), e.g. sensor.grid_import_energy, or set input_sensors.total_load_consumption"));
            }

            if (sensors.TotalGridExport is null)
            {
                errors.Add(Missing("input_sensors.total_grid_export", "set the cumulative grid export energy sensor (kWh), e.g. sensor.grid_export_energy, or set input_sensors.total_load_consumption"));
            }
        }

        if (sensors.TotalPvProduction is null)
        {
            errors.Add(Missing("input_sensors.total_pv_production", "set the cumulative solar production energy sensor (kWh), e.g. sensor.pv_energy_total"));
        }

        if (sensors.BatterySoc is null && options.Battery.CapacityKwh > 0)
        {
            errors.Add(Missing("input_sensors.battery_soc", "set the battery state-of-charge sensor (%), e.g. sensor.battery_soc, or set battery.capacity_kwh to 0 if the home has no battery"));
        }
    }

    private static void ValidateBattery(DarkstarOptions options, List<OptionError> errors)
    {
        var battery = options.Battery;
        if (battery.MinSocPercent >= battery.MaxSocPercent)
        {
            errors.Add(Error("battery.min_soc_percent", options, $"must be less than battery.max_soc_percent ({Format(battery.MaxSocPercent)})"));
        }
    }

    private static void ValidatePricing(DarkstarOptions options, List<OptionError> errors)
    {
        var pricing = options.Pricing;
        switch (pricing.PriceSource)
        {
            case PriceSource.NordpoolSensor when pricing.NordpoolSensor is null:
                errors.Add(Missing("pricing.nordpool_sensor", "required with price_source nordpool_sensor: set the Nord Pool price sensor, e.g. sensor.nordpool_kwh_se3_sek_3_10_025"));
                break;
            case PriceSource.NordpoolAction:
                if (pricing.NordpoolConfigEntry is null)
                {
                    errors.Add(Missing("pricing.nordpool_config_entry", "required with price_source nordpool_action: set the config entry id of the Nord Pool integration"));
                }

                if (pricing.PriceArea is null)
                {
                    errors.Add(Missing("pricing.price_area", "required with price_source nordpool_action: set the delivery area, e.g. SE3"));
                }

                break;
        }
    }

    private static void ValidatePeakFee(DarkstarOptions options, List<OptionError> errors)
    {
        var fee = options.PeakFee;
        if (fee.FeePerKw <= 0)
        {
            return;
        }

        foreach (var (key, time) in new[] { ("peak_fee.from_time", fee.FromTime), ("peak_fee.to_time", fee.ToTime) })
        {
            if (time is null)
            {
                errors.Add(Missing(key, "required with peak_fee.fee_per_kw set: the local hours the fee applies, from_time to to_time (the same time for all day, e.g. 00:00 and 00:00)"));
            }
            else if (time.Value.Minute % 15 != 0)
            {
                errors.Add(Error(key, options, "must be on a quarter hour (minutes 00, 15, 30 or 45): the planner's slots are 15 minutes"));
            }
        }

        if (fee.Measure == PeakMeasure.MeanOfTopHours && fee.Period == PeakFeePeriod.Day)
        {
            errors.Add(Error("peak_fee.measure", options, "mean_of_top_hours counts hours on different days of a month: with peak_fee.period day use highest_hour or highest_quarter_hour"));
        }
    }

    private static void ValidateWaterHeating(DarkstarOptions options, List<OptionError> errors)
    {
        var water = options.WaterHeating;
        if (!water.Enabled)
        {
            return;
        }

        if (water.MinKwhPerDay > water.PowerKw * 24)
        {
            errors.Add(Error("water_heating.min_kwh_per_day", options, $"cannot be more than a day of heating at water_heating.power_kw ({Format(water.PowerKw * 24)} kWh)"));
        }
    }

    private static void ValidateCar(DarkstarOptions options, List<OptionError> errors)
    {
        var car = options.Car;
        if (!car.Enabled)
        {
            return;
        }

        if (car.SocSensor is null)
        {
            errors.Add(Missing("car.soc_sensor", "required with the car enabled: the car's state-of-charge sensor (%), e.g. sensor.car_battery_level"));
        }

        if (car.ChargerSwitchEntity is null && car.ChargerCurrentEntity is null)
        {
            errors.Add(Missing("car.charger_switch_entity", "required with the car enabled: the switch that starts and stops charging, or set car.charger_current_entity (the charging current in A)"));
        }

        if (car.MinCurrentA > car.MaxCurrentA)
        {
            errors.Add(Error("car.min_current_a", options, $"must be at most car.max_current_a ({Format(car.MaxCurrentA)})"));
        }

        // A current of 0 stops a charger: the model would plan power it cannot draw.
        if (car.ChargerCurrentEntity is not null && car.MinCurrentA <= 0)
        {
            errors.Add(Error("car.min_current_a", options, "must be above 0 with car.charger_current_entity: the lowest current the charger charges at (6 A for most)"));
        }

        if (car.SocSensor is not null && car.SocSensor == options.InputSensors.BatterySoc)
        {
            errors.Add(Error("car.soc_sensor", options, "is the home battery's SoC sensor (input_sensors.battery_soc): give the car's own, e.g. sensor.car_battery_level"));
        }
    }

    /// <summary>
    /// Each load's keys by their rules, then what ties them: a window long enough for a run, a day's energy that fits its
    /// window at its power with its starts and spacing, times on the quarter hour, and no name or switch used twice (nor a
    /// switch the water heater or the car already has). Each message names the load by its position and name.
    /// </summary>
    private static void ValidateFlexibleLoads(DarkstarOptions options, List<OptionError> errors)
    {
        var list = OptionsModel.Lists.Single(l => l.Key == "flexible_loads");
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var switches = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.Executor.WaterHeaterEntity is { } water)
        {
            switches[water] = "executor.water_heater_entity";
        }

        if (options.Car.ChargerSwitchEntity is { } charger)
        {
            switches[charger] = "car.charger_switch_entity";
        }

        for (var i = 0; i < options.FlexibleLoads.Count; i++)
        {
            var load = options.FlexibleLoads[i];
            var label = load.Name.Length == 0 ? $"flexible_loads[{i + 1}]" : $"flexible_loads[{i + 1}] ({load.Name})";
            OptionError LoadError(string key, string problem) =>
                new($"{label}.{key}", OptionDescriptor.Format(list.Items.Single(o => o.Key == key).GetItemValue(load)), problem);

            var ruleBroken = false;
            foreach (var option in list.Items)
            {
                // A required key left out is reported missing by the binder; its default would only repeat that.
                if (option.GetItemValue(load) is not { } value || (!option.IsOptional && value is string { Length: 0 }))
                {
                    continue;
                }

                if (option.Rules.Select(r => r.Check(value)).FirstOrDefault(p => p is not null) is { } problem)
                {
                    errors.Add(LoadError(option.Key, problem));
                    ruleBroken = true;
                }
            }

            foreach (var (key, time) in new[] { ("earliest_start", load.EarliestStart), ("latest_end", load.LatestEnd) })
            {
                if (time.Minute % SlotGrid.MinutesPerSlot != 0)
                {
                    errors.Add(LoadError(key, "must be on a quarter hour (minutes 00, 15, 30 or 45): the planner's slots are 15 minutes"));
                    ruleBroken = true;
                }
            }

            if (load.Name.Length > 0 && !names.TryAdd(load.Name, label))
            {
                errors.Add(LoadError("name", $"is the name of {names[load.Name]} too: give each load its own name"));
            }

            if (load.SwitchEntity.Length > 0 && !switches.TryAdd(load.SwitchEntity, label))
            {
                errors.Add(LoadError("switch_entity", $"is already the switch of {switches[load.SwitchEntity]}: give each load its own switch"));
            }

            if (ruleBroken || load.PowerKw <= 0 || load.KwhPerDay <= 0)
            {
                continue;
            }

            var window = $"{OptionDescriptor.Format(load.EarliestStart)}–{OptionDescriptor.Format(load.LatestEnd)}";
            if (load.WindowMinutes < load.MinRunMinutes)
            {
                errors.Add(LoadError("min_run_minutes", $"is longer than the load's window {window} ({load.WindowMinutes} minutes): move earliest_start or latest_end, or shorten the run"));
                continue;
            }

            var runs = load.Runs;
            var windowSlots = load.WindowMinutes / SlotGrid.MinutesPerSlot;
            var spacingSlots = load.MinSpacingMinutes / SlotGrid.MinutesPerSlot;
            if (runs.SlotsNeeded(spacingSlots) > windowSlots)
            {
                var fits = Format(MostSlotsIn(windowSlots, load.MinRunMinutes / SlotGrid.MinutesPerSlot, load.MaxStartsPerDay, spacingSlots) * load.PowerKw * SlotGrid.SlotLength.TotalHours);
                errors.Add(LoadError("kwh_per_day", $"cannot fit in the load's window {window} at power_kw {Format(load.PowerKw)}: {runs.RunsPerDay} run(s) of {runs.RunSlots * SlotGrid.MinutesPerSlot} minutes " +
                    $"(max_starts_per_day {load.MaxStartsPerDay}, starts min_spacing_minutes {load.MinSpacingMinutes} apart) need {runs.SlotsNeeded(spacingSlots) * SlotGrid.MinutesPerSlot} minutes, the window has {load.WindowMinutes}; at most {fits} kWh fit"));
            }
        }
    }

    /// <summary>The most slots equal runs can fill in a window: up to <paramref name="maxStarts"/> runs, each at least the minimum, starts spaced.</summary>
    private static int MostSlotsIn(int windowSlots, int minRunSlots, int maxStarts, int spacingSlots)
    {
        var most = 0;
        for (var runs = 1; runs <= maxStarts; runs++)
        {
            for (var length = Math.Max(1, minRunSlots); length <= windowSlots; length++)
            {
                if (((runs - 1) * Math.Max(spacingSlots, length)) + length <= windowSlots)
                {
                    most = Math.Max(most, runs * length);
                }
            }
        }

        return most;
    }

    private static void ValidateSIndex(DarkstarOptions options, List<OptionError> errors)
    {
        var sIndex = options.SIndex;
        if (sIndex.MaxFactor < sIndex.BaseFactor)
        {
            errors.Add(Error("s_index.max_factor", options, $"must be at least s_index.base_factor ({Format(sIndex.BaseFactor)})"));
        }
    }

    private static void ValidateExecutor(DarkstarOptions options, List<OptionError> errors)
    {
        var executor = options.Executor;
        if (executor.WorkModeEntity is not null)
        {
            (string Key, string? Value)[] modes =
            [
                ("work_mode_charge", executor.WorkModeCharge),
                ("work_mode_discharge", executor.WorkModeDischarge),
                ("work_mode_hold", executor.WorkModeHold),
                ("work_mode_export", executor.WorkModeExport),
                ("work_mode_self_consumption", executor.WorkModeSelfConsumption),
            ];
            foreach (var (key, _) in modes.Where(m => m.Value is null))
            {
                errors.Add(Missing($"executor.{key}", "required with executor.work_mode_entity set: the option of that select to choose for this action (repeat an option if two actions share it)"));
            }
        }

        if ((executor.MaxChargePowerUnit == PowerUnit.Ampere || executor.MaxDischargePowerUnit == PowerUnit.Ampere) && executor.BatteryVoltage is null)
        {
            errors.Add(Missing("executor.battery_voltage", "required with a power unit of A: the battery's nominal voltage, e.g. 51.2"));
        }

        if (executor.WaterHeaterEntity?.StartsWith("water_heater.", StringComparison.Ordinal) == true &&
            executor.WaterHeaterOnTemperature <= executor.WaterHeaterOffTemperature)
        {
            errors.Add(Error("executor.water_heater_on_temperature", options, $"must be above executor.water_heater_off_temperature ({Format(executor.WaterHeaterOffTemperature)})"));
        }

        if (!executor.Enabled || executor.ShadowMode)
        {
            return;
        }

        if (options.Battery.CapacityKwh > 0 && executor.WorkModeEntity is null && executor.GridChargingEntity is null &&
            executor.MaxChargePowerEntity is null && executor.MaxDischargePowerEntity is null && executor.SocTargetEntity is null)
        {
            errors.Add(Missing("executor.work_mode_entity", "required with the executor enabled outside shadow mode: map at least one battery control (work_mode_entity, grid_charging_entity, max_charge_power_entity, max_discharge_power_entity or soc_target_entity), or turn shadow_mode on"));
        }

        if (options.WaterHeating.Enabled && executor.WaterHeaterEntity is null)
        {
            errors.Add(Missing("executor.water_heater_entity", "required with water heating enabled and the executor outside shadow mode: the switch or water_heater entity that heats the water"));
        }
    }

    private static void ValidateMqtt(DarkstarOptions options, List<OptionError> errors)
    {
        var mqtt = options.Mqtt;
        if (mqtt.Host is null && (mqtt.Username is not null || mqtt.Password is not null))
        {
            errors.Add(Missing("mqtt.host", "required with mqtt.username or mqtt.password set: the broker's host name, or remove them to use the add-on's MQTT service"));
        }

        if (mqtt.Password is not null && mqtt.Username is null)
        {
            errors.Add(Missing("mqtt.username", "required with mqtt.password set: the user the password belongs to"));
        }
    }

    private static void ValidateLocation(DarkstarOptions options, List<OptionError> errors)
    {
        var location = options.Location;
        if (location.Latitude is null != location.Longitude is null)
        {
            var missing = location.Latitude is null ? "location.latitude" : "location.longitude";
            errors.Add(Missing(missing, "set both location.latitude and location.longitude, or neither to use Home Assistant's"));
        }
    }

    private static OptionError Missing(string path, string what) => new(path, null, $"missing: {what}");

    private static OptionError Error(string path, DarkstarOptions options, string problem)
    {
        var option = OptionsModel.Get(path);
        return new OptionError(path, option.IsSecret ? "***" : option.FormatValue(options), problem);
    }

    private static string Format(double value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
