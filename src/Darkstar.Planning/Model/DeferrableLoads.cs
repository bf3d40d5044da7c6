using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Planning.Model;

/// <summary>
/// A deferrable load (dishwasher, pool pump, a second heater): on at <see cref="PowerKw"/> in whole slots, its daily energy
/// inside an allowed window of local time (earliest start, latest end; a window whose end is not after its start runs
/// past midnight, and one whose end equals its start is the whole day), each run at least <see cref="MinRunSlots"/>
/// long, at most <see cref="MaxStartsPerDay"/> runs per window and <see cref="MinSpacingSlots"/> between two starts.
/// It runs in equal runs of <see cref="RunSlots"/>: its daily slots split over as few runs as the limits allow. Runs of one
/// known length make the model choose where each starts (a tight formulation CBC solves in milliseconds) instead of
/// switching slot by slot (whose relaxation spreads the load thinly over the window and branches for seconds).
/// </summary>
public sealed record FlexibleLoadSpec(
    string Name,
    double PowerKw,
    double KwhPerDay,
    TimeOnly EarliestStart,
    TimeOnly LatestEnd,
    int MinRunSlots,
    int MaxStartsPerDay,
    int MinSpacingSlots)
{
    public double KwhPerSlot => PowerKw * BatterySpec.SlotHours;

    /// <summary>How its daily energy splits into runs (<see cref="FlexibleLoadRuns"/>: the one place of that arithmetic).</summary>
    private FlexibleLoadRuns Runs => FlexibleLoadRuns.Of(PowerKw, KwhPerDay, MinRunSlots, MaxStartsPerDay);

    /// <summary>The whole slots its daily energy takes.</summary>
    public int SlotsPerDay => Runs.SlotsPerDay;

    /// <summary>The length of each run: the daily slots over the most runs allowed, never shorter than the minimum run.</summary>
    public int RunSlots => Runs.RunSlots;

    /// <summary>The runs a day takes.</summary>
    public int RunsPerDay => Runs.RunsPerDay;

    /// <summary>
    /// What the load already did in the window the horizon starts in (the same record the water heater's carry-over
    /// is): energy, runs started, on in the slot before the horizon, the last start.
    /// </summary>
    public WaterHeatingToday Today { get; init; } = WaterHeatingToday.Nothing;

    /// <summary>When set, the load has a window only on days starting on this weekday (a weekly anti-legionella heating).</summary>
    public DayOfWeek? OnlyOn { get; init; }

    /// <summary>The water heater's options as a flexible load: its daily minimum at any hour, in as many blocks as allowed.</summary>
    public static FlexibleLoadSpec FromWaterHeating(WaterHeatingOptions water)
    {
        ArgumentNullException.ThrowIfNull(water);
        return new FlexibleLoadSpec(
            "water_heater", water.PowerKw, water.MinKwhPerDay, TimeOnly.MinValue, TimeOnly.MinValue, 1, water.MaxBlocksPerDay,
            water.MinSpacingMinutes / SlotGrid.MinutesPerSlot);
    }

    /// <summary>A configured flexible load (<c>flexible_loads</c>) as the model plans it.</summary>
    public static FlexibleLoadSpec FromOptions(FlexibleLoadOptions load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return new FlexibleLoadSpec(
            load.Name, load.PowerKw, load.KwhPerDay, load.EarliestStart, load.LatestEnd, load.MinRunMinutes / SlotGrid.MinutesPerSlot,
            load.MaxStartsPerDay, load.MinSpacingMinutes / SlotGrid.MinutesPerSlot);
    }

    /// <summary>
    /// The start of the allowed window that <paramref name="instant"/> falls in, or null when it falls in none: what the
    /// load did since then counts against the window's runs.
    /// </summary>
    public DateTimeOffset? WindowStartAround(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = SlotGrid.LocalDateOf(instant, zone);
        for (var day = today; day >= today.AddDays(-1); day = day.AddDays(-1))
        {
            if (OnlyOn is { } weekday && day.DayOfWeek != weekday)
            {
                continue;
            }

            var start = LocalTime.ToInstant(day, EarliestStart, zone);
            var end = LocalTime.ToInstant(LatestEnd > EarliestStart ? day : day.AddDays(1), LatestEnd, zone);
            if (start <= instant && instant < end)
            {
                return start;
            }
        }

        return null;
    }

    /// <summary>
    /// The allowed windows that meet <paramref name="horizon"/>, as positions in it: [From, To), whether the window
    /// began before the horizon (what <see cref="Today"/> counts belongs to it) and whether it ends inside the horizon
    /// (only then does its daily energy bind; a later window is planned when the horizon reaches its end).
    /// </summary>
    public IReadOnlyList<LoadWindow> Windows(SlotRange horizon, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var windows = new List<LoadWindow>();
        if (horizon.Count == 0)
        {
            return windows;
        }

        var firstDay = SlotGrid.LocalDateOf(horizon.Start, zone).AddDays(-1);
        var lastDay = SlotGrid.LocalDateOf(horizon.End, zone);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            if (OnlyOn is { } weekday && day.DayOfWeek != weekday)
            {
                continue;
            }

            var start = LocalTime.ToInstant(day, EarliestStart, zone);
            var end = LocalTime.ToInstant(LatestEnd > EarliestStart ? day : day.AddDays(1), LatestEnd, zone);
            var first = SlotGrid.IndexOf(SlotGrid.Ceiling(start));
            var last = SlotGrid.IndexOf(end);
            var from = (int)Math.Max(0, first - horizon.FirstIndex);
            var to = (int)Math.Min(horizon.Count, last - horizon.FirstIndex);
            if (to > from)
            {
                windows.Add(new LoadWindow(from, to, first < horizon.FirstIndex, last <= horizon.EndIndex));
            }
        }

        return windows;
    }
}

