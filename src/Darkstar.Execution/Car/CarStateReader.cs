using System.Globalization;
using Darkstar.Core.Car;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;

namespace Darkstar.Execution.Car;

/// <summary>
/// Reads the car's entities (<c>car.*</c>) from Home Assistant when a plan is made: the SoC sensor, the plugged-in sensor
/// (none: plugged in whenever the SoC sensor has a state), the departure <c>input_datetime</c> (a date and time, or a time
/// of day: its next occurrence) and the target <c>input_number</c>. An entity that is missing or unavailable is named in
/// <see cref="CarReading.Problems"/>; the planner then plans without what it lacks, never fails.
/// </summary>
public sealed class CarStateReader(IHomeAssistantGateway homeAssistant, TimeProvider clock) : ICarReader
{
    private static readonly string[] PluggedInStates = ["on", "true", "home", "plugged", "plugged_in", "connected", "charging", "ready", "completed"];

    public async Task<CarReading> ReadAsync(CarOptions car, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(zone);
        if (!homeAssistant.IsConnected)
        {
            return CarReading.Unknown("Home Assistant is not connected: the car's state cannot be read");
        }

        IReadOnlyList<EntityState> states;
        try
        {
            states = await homeAssistant.GetStatesAsync(cancellationToken);
        }
        catch (HomeAssistantException e)
        {
            return CarReading.Unknown($"the car's state could not be read from Home Assistant ({e.Message})");
        }

        var byId = states.GroupBy(s => s.EntityId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        return Read(car, byId, clock.GetUtcNow(), zone);
    }

    /// <summary>The car's reading from Home Assistant's <paramref name="states"/> at <paramref name="now"/>.</summary>
    public static CarReading Read(CarOptions car, IReadOnlyDictionary<string, EntityState> states, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(zone);
        var problems = new List<string>();
        EntityState? Find(string? entityId, string option)
        {
            if (entityId is null)
            {
                return null;
            }

            var state = states.GetValueOrDefault(entityId);
            if (state is null || !state.HasValue)
            {
                problems.Add($"{option} ({entityId}) is {(state is null ? "not in Home Assistant" : state.State)}");
                return null;
            }

            return state;
        }

        double? soc = Find(car.SocSensor, "car.soc_sensor") is { } socState && socState.TryGetNumber(out var percent) && double.IsFinite(percent)
            ? Math.Clamp(percent, 0, 100)
            : null;
        bool pluggedIn;
        if (car.PluggedInSensor is null)
        {
            pluggedIn = soc is not null;
        }
        else
        {
            pluggedIn = Find(car.PluggedInSensor, "car.plugged_in_sensor") is { } plugged
                && PluggedInStates.Contains(plugged.State.Trim().ToLowerInvariant(), StringComparer.Ordinal);
        }

        DateTimeOffset? departure = null;
        if (Find(car.DepartureEntity, "car.departure_entity") is { } leaves)
        {
            departure = Departure(leaves.State, now, zone);
            if (departure is null)
            {
                problems.Add($"car.departure_entity ({car.DepartureEntity}) holds '{leaves.State}', neither a time nor a date and time: car.departure_time applies");
            }
        }

        double? target = null;
        if (Find(car.TargetSocEntity, "car.target_soc_entity") is { } targetState)
        {
            target = targetState.TryGetNumber(out var wanted) && double.IsFinite(wanted) ? wanted : null;
            if (target is null)
            {
                problems.Add($"car.target_soc_entity ({car.TargetSocEntity}) holds '{targetState.State}', not a number: car.target_soc_percent applies");
            }
        }

        return new CarReading(soc, pluggedIn, departure, target, problems);
    }

    /// <summary>
    /// An <c>input_datetime</c>'s state as an instant: <c>2026-12-05 07:00:00</c> as it is (even when past: the planner
    /// says so), a time of day <c>07:00:00</c> as its next occurrence after <paramref name="now"/>.
    /// </summary>
    public static DateTimeOffset? Departure(string state, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(zone);
        var text = state.Trim();
        string[] dateTimes = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm"];
        if (DateTime.TryParseExact(text, dateTimes, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return LocalTime.ToInstant(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local), zone);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset) && text.Contains('T', StringComparison.Ordinal))
        {
            return withOffset;
        }

        if (TimeOnly.TryParseExact(text, ["HH:mm:ss", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return LocalTime.Next(now, time, zone);
        }

        return null;
    }
}
