using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Simulation;

/// <summary>One stay of the car at home: plugged in from <see cref="Arrival"/> to <see cref="Departure"/>, arriving at <see cref="ArrivalSocPercent"/>.</summary>
public sealed record CarStay(DateTimeOffset Arrival, DateTimeOffset Departure, double ArrivalSocPercent);

/// <summary>How the closed loop charges the car.</summary>
public enum ClosedLoopCarCharging
{
    /// <summary>The MPC plans the car with the battery (to its target by the departure), the loop charges what the plan says.</summary>
    Planned,

    /// <summary>The rule a charger follows alone: full power from the arrival until the target; the MPC plans the battery around it.</summary>
    OnArrival,
}

/// <summary>
/// The electric car in the closed loop: its charger, its target at every departure and its stays at home. Each stay is on
/// its own (the car arrives at the stay's SoC whatever it left with), so that every strategy charges the same energy.
/// </summary>
public sealed record ClosedLoopCar
{
    /// <summary>Below this much energy in a slot the charger is off, as the executor's <c>CarCharging</c> rounds it.</summary>
    public const double OffBelowKwh = 0.01;

    /// <summary>A departure SoC this close under the target has reached it (the model's 0.1 % gap, the loop's rounding).</summary>
    private const double ReachedTolerancePercent = 0.5;

    public required double CapacityKwh { get; init; }

    public required double MinChargeKw { get; init; }

    public required double MaxChargeKw { get; init; }

    public double ChargeEfficiency { get; init; } = 0.9;

    public required double TargetSocPercent { get; init; }

    /// <summary>The stays in order, none overlapping.</summary>
    public required IReadOnlyList<CarStay> Stays { get; init; }

    public ClosedLoopCarCharging Charging { get; init; } = ClosedLoopCarCharging.Planned;

    public double MaxKwhPerSlot => MaxChargeKw * BatterySpec.SlotHours;

    public double MinKwhPerSlot => Math.Min(MinChargeKw, MaxChargeKw) * BatterySpec.SlotHours;

    /// <summary>The stay the car is home for in the slot starting at <paramref name="slotStart"/>; null when it is away.</summary>
    public CarStay? StayAt(DateTimeOffset slotStart) => Stays.FirstOrDefault(s => s.Arrival <= slotStart && slotStart < s.Departure);

    /// <summary>The model's car for <paramref name="stay"/> at <paramref name="socPercent"/> (a current charger: any power from the minimum up).</summary>
    public CarChargingSpec Spec(CarStay stay, double socPercent) =>
        new(CapacityKwh, socPercent, TargetSocPercent, stay.Departure, MinChargeKw, MaxChargeKw, Modulating: true, ChargeEfficiency);

    /// <summary>The energy the charger draws in a slot (grid side) for a planned <paramref name="plannedKwh"/>: off below a trace, within its limits, never past full.</summary>
    public double ChargedKwh(double plannedKwh, double socKwh)
    {
        if (plannedKwh < OffBelowKwh)
        {
            return 0;
        }

        var room = Math.Max(0, (CapacityKwh - socKwh) / ChargeEfficiency);
        return Math.Min(Math.Clamp(plannedKwh, MinKwhPerSlot, MaxKwhPerSlot), room);
    }

    /// <summary>What the rule of <see cref="ClosedLoopCarCharging.OnArrival"/> charges per slot of <paramref name="period"/>, kWh (grid side).</summary>
    public double[] OnArrivalKwh(SlotRange period)
    {
        var kwh = new double[period.Count];
        foreach (var stay in Stays)
        {
            var soc = CapacityKwh * stay.ArrivalSocPercent / 100;
            var target = CapacityKwh * TargetSocPercent / 100;
            for (var t = Position(period, stay.Arrival); t < Math.Min(period.Count, Position(period, stay.Departure)) && soc < target - 1e-9; t++)
            {
                kwh[t] = Math.Min(MaxKwhPerSlot, (target - soc) / ChargeEfficiency);
                soc += kwh[t] * ChargeEfficiency;
            }
        }

        return kwh;
    }

    /// <summary>Every stay as the model's car plugged in from its arrival (the Oracle's hindsight); the first stay from the period's start.</summary>
    public IReadOnlyList<CarChargingSpec> StaysOf(SlotRange period)
    {
        return [.. Stays.Select(s => Spec(s, s.ArrivalSocPercent) with { PluggedInFrom = s.Arrival <= period.Start ? null : s.Arrival })];
    }

    /// <summary>
    /// How the car did, from its charging per slot start: per stay, what it charged, its SoC at the departure, whether the
    /// target was reachable charging flat out from the arrival, and whether it was reached.
    /// </summary>
    public ClosedLoopCarOutcome Outcome(IEnumerable<(DateTimeOffset Start, double CarKwh)> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var list = slots.ToList();
        var stays = new List<CarStayOutcome>(Stays.Count);
        foreach (var stay in Stays)
        {
            var charged = list.Where(s => stay.Arrival <= s.Start && s.Start < stay.Departure).Sum(s => s.CarKwh);
            var arrivalKwh = CapacityKwh * stay.ArrivalSocPercent / 100;
            var departureSoc = Math.Min(100, (arrivalKwh + (charged * ChargeEfficiency)) / CapacityKwh * 100);
            var slotsHome = (int)((stay.Departure - stay.Arrival) / SlotGrid.SlotLength);
            var reachable = arrivalKwh + (slotsHome * MaxKwhPerSlot * ChargeEfficiency) >= (CapacityKwh * TargetSocPercent / 100) - 1e-6;
            stays.Add(new CarStayOutcome(stay, charged, departureSoc, reachable, departureSoc >= TargetSocPercent - ReachedTolerancePercent));
        }

        return new ClosedLoopCarOutcome(stays, list.Sum(s => s.CarKwh));
    }

    private static int Position(SlotRange period, DateTimeOffset at) => (int)Math.Clamp(SlotGrid.IndexOf(SlotGrid.Ceiling(at)) - period.FirstIndex, 0, period.Count);
}

/// <summary>One stay's outcome: energy charged (grid side), the SoC at the departure, whether the target was reachable and reached.</summary>
public sealed record CarStayOutcome(CarStay Stay, double ChargedKwh, double DepartureSocPercent, bool Reachable, bool Reached);

/// <summary>The car over a period: each stay and the energy charged (grid side).</summary>
public sealed record ClosedLoopCarOutcome(IReadOnlyList<CarStayOutcome> Stays, double ChargedKwh)
{
    public int Reachable => Stays.Count(s => s.Reachable);

    /// <summary>The stays whose reachable target was reached at the departure.</summary>
    public int Reached => Stays.Count(s => s.Reachable && s.Reached);
}
