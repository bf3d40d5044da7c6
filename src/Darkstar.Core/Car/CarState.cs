using Darkstar.Core.Options;

namespace Darkstar.Core.Car;

/// <summary>
/// What Home Assistant says of the car when a plan is made: its state of charge (null when the sensor has none), whether
/// it is plugged in, and the departure and target its helpers hold (null: none set, the options' or Darkstar's own
/// controls apply). <see cref="Problems"/> name the option whose entity could not be read.
/// </summary>
public sealed record CarReading(double? SocPercent, bool PluggedIn, DateTimeOffset? Departure, double? TargetSocPercent, IReadOnlyList<string> Problems)
{
    /// <summary>Nothing could be read (no connection): the car is not planned.</summary>
    public static CarReading Unknown(string problem) => new(null, false, null, null, [problem]);
}

/// <summary>Reads the car's entities from Home Assistant (the executor's part owns it; the planner asks it at each plan).</summary>
public interface ICarReader
{
    Task<CarReading> ReadAsync(CarOptions car, TimeZoneInfo zone, CancellationToken cancellationToken);
}

/// <summary>The car's charging as the last plan left it (the <c>car_status</c> sensor's states).</summary>
public enum CarChargingState
{
    /// <summary>The car option is off.</summary>
    Disabled,

    /// <summary>Not plugged in: nothing planned.</summary>
    Unplugged,

    /// <summary>The SoC sensor has no state: nothing planned until it has one.</summary>
    Unknown,

    /// <summary>Already at or above its target.</summary>
    Ready,

    /// <summary>Charging is planned and reaches the target by the departure.</summary>
    Planned,

    /// <summary>The target cannot be reached by the departure: charging as fast as allowed.</summary>
    Unreachable,
}

/// <summary>The car's side of the last plan: what MQTT and the web UI show.</summary>
/// <param name="PlannedKwh">Energy planned into the charger (grid side) before the departure, kWh.</param>
/// <param name="ReadyAt">The end of the last slot that charges the car before its departure; null when none does.</param>
public sealed record CarPlanStatus(
    CarChargingState State,
    string? Reason,
    double? SocPercent,
    double? TargetSocPercent,
    DateTimeOffset? Departure,
    double PlannedKwh,
    DateTimeOffset? ReadyAt)
{
    public static CarPlanStatus Off { get; } = new(CarChargingState.Disabled, null, null, null, null, 0, null);

    /// <summary>False only when the plan says the target cannot be reached in time.</summary>
    public bool TargetReachable => State != CarChargingState.Unreachable;

    public static IReadOnlyList<string> StateTexts { get; } = ["disabled", "unplugged", "unknown", "ready", "planned", "unreachable"];

    public static string Text(CarChargingState state) => StateTexts[(int)state];
}

/// <summary>The one place the car's status lives between plans: the planner sets it, MQTT and the web UI read it.</summary>
public sealed class CarStatusBoard
{
    private CarPlanStatus _current = CarPlanStatus.Off;

    public event EventHandler? Changed;

    public CarPlanStatus Current => Volatile.Read(ref _current);

    public void Set(CarPlanStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var previous = Interlocked.Exchange(ref _current, status);
        if (previous != status)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }
}
