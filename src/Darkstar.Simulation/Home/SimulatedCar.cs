using Darkstar.Core.Time;
using Darkstar.Simulation.Sources;

namespace Darkstar.Simulation.Home;

/// <summary>
/// The home's electric car: away on weekdays and weekends alike from <see cref="Departure"/> to <see cref="Arrival"/>
/// (local time), home and plugged in otherwise; each day's driving takes 15–35 % of its battery (a commute and errands:
/// 6–14 kWh), found on its return. Its charger draws the set current on one phase while the switch is on, the car is
/// home and not full; the energy reaches the battery at <see cref="ChargeEfficiency"/>. It never drops below 10 % (the
/// owner charges elsewhere when the home does not). Not thread-safe: <see cref="HomeSimulation"/> holds its lock.
/// </summary>
internal sealed class SimulatedCar(int seed)
{
    public const double CapacityKwh = 40;
    public const double VoltageV = 230;
    public const double MaxCurrentA = 16;
    public const double MinCurrentA = 6;
    public const double ChargeEfficiency = 0.9;
    public const double InitialSocPercent = 50;
    public const double LowestSocPercent = 10;

    /// <summary>The daily departure, local time (the options of <c>serve --simulate</c> name it).</summary>
    public static readonly TimeOnly Departure = new(7, 0);

    public static readonly TimeOnly Arrival = new(17, 30);

    private const int DrivingStream = 7101;

    private double _socKwh = CapacityKwh * InitialSocPercent / 100;
    private bool? _home;

    public bool ChargerOn { get; set; }

    public double CurrentA { get; set; } = MaxCurrentA;

    public double SocPercent => _socKwh / CapacityKwh * 100;

    public bool Home => _home ?? true;

    /// <summary>The charger's power now, kW (grid side).</summary>
    public double ChargingKw => Home && ChargerOn && _socKwh < CapacityKwh - 1e-9 ? Math.Clamp(CurrentA, 0, MaxCurrentA) * VoltageV / 1000 : 0;

    /// <summary>Energy a day's driving takes, kWh: the same for a day whoever asks.</summary>
    public double DrivingKwh(DateOnly day) => CapacityKwh * (0.15 + (0.2 * DeterministicNoise.Uniform(seed, DrivingStream, day.DayNumber)));

    /// <summary>Runs one step from <paramref name="from"/>: leaves or returns, then charges; returns the charger's kW over the step.</summary>
    public double Step(DateTimeOffset from, TimeSpan length, TimeZoneInfo zone)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        var home = local < Departure || local >= Arrival;
        if (_home == false && home)
        {
            var driven = DrivingKwh(SlotGrid.LocalDateOf(from, zone));
            _socKwh = Math.Max(CapacityKwh * LowestSocPercent / 100, _socKwh - driven);
        }

        _home = home;
        var kw = ChargingKw;
        _socKwh = Math.Min(CapacityKwh, _socKwh + (kw * length.TotalHours * ChargeEfficiency));
        return kw;
    }
}
