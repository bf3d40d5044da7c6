using System.CommandLine;
using System.Globalization;
using Darkstar.Core.Time;
using Darkstar.Planning.Simulation;
using Darkstar.Simulation.Sources;

namespace Darkstar.Cli;

/// <summary>
/// <c>bench plan --car</c>: an electric car beside the battery, by default the simulated home's (40 kWh, away 07:00–17:30,
/// each day's driving 6–14 kWh drawn per day), on a charger of 1.4–11 kW, to 80 % by every departure.
/// </summary>
internal sealed class BenchCar
{
    /// <summary>The seed and stream of each day's driving: the same day always drives the same.</summary>
    private const int DrivingSeed = 22;

    private const int DrivingStream = 7101;

    /// <summary>A day's driving varies this much either side of the mean (the simulated car's 15–35 % of 40 kWh about 10 kWh).</summary>
    private const double DrivingSpread = 0.4;

    private readonly Option<bool> _car = new("--car")
    {
        Description = "Add an electric car: the MPC plans it with the battery by its departure, the Oracle with hindsight; compared with charging at full power on arrival.",
    };

    private readonly Option<double> _capacity = new("--car-kwh") { Description = "The car's battery, kWh.", DefaultValueFactory = _ => 40 };
    private readonly Option<double> _maxKw = new("--car-max-kw") { Description = "The charger's highest power, kW.", DefaultValueFactory = _ => 11 };
    private readonly Option<double> _minKw = new("--car-min-kw") { Description = "The charger's lowest power while on, kW.", DefaultValueFactory = _ => 1.4 };
    private readonly Option<string> _arrival = new("--car-arrival") { Description = "When the car comes home and is plugged in, local HH:mm.", DefaultValueFactory = _ => "17:30" };
    private readonly Option<string> _departure = new("--car-departure") { Description = "When it leaves, local HH:mm.", DefaultValueFactory = _ => "07:00" };
    private readonly Option<double> _target = new("--car-target") { Description = "The SoC it should have at every departure, percent.", DefaultValueFactory = _ => 80 };
    private readonly Option<double> _dailyKwh = new("--car-daily-kwh")
    {
        Description = "The mean of a day's driving, kWh (each day drawn within ±40 % of it, the same on every run); the car comes home at the target less the day's driving.",
        DefaultValueFactory = _ => 10,
    };

    public IEnumerable<Option> Options => [_car, _capacity, _maxKw, _minKw, _arrival, _departure, _target, _dailyKwh];

    /// <summary>The car the flags describe, or a message naming the flag that is wrong; null and no message without <c>--car</c>.</summary>
    public (BenchCarSettings? Settings, string? Error) Parse(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (!parse.GetValue(_car))
        {
            return (null, null);
        }

        var (capacity, maxKw, minKw, target, daily) = (parse.GetValue(_capacity), parse.GetValue(_maxKw), parse.GetValue(_minKw), parse.GetValue(_target), parse.GetValue(_dailyKwh));
        if (capacity <= 0 || maxKw <= 0 || minKw < 0 || minKw > maxKw)
        {
            return (null, "--car-kwh and --car-max-kw must be above 0, --car-min-kw between 0 and --car-max-kw.");
        }

        if (target is <= 0 or > 100 || daily < 0 || daily * (1 + DrivingSpread) > capacity * target / 100)
        {
            return (null, "--car-target must be in (0, 100] and --car-daily-kwh at least 0, with a day's driving (up to 1.4 times it) within the target's energy.");
        }

        if (!TryTime(parse.GetValue(_arrival)!, out var arrival) || !TryTime(parse.GetValue(_departure)!, out var departure) || arrival == departure)
        {
            return (null, "--car-arrival and --car-departure must be different local times, HH:mm.");
        }

        return (new BenchCarSettings(capacity, minKw, maxKw, target, arrival, departure, daily), null);
    }

    private static bool TryTime(string text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    /// <summary>A day's driving, kWh: the same for a day on every run.</summary>
    public static double DrivingKwh(double meanKwh, DateOnly day) =>
        meanKwh * (1 + (DrivingSpread * DeterministicNoise.Signed(DrivingSeed, DrivingStream, day.DayNumber)));

    /// <summary>The car's stays in <paramref name="period"/>: every one that departs inside it (the first from the period's start).</summary>
    public static ClosedLoopCar Car(BenchCarSettings settings, SlotRange period, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var stays = new List<CarStay>();
        var firstDay = SlotGrid.LocalDateOf(period.Start, zone).AddDays(-1);
        var lastDay = SlotGrid.LocalDateOf(period.End, zone);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var arrival = LocalTime.ToInstant(day, settings.Arrival, zone);
            var departure = LocalTime.ToInstant(settings.Departure > settings.Arrival ? day : day.AddDays(1), settings.Departure, zone);
            if (departure <= period.Start || departure > period.End)
            {
                continue;
            }

            var arrivalSoc = Math.Max(0, settings.TargetSocPercent - (DrivingKwh(settings.DailyKwh, day) / settings.CapacityKwh * 100));
            stays.Add(new CarStay(arrival < period.Start ? period.Start : arrival, departure, arrivalSoc));
        }

        return new ClosedLoopCar
        {
            CapacityKwh = settings.CapacityKwh,
            MinChargeKw = settings.MinChargeKw,
            MaxChargeKw = settings.MaxChargeKw,
            TargetSocPercent = settings.TargetSocPercent,
            Stays = stays,
        };
    }
}

/// <summary>The car of <c>bench plan --car</c>.</summary>
internal sealed record BenchCarSettings(
    double CapacityKwh, double MinChargeKw, double MaxChargeKw, double TargetSocPercent, TimeOnly Arrival, TimeOnly Departure, double DailyKwh);

/// <summary>
/// The car's figures of one window: departures, how many were reachable and reached, the energy charged, and what the car
/// cost (a strategy's cost with the car less its cost without it, same loop, same days) under the MPC, the Oracle and the
/// rule of charging at full power on arrival (the MPC planning the battery around it), with the MPC's whole cost under that rule.
/// </summary>
internal sealed record CarReport(
    int Departures, int Reachable, int Reached, double ChargedKwh, double ChargingCost, double OracleChargingCost,
    int OnArrivalReached, double OnArrivalChargingCost, double MpcOnArrival)
{
    public static CarReport Of(ClosedLoopResult withCar, ClosedLoopCarOutcome onArrival, double mpcOnArrivalCost, ClosedLoopResult withoutCar)
    {
        ArgumentNullException.ThrowIfNull(withCar);
        ArgumentNullException.ThrowIfNull(onArrival);
        ArgumentNullException.ThrowIfNull(withoutCar);
        var mpc = withCar.MpcCar ?? throw new ArgumentException("The run had no car.", nameof(withCar));
        return new CarReport(
            mpc.Stays.Count, mpc.Reachable, mpc.Reached, Math.Round(mpc.ChargedKwh, 2),
            Math.Round(withCar.Mpc.Cost - withoutCar.Mpc.Cost, 2), Math.Round(withCar.Oracle.Cost - withoutCar.Oracle.Cost, 2),
            onArrival.Reached, Math.Round(mpcOnArrivalCost - withoutCar.Mpc.Cost, 2), Math.Round(mpcOnArrivalCost, 2));
    }
}
