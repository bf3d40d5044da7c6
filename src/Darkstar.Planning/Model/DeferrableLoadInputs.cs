using System.Globalization;
using Darkstar.Core.Car;
using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Planning.Model;

/// <summary>
/// The car's request for one plan, from its options and what Home Assistant (or Darkstar's own MQTT entities) say now:
/// the spec the model charges to, or none, and what the user should know, naming the option to change.
/// </summary>
public sealed record CarChargingRequest(CarChargingSpec? Car, string? Problem, bool TargetReachable)
{
    /// <summary>What Home Assistant said of the car for this request; null when it was not asked.</summary>
    public CarReading? Reading { get; init; }

    /// <summary>
    /// Resolves the car's state: <paramref name="socPercent"/> from <c>car.soc_sensor</c>, <paramref name="departure"/>
    /// from <c>car.departure_entity</c> (null: the next <c>car.departure_time</c>), <paramref name="targetPercent"/> from
    /// <c>car.target_soc_entity</c> or Darkstar's target entity. A departure in the past moves to the same time of day
    /// next, and says so; a target at or below the car's SoC plans no charging, and says so.
    /// </summary>
    public static CarChargingRequest Resolve(
        CarOptions car, double? socPercent, DateTimeOffset? departure, double? targetPercent, bool pluggedIn, SlotRange horizon, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(zone);
        if (!car.Enabled || !pluggedIn)
        {
            return new CarChargingRequest(null, null, true);
        }

        if (socPercent is not { } soc || double.IsNaN(soc))
        {
            return new CarChargingRequest(null, $"car.soc_sensor ({car.SocSensor}) has no state of charge: the car's charging is not planned until it has one", true);
        }

        var now = horizon.Start;
        string? problem = null;
        var leaves = departure ?? LocalTime.Next(now, car.DepartureTime, zone);
        if (leaves <= now)
        {
            var moved = LocalTime.Next(now, TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(leaves, zone).DateTime), zone);
            problem = $"car.departure_entity ({car.DepartureEntity}) is {Local(leaves, zone)}, in the past: planned for {Local(moved, zone)} instead; set the next departure";
            leaves = moved;
        }

        var target = Math.Clamp(targetPercent ?? car.TargetSocPercent, 0, 100);
        var targetOption = car.TargetSocEntity is null ? "the car's target (car.target_soc_percent or its MQTT number)" : $"car.target_soc_entity ({car.TargetSocEntity})";
        if (target <= soc)
        {
            return new CarChargingRequest(
                null,
                string.Create(CultureInfo.InvariantCulture, $"{targetOption} is {target:0.#} %, not above the car's state of charge ({soc:0.#} %, car.soc_sensor): nothing to charge"),
                true);
        }

        var spec = new CarChargingSpec(
            car.BatteryKwh, soc, target, leaves, car.MinChargeKw, car.MaxChargeKw, Modulating: car.ChargerCurrentEntity is not null, car.ChargeEfficiency);
        var reachable = spec.TargetReachable(horizon);
        if (!reachable)
        {
            var most = soc + (spec.ReachableKwh(horizon) / car.BatteryKwh * 100);
            problem ??= string.Create(CultureInfo.InvariantCulture,
                $"the car cannot reach {target:0.#} % by {Local(leaves, zone)}: {most:0.#} % at most at car.max_current_a; charging as fast as allowed");
        }

        return new CarChargingRequest(spec, problem, reachable);
    }

    private static string Local(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>Vacation mode on a planning problem: a lower load, the flexible loads at rest, the water heater once a week.</summary>
public static class VacationPlanning
{
    /// <summary>The name of the weekly water heating among a vacation problem's flexible loads.</summary>
    public const string LegionellaLoad = "anti_legionella";

    /// <summary>
    /// <paramref name="schedule"/> with the weekly heating <paramref name="problem"/> planned as a flexible load moved back to
    /// the water heater's energy, so that the plan's slots switch the water heater as on any other day.
    /// </summary>
    public static Schedule WithHeatingAsWater(Schedule schedule, PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(problem);
        var index = problem.FlexibleLoads.Select(l => l.Name).ToList().IndexOf(LegionellaLoad);
        if (index < 0)
        {
            return schedule;
        }

        return schedule with
        {
            Slots = [.. schedule.Slots.Select(s => s.FlexibleLoadKwh.Count > index ? s with { WaterKwh = s.WaterKwh + s.FlexibleLoadKwh[index] } : s)],
        };
    }

    public static PlanningProblem Apply(PlanningProblem problem, VacationOptions vacation, WaterHeatingOptions water)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(vacation);
        ArgumentNullException.ThrowIfNull(water);
        if (!vacation.Enabled)
        {
            return problem;
        }

        // One heating of the daily energy on the chosen weekday keeps the tank above the legionella temperature weekly.
        FlexibleLoadSpec[] legionella = problem.Water.Enabled
            ? [FlexibleLoadSpec.FromWaterHeating(water) with { Name = LegionellaLoad, OnlyOn = vacation.LegionellaWeekday, Today = problem.WaterToday }]
            : [];
        return problem with
        {
            LoadKwh = [.. problem.LoadKwh.Select(kwh => kwh * vacation.LoadFactor)],
            Water = WaterHeatingSpec.Disabled,
            FlexibleLoads = legionella,
        };
    }
}
