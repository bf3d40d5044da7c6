namespace Darkstar.Core.Forecasts;

/// <summary>The p10/p50/p90 of one quantity in one slot, in order, never negative.</summary>
public readonly record struct QuantileTriple(double P10, double P50, double P90)
{
    /// <summary>Sorts the three (quantiles never cross), then clamps each into [0, <paramref name="max"/>].</summary>
    public static QuantileTriple Ordered(double a, double b, double c, double max)
    {
        Span<double> values = [a, b, c];
        values.Sort();
        return new QuantileTriple(Clamp(values[0], max), Clamp(values[1], max), Clamp(values[2], max));
    }

    private static double Clamp(double value, double max) => double.IsNaN(value) ? 0 : Math.Clamp(value, 0, Math.Max(max, 0));
}