/// <summary>One allowed window of a flexible load, as horizon positions [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record LoadWindow(int From, int To, bool BeganBeforeHorizon, bool EndsInHorizon);

/// <summary>
/// The electric car as a load with a deadline: from <see cref="SocPercent"/> to <see cref="TargetSocPercent"/> of
/// <see cref="CapacityKwh"/> by <see cref="Departure"/>, charged at up to <see cref="MaxChargeKw"/> from the grid side.
/// A charger Darkstar can only switch (<see cref="Modulating"/> false) draws <see cref="MaxChargeKw"/> whenever it is on;
/// one whose current it sets draws anything between <see cref="MinChargeKw"/> (the lowest current it accepts) and the maximum.
/// </summary>
public sealed record CarChargingSpec(
    double CapacityKwh,
    double SocPercent,
    double TargetSocPercent,
    DateTimeOffset Departure,
    double MinChargeKw,
    double MaxChargeKw,
    bool Modulating,
    double ChargeEfficiency = 0.9)
{
    /// <summary>Energy the car's battery still needs to reach its target, kWh in the car.</summary>
    public double NeededKwh => Math.Max(0, (TargetSocPercent - SocPercent) / 100 * CapacityKwh);

    /// <summary>Room left in the car's battery, kWh in the car: it never charges past full.</summary>
    public double RoomKwh => Math.Max(0, (100 - SocPercent) / 100 * CapacityKwh);

    public double MaxKwhPerSlot => MaxChargeKw * BatterySpec.SlotHours;

    public double MinKwhPerSlot => Modulating ? Math.Min(MinChargeKw, MaxChargeKw) * BatterySpec.SlotHours : MaxKwhPerSlot;

    /// <summary>
    /// When the car is plugged in, for a stay that begins later in the horizon (the benchmark's Oracle plans every evening
    /// of a period at once); null: plugged in now.
    /// </summary>
    public DateTimeOffset? PluggedInFrom { get; init; }

    /// <summary>The horizon's slots that end by the departure: the only ones the car can charge in.</summary>
    public int SlotsBeforeDeparture(SlotRange horizon) =>
        (int)Math.Clamp(SlotGrid.IndexOf(Departure) - horizon.FirstIndex, 0, horizon.Count);

    /// <summary>The first of the horizon's slots the car is plugged in for: 0 unless it arrives later.</summary>
    public int FirstPluggedInSlot(SlotRange horizon) => PluggedInFrom is { } from
        ? (int)Math.Clamp(SlotGrid.IndexOf(SlotGrid.Ceiling(from)) - horizon.FirstIndex, 0, horizon.Count)
        : 0;

    /// <summary>The most the car can take in before it leaves, kWh in the car, charging flat out from now.</summary>
    public double ReachableKwh(SlotRange horizon) =>
        Math.Min(RoomKwh, Math.Max(0, SlotsBeforeDeparture(horizon) - FirstPluggedInSlot(horizon)) * MaxKwhPerSlot * ChargeEfficiency);

    /// <summary>True when charging flat out from now reaches the target by the departure.</summary>
    public bool TargetReachable(SlotRange horizon) => ReachableKwh(horizon) >= NeededKwh - 1e-6;
}
