using Darkstar.Core.Time;
using Darkstar.Planning.Model;

namespace Darkstar.Planning.Tests;

/// <summary>Hand-checkable planning problems: constant series unless a test sets them per slot.</summary>
internal static class ProblemBuilder
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static PlanningProblem Constant(
        int slots, double load, double pv, double importPrice, double exportPrice, double initialSocPercent = 10,
        BatterySpec? battery = null, GridSpec? grid = null) => new()
        {
            Slots = new SlotRange(SlotGrid.IndexOf(Start), slots),
            LoadKwh = Enumerable.Repeat(load, slots).ToArray(),
            PvKwh = Enumerable.Repeat(pv, slots).ToArray(),
            ImportPrice = Enumerable.Repeat(importPrice, slots).ToArray(),
            ExportPrice = Enumerable.Repeat(exportPrice, slots).ToArray(),
            InitialSocPercent = initialSocPercent,
            Battery = battery ?? new BatterySpec(10, 10, 100, 5, 5, 0.9, 0.01),
            Grid = grid ?? new GridSpec(11, 11, true),
            TerminalValuePerKwh = 0,
        };

    public static double[] Series(int slots, Func<int, double> value) => [.. Enumerable.Range(0, slots).Select(value)];
}
