using Darkstar.Core.Time;
using Darkstar.Planning.Forecasts;
using Darkstar.Planning.Model;
using Darkstar.Planning.Simulation;

namespace Darkstar.Planning.Antares;

/// <summary>
/// One local day as Antares sees it: what happened in each slot (load, PV, prices), the day's 7-day-baseline forecast
/// issued at its start (for the day and the day after), the prices known at each slot (day-ahead) and the problem the
/// planner's cost model costs it with.
/// </summary>
public sealed class AntaresDay
{
    private AntaresDay(DateOnly day, SlotRange slots, PlanningProblem problem, double[] aheadImport, double[] aheadExport, int[] knownEnd,
        double[] forecastLoad, double[] forecastPv, double[] previousLoad, double[] previousPv, TimeZoneInfo zone)
    {
        Day = day;
        Slots = slots;
        Problem = problem;
        AheadImport = aheadImport;
        AheadExport = aheadExport;
        KnownEnd = knownEnd;
        ForecastLoad = forecastLoad;
        ForecastPv = forecastPv;
        PreviousLoad = previousLoad;
        PreviousPv = previousPv;
        Zone = zone;
    }

    public DateOnly Day { get; }

    /// <summary>The day's slots: 92, 96 or 100.</summary>
    public SlotRange Slots { get; }

    /// <summary>The day's actual load, PV and prices with the battery and grid: what a slot is costed on.</summary>
    public PlanningProblem Problem { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>Import prices from the day's start over two days (0 where none is stored).</summary>
    internal double[] AheadImport { get; }

    internal double[] AheadExport { get; }

    /// <summary>Per slot of the day, the position in <see cref="AheadImport"/> where the prices known then end.</summary>
    internal int[] KnownEnd { get; }

    /// <summary>The baseline's p50 load and PV issued at the day's start, over two days.</summary>
    internal double[] ForecastLoad { get; }

    internal double[] ForecastPv { get; }

    /// <summary>Per slot, the load and PV measured in the slot before (0 where not measured).</summary>
    internal double[] PreviousLoad { get; }

    internal double[] PreviousPv { get; }

    /// <summary>
    /// The day from <paramref name="actual"/>, which must hold its load and prices and the 8 days before it (the
    /// baseline's look-back); slots after it without prices count as unknown.
    /// </summary>
    public static AntaresDay From(ActualSeries actual, DateOnly day, TimeZoneInfo zone, BatterySpec battery, GridSpec grid) =>
        Read(actual, day, zone, battery, grid, whole: true);

    /// <summary>
    /// The day as far as it is known now (the shadow policy's day): slots not yet measured or priced count as 0, which
    /// no state reads before their time; the day cannot be stepped.
    /// </summary>
    public static AntaresDay Known(ActualSeries actual, DateOnly day, TimeZoneInfo zone, BatterySpec battery, GridSpec grid) =>
        Read(actual, day, zone, battery, grid, whole: false);

    private static AntaresDay Read(ActualSeries actual, DateOnly day, TimeZoneInfo zone, BatterySpec battery, GridSpec grid, bool whole)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var slots = SlotGrid.LocalDay(day, zone);
        var first = actual.PositionOf(slots.FirstIndex);
        if (first < 0 || first + slots.Count > actual.Range.Count)
        {
            throw new ArgumentException($"The series ({actual.Range}) does not cover {DayText.Format(day)}.", nameof(actual));
        }

        var load = new double[slots.Count];
        var pv = new double[slots.Count];
        var import = new double[slots.Count];
        var export = new double[slots.Count];
        var previousLoad = new double[slots.Count];
        var previousPv = new double[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            load[i] = actual.Load[first + i] ?? (whole ? throw new ArgumentException($"{DayText.Format(day)} has no load at {slots[i]:u}.", nameof(actual)) : 0);
            pv[i] = actual.Pv[first + i] ?? 0;
            import[i] = actual.ImportPrice[first + i] ?? (whole ? throw new ArgumentException($"{DayText.Format(day)} has no price at {slots[i]:u}.", nameof(actual)) : 0);
            export[i] = actual.ExportPrice[first + i] ?? (whole ? throw new ArgumentException($"{DayText.Format(day)} has no price at {slots[i]:u}.", nameof(actual)) : 0);
            var before = actual.Measured(slots.FirstIndex + i - 1);
            previousLoad[i] = before.Load ?? 0;
            previousPv[i] = before.Pv ?? 0;
        }

        var aheadCount = slots.Count + SlotGrid.SlotsPerUtcDay;
        var aheadImport = new double[aheadCount];
        var aheadExport = new double[aheadCount];
        var stored = 0;
        for (var i = 0; i < aheadCount && first + i < actual.Range.Count; i++)
        {
            if (actual.ImportPrice[first + i] is { } pi && actual.ExportPrice[first + i] is { } pe)
            {
                (aheadImport[i], aheadExport[i]) = (pi, pe);
                stored = i + 1;
            }
        }

        var known = PriceAvailability.DayAhead(zone);
        var knownEnd = new int[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            knownEnd[i] = (int)Math.Max(i + 1, Math.Min(known(slots.FirstIndex + i) - slots.FirstIndex, stored));
        }

        var forecast = PlanningForecast.Baseline(new SlotRange(slots.FirstIndex, aheadCount), slots.Start, zone, actual.Measured);
        var problem = new PlanningProblem
        {
            Slots = slots,
            LoadKwh = load,
            PvKwh = pv,
            ImportPrice = import,
            ExportPrice = export,
            InitialSocPercent = battery.MinSocPercent,
            Battery = battery,
            Grid = grid,
            TimeZone = zone,
            // A kWh left at the day's end replaces an import later, after the discharge loss.
            TerminalValuePerKwh = import.Average() * battery.DischargeEfficiency,
        };
        return new AntaresDay(day, slots, problem, aheadImport, aheadExport, knownEnd, [.. forecast.LoadP50], [.. forecast.PvP50], previousLoad, previousPv, zone);
    }
}
