using System.Globalization;
using Darkstar.Core.Car;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;
using Microsoft.Extensions.Logging;

namespace Darkstar.Planning.Kepler;

/// <summary>What the planner needs for the car: where it reads the car's entities, and where it leaves the car's status.</summary>
public sealed record CarPlanning(ICarReader Reader, CarStatusBoard Status, ILogger Logger);

/// <summary>The car's part of a plan: its request from Home Assistant's entities, and its status from the schedule.</summary>
public sealed partial class KeplerPlanner
{
    /// <summary>
    /// The car's request for this plan (null with the car off). Whatever cannot be read leaves the car out of the plan and
    /// says so in the notes; nothing about the car stops a plan.
    /// </summary>
    private static async Task<CarChargingRequest?> WithCarAsync(
        CarPlanning? car, DarkstarOptions options, SlotRange horizon, TimeZoneInfo zone, List<string> notes, CancellationToken cancellationToken)
    {
        if (!options.Car.Enabled)
        {
            return null;
        }

        if (car is null)
        {
            notes.Add("car: its entities are not read here (only the service reads Home Assistant): planned without the car");
            return new CarChargingRequest(null, null, true);
        }

        var reading = await car.Reader.ReadAsync(options.Car, zone, cancellationToken);
        notes.AddRange(reading.Problems.Select(p => $"car: {p}"));
        var request = CarChargingRequest.Resolve(options.Car, reading.SocPercent, reading.Departure, reading.TargetSocPercent, reading.PluggedIn, horizon, zone);
        if (request.Problem is { } problem)
        {
            notes.Add($"car: {problem}");
        }

        return request with { Reading = reading };
    }

    /// <summary>Leaves the car's status for MQTT and the web UI, and logs when the target becomes unreachable.</summary>
    private static void ReportCar(CarPlanning? car, DarkstarOptions options, CarChargingRequest? request, Schedule schedule)
    {
        if (car is null)
        {
            return;
        }

        var status = CarStatus(options.Car, request, schedule);
        var previous = car.Status.Current;
        if (status.State == CarChargingState.Unreachable && (previous.State != CarChargingState.Unreachable || previous.Departure != status.Departure))
        {
            car.Logger.LogWarning("The car cannot reach its target by its departure: {Reason}", status.Reason);
        }

        car.Status.Set(status);
    }

    /// <summary>The car's status as a plan leaves it.</summary>
    public static CarPlanStatus CarStatus(CarOptions options, CarChargingRequest? request, Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schedule);
        if (!options.Enabled || request is null)
        {
            return CarPlanStatus.Off;
        }

        var reading = request.Reading;
        var soc = reading?.SocPercent;
        var target = reading?.TargetSocPercent ?? options.TargetSocPercent;
        if (request.Car is not { } spec)
        {
            var state = reading is null || reading.SocPercent is null ? CarChargingState.Unknown
                : !reading.PluggedIn ? CarChargingState.Unplugged
                : CarChargingState.Ready;
            var reason = request.Problem ?? (state == CarChargingState.Unplugged ? "the car is not plugged in" : (reading is { Problems.Count: > 0 } ? reading.Problems[0] : null));
            return new CarPlanStatus(state, reason, soc, target, null, 0, null);
        }

        var beforeDeparture = schedule.Slots.Where(s => s.Start < spec.Departure).ToList();
        var planned = beforeDeparture.Sum(s => s.CarKwh);
        var lastCharging = beforeDeparture.LastOrDefault(s => s.CarKwh > 1e-3);
        DateTimeOffset? readyAt = lastCharging is null ? null : lastCharging.Start + SlotGrid.SlotLength;
        // The plan's shortfall decides; a few tenths of a percent short in the last slot (the charger switched on a minute
        // into each slot) is no news to report.
        var reachable = schedule.CarShortfallKwh <= Math.Max(0.05, 0.005 * spec.CapacityKwh);
        var text = reachable
            ? string.Create(CultureInfo.InvariantCulture, $"{planned:0.##} kWh planned: {spec.TargetSocPercent:0.#} % by {InstantText.Format(spec.Departure)}")
            : request.Problem ?? string.Create(CultureInfo.InvariantCulture, $"short {schedule.CarShortfallKwh:0.##} kWh of {spec.TargetSocPercent:0.#} % at {InstantText.Format(spec.Departure)}");
        return new CarPlanStatus(reachable ? CarChargingState.Planned : CarChargingState.Unreachable, text, spec.SocPercent, spec.TargetSocPercent, spec.Departure, planned, readyAt);
    }
}
