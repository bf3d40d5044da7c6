namespace Darkstar.Core.Time;

/// <summary>
/// When the planner re-plans on its own: every <c>planner.replan_minutes</c> (at least a slot), on multiples of the
/// interval since midnight UTC. The planner's loop wakes on it; the executor, at such a boundary, waits a moment for the
/// slot's own plan instead of acting on the one made before the slot.
/// </summary>
public static class ReplanGrid
{
    public static TimeSpan Interval(int replanMinutes) => TimeSpan.FromMinutes(Math.Max(replanMinutes, SlotGrid.MinutesPerSlot));

    /// <summary>The next regular re-plan strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset now, int replanMinutes)
    {
        var interval = Interval(replanMinutes);
        var ticks = (now.UtcTicks / interval.Ticks + 1) * interval.Ticks;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>True when the planner re-plans at <paramref name="instant"/>.</summary>
    public static bool IsReplanAt(DateTimeOffset instant, int replanMinutes) => instant.UtcTicks % Interval(replanMinutes).Ticks == 0;
}
