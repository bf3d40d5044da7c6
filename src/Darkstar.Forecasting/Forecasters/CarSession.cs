using Darkstar.Core.Forecasts;
using Darkstar.Core.Time;
using Darkstar.Forecasting.Inputs;

namespace Darkstar.Forecasting.Forecasters;

/// <summary>
/// A car charging at issue time, and how long it will go on: a day-ahead model cannot know when a car is plugged in,
/// but once it charges, the home's own past sessions say how likely it is to still charge in each coming slot. The
/// chance that a session already <c>j</c> slots long lasts at least <c>j + k</c> is the share of past sessions that
/// did, among those that lasted <c>j</c>.
/// </summary>
public sealed class CarSession
{
    /// <summary>A slot in which the charger metered at least this (400 W over 15 minutes) is a charging slot.</summary>
    public const float ChargingKwh = 0.1f;

    /// <summary>The days before the issue time whose sessions make the durations.</summary>
    public const int LookbackDays = 28;

    /// <summary>Past sessions needed, in all and as long as the one on now, before their durations are trusted.</summary>
    public const int MinimumSessions = 3;

    /// <summary>Slots before the issue time searched for the latest metered one (the latest may not be recorded yet).</summary>
    private const int LatestSlotsSearched = 2;

    private readonly int[] _durations;
    private readonly int _elapsed;
    private readonly long _lastCharging;

    private CarSession(float drawKwh, int elapsed, long lastCharging, int[] durations)
    {
        DrawKwh = drawKwh;
        _elapsed = elapsed;
        _lastCharging = lastCharging;
        _durations = durations;
    }

    /// <summary>What the car draws per slot while it charges: the most of the session's latest two metered slots.</summary>
    public float DrawKwh { get; }

    /// <summary>
    /// The session on at <paramref name="issue"/>: the charger metered charging in the latest metered slot before it,
    /// and enough past sessions (<see cref="MinimumSessions"/>) in the <see cref="LookbackDays"/> before lasted at least
    /// as long. Null otherwise: no car meter, no car charging, or too little past to say how long it goes on.
    /// </summary>
    public static CarSession? At(SlotHistory history, long issue)
    {
        ArgumentNullException.ThrowIfNull(history);
        var latest = -1L;
        for (var s = issue - 1; s >= issue - LatestSlotsSearched; s--)
        {
            if (history.Contains(s) && !float.IsNaN(history.Ev[history.PositionOf(s)]))
            {
                latest = s;
                break;
            }
        }

        if (latest < 0 || history.Ev[history.PositionOf(latest)] < ChargingKwh)
        {
            return null;
        }

        // The session on now, back to its first charging slot.
        var first = latest;
        while (history.Contains(first - 1) && Charging(history, first - 1))
        {
            first--;
        }

        var draw = history.Ev[history.PositionOf(latest)];
        if (latest > first)
        {
            draw = Math.Max(draw, history.Ev[history.PositionOf(latest - 1)]);
        }

        // The unmetered slots between the latest metered one and the issue time count as charging: the session is
        // judged on at issue time.
        var elapsed = (int)(issue - first);
        var durations = PastDurations(history, first, issue - (LookbackDays * SlotGrid.SlotsPerUtcDay));
        var asLong = durations.Count(d => d >= elapsed);
        return durations.Count < MinimumSessions || asLong < MinimumSessions
            ? null
            : new CarSession(draw, elapsed, issue - 1, [.. durations]);
    }

    /// <summary>The chance the car still charges in <paramref name="slot"/> (after the issue time).</summary>
    public double ChargingProbability(long slot)
    {
        var needed = _elapsed + (int)(slot - _lastCharging);
        var asLong = _durations.Count(d => d >= _elapsed);
        return asLong == 0 ? 0 : (double)_durations.Count(d => d >= needed) / asLong;
    }

    /// <summary>
    /// <paramref name="load"/> with the car added to each quantile whose chance it reaches: the p50 while the session
    /// is more likely on than not, the p90 while one in ten, the p10 while nine in ten. The order is kept.
    /// </summary>
    public QuantileTriple Add(QuantileTriple load, long slot)
    {
        var chance = ChargingProbability(slot);
        return new QuantileTriple(
            load.P10 + (chance >= 0.9 ? DrawKwh : 0),
            load.P50 + (chance >= 0.5 ? DrawKwh : 0),
            load.P90 + (chance >= 0.1 ? DrawKwh : 0));
    }

    private static bool Charging(SlotHistory history, long slot) =>
        history.Ev[history.PositionOf(slot)] is var ev && !float.IsNaN(ev) && ev >= ChargingKwh;

    /// <summary>Durations in slots of the sessions that ended before <paramref name="before"/> and began after <paramref name="from"/>.</summary>
    private static List<int> PastDurations(SlotHistory history, long before, long from)
    {
        var durations = new List<int>();
        var length = 0;
        var start = Math.Max(from, history.Range.FirstIndex);
        for (var s = start; s < before; s++)
        {
            if (Charging(history, s))
            {
                length++;
            }
            else
            {
                // A session cut by an unmetered slot is not counted whole: its end is not known.
                if (length > 0 && !float.IsNaN(history.Ev[history.PositionOf(s)]) && s - length > start)
                {
                    durations.Add(length);
                }

                length = 0;
            }
        }

        return durations;
    }
}
