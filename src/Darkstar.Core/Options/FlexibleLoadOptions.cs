using Darkstar.Core.Time;

namespace Darkstar.Core.Options;

/// <summary>
/// One deferrable load of <c>flexible_loads</c> (a dishwasher, a pool pump, a second heater): switched on at
/// <see cref="PowerKw"/> for its <see cref="KwhPerDay"/> inside its allowed window of local time each day (a window whose
/// end is not after its start runs past midnight; equal times are the whole day), in runs of at least
/// <see cref="MinRunMinutes"/>, at most <see cref="MaxStartsPerDay"/> of them, starts <see cref="MinSpacingMinutes"/> apart.
/// The keys marked <see cref="ItemRequiredAttribute"/> must be given for every load; the rest default as shown.
/// </summary>
public sealed record FlexibleLoadOptions
{
    /// <summary>The load's name: in its MQTT sensor's id and in the plan, so lower-case letters, digits and underscores.</summary>
    [ItemRequired]
    [Matches("^[a-z][a-z0-9_]{0,39}$", "a short name of lower-case letters, digits and underscores starting with a letter, e.g. dishwasher")]
    public string Name { get; init; } = string.Empty;

    /// <summary>The switch that turns the load on and off.</summary>
    [ItemRequired]
    [EntityId("switch", "input_boolean")]
    public string SwitchEntity { get; init; } = string.Empty;

    /// <summary>What the load draws while on.</summary>
    [ItemRequired]
    [Between(0, 50, MinExclusive = true)]
    public double PowerKw { get; init; }

    /// <summary>The energy it takes each day (each window).</summary>
    [ItemRequired]
    [Between(0, 200, MinExclusive = true)]
    public double KwhPerDay { get; init; }

    /// <summary>Local time (HH:mm) the window opens.</summary>
    public TimeOnly EarliestStart { get; init; } = TimeOnly.MinValue;

    /// <summary>Local time (HH:mm) by which the day's runs have ended.</summary>
    public TimeOnly LatestEnd { get; init; } = TimeOnly.MinValue;

    /// <summary>The shortest run once started (a dishwasher's programme).</summary>
    [Between(15, 1440)]
    [MultipleOf(15)]
    public int MinRunMinutes { get; init; } = 15;

    [Between(1, SlotGrid.SlotsPerUtcDay)]
    public int MaxStartsPerDay { get; init; } = 1;

    /// <summary>Minimum time between the starts of two runs.</summary>
    [Between(0, 1440)]
    [MultipleOf(15)]
    public int MinSpacingMinutes { get; init; }

    /// <summary>The window's length in minutes: a day when its start and end are equal.</summary>
    public int WindowMinutes
    {
        get
        {
            var minutes = (int)(LatestEnd - EarliestStart).TotalMinutes;
            return minutes == 0 ? 24 * 60 : minutes;
        }
    }

    /// <summary>How the day's energy splits into runs of whole slots.</summary>
    public FlexibleLoadRuns Runs => FlexibleLoadRuns.Of(PowerKw, KwhPerDay, MinRunMinutes / SlotGrid.MinutesPerSlot, MaxStartsPerDay);
}

/// <summary>
/// How a flexible load's daily energy splits into equal runs of whole slots: its daily slots over as few runs as its starts
/// allow, no run shorter than its minimum. The one place this arithmetic lives: the options' check of whether a load fits
/// its window and the planner's model both use it.
/// </summary>
public sealed record FlexibleLoadRuns(int SlotsPerDay, int RunSlots, int RunsPerDay)
{
    public static FlexibleLoadRuns Of(double powerKw, double kwhPerDay, int minRunSlots, int maxStartsPerDay)
    {
        var kwhPerSlot = powerKw * SlotGrid.SlotLength.TotalHours;
        var slotsPerDay = kwhPerDay <= 0 || powerKw <= 0 ? 0 : (int)Math.Ceiling((kwhPerDay / kwhPerSlot) - 1e-9);
        var runSlots = Math.Max(Math.Max(1, minRunSlots), (int)Math.Ceiling(slotsPerDay / (double)Math.Max(1, maxStartsPerDay)));
        var runsPerDay = slotsPerDay == 0 ? 0 : (int)Math.Ceiling(slotsPerDay / (double)runSlots);
        return new FlexibleLoadRuns(slotsPerDay, runSlots, runsPerDay);
    }

    /// <summary>The slots a window needs for every run, starts at least <paramref name="minSpacingSlots"/> apart.</summary>
    public int SlotsNeeded(int minSpacingSlots) =>
        RunsPerDay == 0 ? 0 : ((RunsPerDay - 1) * Math.Max(minSpacingSlots, RunSlots)) + RunSlots;
}
